"""Job functions the schedule tests name by path, as SCHEDULE names the real ones."""

from backend.extensions import redis_holder
from backend.jobs.job import job

TICKS = "test:periodic:ticks"


def _tick() -> int:
    return redis_holder.client.incr(TICKS)


def _fail() -> None:
    raise RuntimeError("periodic job failed")


# Wrapped like the real jobs: their __qualname__ is the inner function's, not the path's.
tick = job(_tick)
fail = job(_fail)


def ticks() -> int:
    return int(redis_holder.client.get(TICKS) or 0)
