"""Periodic jobs: of several schedulers exactly one enqueues (the others stand by and take
over without enqueuing anything twice); the embedded runner calls the jobs itself."""

import logging
import time
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from rq import cron_job_registry
from rq.cron import CronScheduler

from backend.extensions import redis_holder
from backend.jobs.embedded import EmbeddedRunner
from backend.jobs.queues import DEFAULT_QUEUE, default_queue
from backend.jobs.schedule import LEADER_KEY, SCHEDULE, InlineSchedule, Periodic, resolve
from tests.jobs.conftest import LOCK_TTL, TICK
from tests.jobs.periodic import ticks
from tests.reliability.conftest import wait_until

MONDAY = datetime(2026, 1, 5, tzinfo=UTC)


def leader() -> str | None:
    value = redis_holder.client.get(LEADER_KEY)
    return value.decode() if value else None


def enqueued() -> list[datetime]:
    """When each tick job waiting in the default queue was enqueued, oldest first."""
    jobs = default_queue().jobs
    assert {(j.func_name, j.origin) for j in jobs} <= {("tests.jobs.periodic.tick", DEFAULT_QUEUE)}
    return sorted(j.enqueued_at for j in jobs)


def assert_once_per_interval(times: list[datetime]) -> None:
    """No two enqueues of the job closer than its interval (a little slack for rounding)."""
    gaps = [(b - a).total_seconds() for a, b in pairwise(times)]
    assert all(gap >= TICK.interval * 0.9 for gap in gaps), gaps


def wait_for_jobs(count: int) -> None:
    wait_until(lambda: len(default_queue()) >= count, timeout=30, message=f"{count} jobs")


def test_of_two_schedulers_one_leads_and_enqueues_once_per_interval(schedulers):
    schedulers.start("a")
    schedulers.start("b")
    wait_until(lambda: leader() in {"a", "b"}, message="a leader")
    first = leader()

    wait_for_jobs(4)

    assert leader() == first
    assert_once_per_interval(enqueued())
    running = CronScheduler.all(redis_holder.client)
    assert [s.name for s in running] == [first]  # rq's list shows the leader only


def test_the_standby_takes_over_when_the_leader_stops(schedulers):
    schedulers.start("a")
    wait_until(lambda: leader() == "a", message="a to lead")
    schedulers.start("b")
    wait_for_jobs(2)

    schedulers.stop("a")
    wait_until(lambda: leader() == "b", timeout=10, message="b to take over")
    before = len(default_queue())
    wait_for_jobs(before + 2)

    assert_once_per_interval(enqueued())


def test_a_standby_waits_for_a_dead_leaders_lock_and_its_last_run(schedulers):
    slow = Periodic("slow", TICK.func_path, interval=5)  # due after the dead leader's lock expires
    # A leader died holding the lock, just after enqueuing the job.
    dead_at = time.time()
    redis_holder.client.set(LEADER_KEY, "dead", px=int(LOCK_TTL * 1000))
    redis_holder.client.zadd(cron_job_registry.get_registry_key(), {slow.name: dead_at})

    schedulers.start("b", schedule=(slow,))
    wait_until(lambda: leader() == "b", timeout=10 * LOCK_TTL, message="b to take over")
    wait_for_jobs(1)

    [first] = enqueued()
    assert first.timestamp() >= dead_at + slow.interval * 0.9  # not at once on taking over


def test_a_leader_that_loses_its_lock_stops_enqueuing_until_it_holds_it_again(schedulers):
    schedulers.start("a")
    wait_for_jobs(1)

    redis_holder.client.set(LEADER_KEY, "another")  # taken over by another instance
    count = len(default_queue())
    time.sleep(3 * LOCK_TTL)
    assert len(default_queue()) <= count + 1  # at most the round already under way
    assert leader() == "another"

    redis_holder.client.delete(LEADER_KEY)
    wait_until(lambda: leader() == "a", timeout=10, message="a to lead again")
    wait_for_jobs(len(default_queue()) + 2)
    assert_once_per_interval(enqueued())


def test_a_scheduler_skips_jobs_it_cannot_import(schedulers, caplog):
    missing = Periodic("missing", "tests.jobs.no_such_module.job", interval=1)
    schedulers.start("a", schedule=(missing, TICK))

    wait_for_jobs(2)

    assert_once_per_interval(enqueued())
    assert "periodic job missing not scheduled" in caplog.text


def test_embedded_runner_calls_a_due_job_once_per_interval(app):
    runner = EmbeddedRunner(app, schedule=(Periodic("tick", TICK.func_path, interval=60),))

    assert runner.periodic.run_due(MONDAY) == ["tick"]  # at start, then every interval
    assert runner.periodic.run_due(MONDAY + timedelta(seconds=30)) == []
    assert runner.periodic.run_due(MONDAY + timedelta(seconds=60)) == ["tick"]
    assert runner.periodic.run_due(MONDAY + timedelta(seconds=61)) == []
    assert ticks() == 2


def test_embedded_runner_calls_a_cron_job_at_its_slots_only(app):
    weekly = InlineSchedule(app, (Periodic("weekly", TICK.func_path, cron="0 1 * * 1"),))

    assert weekly.run_due(MONDAY + timedelta(minutes=59)) == []
    assert weekly.run_due(MONDAY + timedelta(hours=1)) == ["weekly"]
    assert weekly.run_due(MONDAY + timedelta(hours=2)) == []
    assert weekly.run_due(MONDAY + timedelta(days=7, hours=1)) == ["weekly"]
    assert ticks() == 2


def test_embedded_runner_logs_an_unimportable_job_once_and_survives_a_failing_one(app, caplog):
    schedule = (
        Periodic("missing", "tests.jobs.no_such_module.job", interval=60),
        Periodic("fail", "tests.jobs.periodic.fail", interval=60),
        Periodic("tick", TICK.func_path, interval=60),
    )
    inline = InlineSchedule(app, schedule)
    caplog.set_level(logging.INFO, logger="backend.jobs")

    for minute in range(3):
        assert inline.run_due(MONDAY + timedelta(minutes=minute)) == ["fail", "tick"]

    assert ticks() == 3
    assert caplog.text.count("periodic job missing skipped") == 1
    assert caplog.text.count("periodic job fail failed") == 3


def test_embedded_runner_thread_runs_the_periodic_jobs(app):
    runner = EmbeddedRunner(app, interval=0.1, schedule=(TICK,)).start()
    try:
        wait_until(lambda: ticks() >= 2, timeout=30, message="two ticks")
    finally:
        runner.stop()


def test_the_ticket_and_vote_jobs_are_scheduled_by_paths_that_import():
    assert {(p.name, p.interval, p.cron) for p in SCHEDULE} == {
        ("escalate-overdue-tickets", 300, None),
        ("close-unrated-tickets", 3600, None),
        ("weekly-ticket-digests", None, "0 1 * * 1"),  # Monday 09:00 in Shanghai
        ("advance-motions", 60, None),
        ("motion-turnout", None, "0 12 * * *"),  # 20:00 in Shanghai
        ("reelection-reminders", None, "0 1 * * *"),  # daily 09:00 in Shanghai
        ("build-rollups", 3600, None),
        ("overdue-ledger-questions", None, "10 1 * * *"),  # daily 09:10 in Shanghai
        ("late-ledger-periods", None, "10 1 * * *"),
        ("overdue-fund-notices", None, "10 1 * * *"),
        ("waiting-claims", None, "20 1 * * *"),  # daily 09:20 in Shanghai
    }
    assert all(callable(resolve(p.func_path)) for p in SCHEDULE)


def test_embedded_runner_runs_the_periodic_jobs_on_an_empty_county(app, caplog):
    inline = InlineSchedule(app)
    interval_jobs = [
        "escalate-overdue-tickets",
        "close-unrated-tickets",
        "advance-motions",
        "build-rollups",
    ]

    assert inline.run_due(MONDAY) == interval_jobs
    assert inline.run_due(MONDAY + timedelta(hours=1)) == [
        "escalate-overdue-tickets",
        "close-unrated-tickets",
        "weekly-ticket-digests",
        "advance-motions",
        "reelection-reminders",  # daily at 01:00 UTC, as the weekly digest on Mondays
        "build-rollups",
    ]
    assert inline.run_due(MONDAY + timedelta(hours=12)) == [
        "escalate-overdue-tickets",
        "close-unrated-tickets",
        "advance-motions",
        "motion-turnout",
        "overdue-ledger-questions",  # daily at 01:10 UTC
        "late-ledger-periods",
        "overdue-fund-notices",
        "waiting-claims",  # daily at 01:20 UTC
        "build-rollups",
    ]
    assert "failed" not in caplog.text


@pytest.mark.parametrize(
    "when", [{}, {"interval": 60, "cron": "0 1 * * 1"}, {"cron": "every monday"}]
)
def test_a_periodic_job_needs_an_interval_or_a_valid_cron_expression(when):
    with pytest.raises(ValueError):
        Periodic("x", "tests.jobs.periodic.tick", **when)
