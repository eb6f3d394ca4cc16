"""Riding out a Redis outage: how long the worker, the relay and the scheduler wait before
trying again, and the errors that mean Redis is away rather than a bug."""

import logging
import threading

import redis

log = logging.getLogger("backend.jobs")

# A refused or dropped connection, or a call that hung past its socket timeout.
REDIS_DOWN = (redis.ConnectionError, redis.TimeoutError)
# The longest wait between tries: work resumes at most this long after Redis is back.
MAX_WAIT_SECONDS = 10.0


class Backoff:
    """Waits that double with each failure in a row (``first``, 2×, 4×, … up to ``cap``) and
    start again from ``first`` after a success."""

    def __init__(self, first: float = 1.0, cap: float = MAX_WAIT_SECONDS):
        self.first = first
        self.cap = max(cap, first)
        self.failures = 0

    def next_wait(self) -> float:
        """Count one more failure; returns how long to wait before the next try."""
        wait = min(self.cap, self.first * 2**self.failures)
        self.failures += 1
        return wait

    def reset(self) -> bool:
        """A success: back to the first wait. Returns whether it ended a run of failures."""
        ended, self.failures = self.failures > 0, 0
        return ended


def wait_for_redis(connection: redis.Redis, backoff: Backoff, stop: threading.Event) -> bool:
    """Ping ``connection`` after each of ``backoff``'s waits until it answers (True) or
    ``stop`` is set (False)."""
    while not stop.wait(backoff.next_wait()):
        try:
            connection.ping()
        except REDIS_DOWN as exc:
            log.warning("Redis still unreachable: %s: %s", type(exc).__name__, exc)
            continue
        return True
    return False
