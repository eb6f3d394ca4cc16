"""Periodic jobs: what runs when, the scheduler process that enqueues them (rq's CronScheduler,
exactly one active at a time through a Redis leader lock), and the same schedule run inline by
the embedded default."""

import importlib
import logging
import threading
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import redis
from croniter import croniter
from flask import Flask
from redis.exceptions import LockError
from rq import cron_job_registry
from rq.cron import CronScheduler
from rq.exceptions import SchedulerNotFound

from backend.common.clock import utcnow
from backend.jobs.outage import Backoff
from backend.jobs.queues import DEFAULT_QUEUE

log = logging.getLogger("backend.jobs")

LEADER_KEY = "linli:scheduler:leader"
FAILURE_TTL = 7 * 86400


@dataclass(frozen=True)
class Periodic:
    """A job function (no arguments, idempotent, wrapped by ``@job``) named by its dotted path,
    run every ``interval`` seconds or on a ``cron`` expression in UTC."""

    name: str
    func_path: str
    interval: int | None = None
    cron: str | None = None
    timeout: int = 300

    def __post_init__(self):
        if (self.interval is None) == (self.cron is None):
            raise ValueError(f"{self.name}: give either an interval or a cron expression")
        if self.cron is not None and not croniter.is_valid(self.cron):
            raise ValueError(f"{self.name}: invalid cron expression {self.cron!r}")

    def next_after(self, moment: datetime) -> datetime:
        """When this entry is next due after ``moment``."""
        if self.cron:
            return croniter(self.cron, moment).get_next(datetime)
        return moment + timedelta(seconds=self.interval)


# Named by path and imported only when a scheduler starts or the job runs: this module is
# imported by every worker and by the embedded runner, and must not pull domains in.
SCHEDULE: tuple[Periodic, ...] = (
    Periodic("escalate-overdue-tickets", "backend.tickets.jobs.escalate_overdue_job", interval=300),
    Periodic("close-unrated-tickets", "backend.tickets.jobs.close_unrated_job", interval=3600),
    # Monday 09:00 in Asia/Shanghai.
    Periodic("weekly-ticket-digests", "backend.tickets.jobs.weekly_digests_job", cron="0 1 * * 1"),
    # Voting opens and closes within a minute of its time (requests that find a motion late
    # advance it themselves, so a stopped scheduler never leaves a vote open past its end).
    Periodic("advance-motions", "backend.votes.jobs.advance_motions_job", interval=60),
    # 20:00 in Asia/Shanghai.
    Periodic("motion-turnout", "backend.votes.jobs.daily_turnout_job", cron="0 12 * * *"),
    # 09:00 in Asia/Shanghai: committees due for re-election, once per term.
    Periodic(
        "reelection-reminders",
        "backend.governance.register.jobs.reelection_reminders_job",
        cron="0 1 * * *",
    ),
    # 09:10 in Asia/Shanghai: questions unanswered for days, periods not published in time.
    Periodic(
        "overdue-ledger-questions", "backend.ledger.jobs.overdue_questions_job", cron="10 1 * * *"
    ),
    Periodic("late-ledger-periods", "backend.ledger.jobs.late_periods_job", cron="10 1 * * *"),
    Periodic(
        "overdue-fund-notices", "backend.funds.jobs.overdue_owner_notices_job", cron="10 1 * * *"
    ),
    # 09:20 in Asia/Shanghai: claims on units waiting for a decision, to the committee.
    Periodic("waiting-claims", "backend.claims.jobs.waiting_claims_job", cron="20 1 * * *"),
    # The dashboards' roll-ups of closed months: the newly closed month and any month a ticket
    # changed in since its build, so a late edit shows within the hour.
    Periodic("build-rollups", "backend.governance.targets.jobs.build_rollups_job", interval=3600),
)


def resolve(path: str):
    """Import and return the function at dotted ``path``.

    :raises ImportError: the module cannot be imported (or fails while importing).
    :raises AttributeError: the module has no such function.
    """
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def run_scheduler(
    app: Flask,
    schedule: tuple[Periodic, ...] = SCHEDULE,
    stop: threading.Event | None = None,
    lock_ttl: float = 30.0,
    name: str = "",
) -> None:
    """Enqueue ``schedule`` on the default queue while this instance leads; stand by otherwise.

    The leader holds ``LEADER_KEY`` (SET NX with this instance's name, ``lock_ttl`` expiry),
    renewed every ttl/3 by compare-and-set; a scheduler that cannot renew stops enqueuing. A
    standby takes over within about ``lock_ttl`` after the leader dies, at once after it stops.
    Runs until ``stop`` is set, through Redis outages.
    """
    stop = stop or threading.Event()
    renew_every = lock_ttl / 3
    # A socket timeout under the renewal period: a hung Redis call must not outlive the lock.
    connection = redis.Redis.from_url(app.config["REDIS_URL"], socket_timeout=renew_every)
    scheduler = CronScheduler(connection, name=name)
    for entry in schedule:
        _register(scheduler, entry)
    lock = connection.lock(LEADER_KEY, timeout=lock_ttl, thread_local=False)
    leading = None
    backoff = Backoff(first=min(1.0, renew_every), cap=renew_every)
    try:
        while not stop.is_set():
            was_leading = leading
            try:
                leading = _hold(lock, scheduler.name)
                if leading and not was_leading:
                    _take_over(scheduler)
                elif was_leading is not False and not leading:
                    _stand_by(scheduler)
                if leading:
                    if scheduler.enqueue_jobs():
                        scheduler.save()  # rq's record of each job's last and next run
                    scheduler.heartbeat()
            except Exception as exc:  # Redis down: nobody can enqueue; try again soon
                wait = backoff.next_wait()
                log.warning(
                    "scheduler round failed, next in %gs: %s: %s", wait, type(exc).__name__, exc
                )
                if leading:
                    log.info("scheduler standby: %s", scheduler.name)
                leading = False
                stop.wait(wait)
                continue
            if backoff.reset():
                log.info("scheduler resumed: %s", scheduler.name)
            due_in = scheduler.calculate_sleep_interval() if leading else renew_every
            stop.wait(min(due_in, renew_every))
    finally:
        if leading:  # hand over now rather than after the lock expires
            with suppress(LockError, redis.RedisError):
                lock.release()
            with suppress(SchedulerNotFound, redis.RedisError):
                scheduler.register_death()
            log.info("scheduler stopped: %s", scheduler.name)


def _register(scheduler: CronScheduler, entry: Periodic) -> None:
    try:
        resolve(entry.func_path)  # fail here, not in a worker every interval
    except Exception as exc:
        log.error("periodic job %s not scheduled: %s: %s", entry.name, type(exc).__name__, exc)
        return
    scheduler.register(
        _named_by_path(entry.func_path),
        DEFAULT_QUEUE,
        interval=entry.interval,
        cron=entry.cron,
        job_timeout=entry.timeout,
        failure_ttl=FAILURE_TTL,
        name=entry.name,
    )


def _named_by_path(path: str):
    """A stand-in rq records as ``path``, for the worker to import and run.

    rq names a function ``__module__.__qualname__``, which for a job wrapped by ``@job``
    (functools.wraps) is the undecorated function: the worker would run it without the wrapper.
    """
    module, _, name = path.rpartition(".")

    def stand_in(*args, **kwargs):
        raise RuntimeError(f"{path} is run by a worker, imported by its path")

    stand_in.__module__, stand_in.__name__, stand_in.__qualname__ = module, name, name
    return stand_in


def _hold(lock, token: str) -> bool:
    """Renew the leader lock if this instance holds it, else try to take it (never waits)."""
    try:
        return lock.reacquire()
    except LockError:  # not held, or lost to another instance
        return lock.acquire(blocking=False, token=token)


def _take_over(scheduler: CronScheduler) -> None:
    """Start from when each job was last enqueued, by whichever instance: none runs twice."""
    registry = cron_job_registry.get_registry_key()
    for cron_job in scheduler.get_jobs():
        last = scheduler.connection.zscore(registry, cron_job.name)
        if last is not None:
            cron_job.set_enqueue_time(datetime.fromtimestamp(last, UTC))
    log.info("scheduler leader: %s", scheduler.name)


def _stand_by(scheduler: CronScheduler) -> None:
    with suppress(SchedulerNotFound):
        scheduler.register_death()  # rq's list of running schedulers shows the leader only
    log.info("scheduler standby: %s", scheduler.name)


class InlineSchedule:
    """The schedule run in the caller's thread, for the embedded default (no Redis, no worker):
    interval entries at once and then every interval, cron entries at their next slot."""

    def __init__(self, app: Flask, schedule: tuple[Periodic, ...] = SCHEDULE):
        self.app = app
        self.schedule = schedule
        self.due: dict[str, datetime] = {}
        self._unresolved: set[str] = set()

    def run_due(self, now: datetime | None = None) -> list[str]:
        """Call every entry that is due; returns the names of those called."""
        now = now or utcnow()
        called = []
        for entry in self.schedule:
            if entry.name not in self.due:
                self.due[entry.name] = entry.next_after(now) if entry.cron else now
            if now < self.due[entry.name]:
                continue
            self.due[entry.name] = entry.next_after(now)
            if self._call(entry):
                called.append(entry.name)
        return called

    def _call(self, entry: Periodic) -> bool:
        try:
            func = resolve(entry.func_path)
        except Exception as exc:  # e.g. a domain not written yet: the rest keep running
            if entry.name not in self._unresolved:
                self._unresolved.add(entry.name)
                log.warning("periodic job %s skipped: %s: %s", entry.name, type(exc).__name__, exc)
            return False
        self._unresolved.discard(entry.name)
        try:
            with self.app.app_context():
                func()
        except Exception:
            log.exception("periodic job %s failed", entry.name)
        return True
