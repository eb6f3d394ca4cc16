"""What job code outside backend.jobs uses: the one decorator every job function wears, and
``enqueue``."""

import functools
import logging
import os

from backend.extensions import db
from backend.jobs.queues import default_queue

log = logging.getLogger("backend.jobs")

_engine_pid = os.getpid()


def _loggable(args: tuple) -> str:
    """Ids as they are; anything else by its type only: a job handed a chat message (the
    WeCom callback) must not write what the owner typed — a binding code, a vote — to the log."""
    shown = [
        repr(a)
        if isinstance(a, int)
        else f"<{len(a)} ids from {a[0]}>"
        if isinstance(a, list) and a and all(isinstance(i, int) for i in a)
        else f"<{type(a).__name__}>"
        for a in args
    ]
    return "(" + ", ".join(shown) + ")"


def job(func):
    """Run ``func`` as a job: fresh database connections in a forked work horse, the job id
    in the log, and a clean session afterwards (one job, one unit of work)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        global _engine_pid
        if os.getpid() != _engine_pid:
            # rq forks a work horse per job: connections inherited from the parent must not
            # be used by two processes, so drop them (without closing the parent's sockets).
            db.engine.dispose(close=False)
            _engine_pid = os.getpid()
        from rq import get_current_job

        current = get_current_job()
        job_id = current.id if current else "inline"
        try:
            result = func(*args, **kwargs)
            log.info("job %s %s%s: %s", job_id, func.__name__, _loggable(args), result)
            return result
        except Exception:
            # What the job left unfinished is rolled back when the session is removed below.
            log.info("job %s %s%s failed", job_id, func.__name__, _loggable(args), exc_info=True)
            raise
        finally:
            db.session.remove()

    return wrapper


def enqueue(func_path: str, *args, **options):
    """Put the job named by ``func_path`` on the default queue (rq's enqueue options apply)."""
    return default_queue().enqueue(func_path, *args, **options)
