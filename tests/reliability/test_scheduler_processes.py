"""Real `jobs scheduler` and `jobs worker` processes: a SIGKILLed leader's standby takes over
without enqueuing anything twice, and workers run the periodic jobs from the default queue."""

import os
import signal
import threading

import pytest
import redis
from rq.cron import CronScheduler, get_cron_job_ids

from backend.jobs.queues import default_queue
from backend.jobs.schedule import LEADER_KEY, SCHEDULE, Periodic, run_scheduler
from tests.conftest import REDIS_URL
from tests.jobs.periodic import ticks
from tests.reliability.conftest import wait_until

pytestmark = pytest.mark.committing(
    "worker, relay and scheduler processes read and write the database themselves"
)


def _leader_pid(client) -> int | None:
    """The pid in the leader's instance name (hostname:pid:suffix, as rq names schedulers)."""
    value = client.get(LEADER_KEY)
    return int(value.decode().rsplit(":", 2)[1]) if value else None


def _running_schedulers(client) -> set[int]:
    return {s.pid for s in CronScheduler.all(client)}


def test_a_killed_scheduler_is_replaced_by_its_standby(processes):
    client = redis.Redis.from_url(REDIS_URL)
    first = processes.start("scheduler", "--lock-ttl", "2")
    second = processes.start("scheduler", "--lock-ttl", "2")
    wait_until(lambda: _leader_pid(client) in {first.pid, second.pid}, message="a leader")
    leader, standby = (first, second) if _leader_pid(client) == first.pid else (second, first)

    os.killpg(leader.pid, signal.SIGKILL)  # no chance to hand the lock over

    wait_until(lambda: _leader_pid(client) == standby.pid, message="the standby to lead")
    # Its first round as leader is over once it shows in rq's list of schedulers.
    wait_until(lambda: standby.pid in _running_schedulers(client), message="a round")
    for entry in SCHEDULE:  # the dead leader's runs count: none due again so soon
        assert len(get_cron_job_ids(entry.name, client)) <= 1, entry.name

    standby.send_signal(signal.SIGTERM)
    assert standby.wait(timeout=30) == 0
    assert client.get(LEADER_KEY) is None  # handed over on the way out


def test_a_worker_runs_the_periodic_jobs_from_the_default_queue(app, processes):
    tick = Periodic("tick", "tests.jobs.periodic.tick", interval=1)
    stop = threading.Event()
    scheduler = threading.Thread(target=run_scheduler, args=(app, (tick,), stop, 2.0))
    scheduler.start()
    try:
        wait_until(lambda: len(default_queue()) >= 2, message="two jobs enqueued")
    finally:
        stop.set()
        scheduler.join(timeout=10)
    enqueued = len(default_queue())

    worker = processes.start("worker", "--burst", "--no-scheduler")

    assert worker.wait(timeout=60) == 0
    assert (ticks(), len(default_queue())) == (enqueued, 0)
