"""Per-destination send limits (a WeCom robot takes 20 messages a minute), shared by every
worker through Redis; in the embedded default, kept in process memory."""

import time

from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


class SendLimiter:
    def __init__(self, storage_uri: str, per_minute: int = 20):
        self.item = RateLimitItemPerMinute(per_minute)
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))

    def acquire(self, destination: str) -> float:
        """Take one send slot for ``destination``: 0 when taken, else seconds to wait.

        Callers reschedule rather than sleep: a worker never idles on one busy group.
        """
        if self.limiter.hit(self.item, "linli-send", destination):
            return 0.0
        stats = self.limiter.get_window_stats(self.item, "linli-send", destination)
        return max(stats.reset_time - time.time(), 0.5)
