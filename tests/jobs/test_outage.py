"""Waiting out a Redis outage: the backoff, waiting for Redis to answer, and the worker's
heartbeat that no longer ends its loop (the processes themselves: tests/reliability)."""

import threading
from types import SimpleNamespace

import redis
from rq import Worker
from rq.utils import now

from backend.jobs.outage import MAX_WAIT_SECONDS, Backoff, wait_for_redis
from backend.jobs.worker import OutageProofWorker

DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_backoff_doubles_up_to_its_cap_and_starts_over_after_a_success():
    backoff = Backoff(first=0.5, cap=3)

    assert [backoff.next_wait() for _ in range(5)] == [0.5, 1, 2, 3, 3]
    assert backoff.reset() is True
    assert backoff.reset() is False  # no failures since
    assert backoff.next_wait() == 0.5
    assert Backoff().cap == MAX_WAIT_SECONDS


def test_waiting_for_redis_ends_when_it_answers(app):
    client = redis.Redis.from_url(app.config["REDIS_URL"])

    assert wait_for_redis(client, Backoff(first=0.01), threading.Event()) is True


def test_waiting_for_an_unreachable_redis_ends_on_stop():
    client = redis.Redis.from_url(DOWN)
    stop = threading.Event()
    backoff = Backoff(first=0.01, cap=0.02)
    threading.Timer(0.2, stop.set).start()

    assert wait_for_redis(client, backoff, stop) is False
    assert backoff.failures > 2  # pinged several times meanwhile


def test_a_missed_heartbeat_while_a_job_runs_does_not_end_the_worker(app, monkeypatch, caplog):
    def redis_away(self, *args):
        raise redis.ConnectionError("Connection refused")

    connection = redis.Redis.from_url(app.config["REDIS_URL"])
    worker = OutageProofWorker(["linli-test"], connection=connection)
    monkeypatch.setattr(Worker, "maintain_heartbeats", redis_away)
    monkeypatch.setattr(Worker, "set_current_job_working_time", redis_away)

    worker.maintain_heartbeats(SimpleNamespace(id="outbox-1"))  # logged, not raised
    assert "heartbeat missed while job outbox-1 runs" in caplog.text
    worker.set_current_job_working_time(3.0)  # only for rq's dashboards: dropped


def test_a_dead_scheduler_child_is_restarted_at_once_not_at_the_next_maintenance(app):
    connection = redis.Redis.from_url(app.config["REDIS_URL"])
    worker = OutageProofWorker(["linli-test"], connection=connection)
    worker.last_cleaned_at = now()  # rq's maintenance just ran: next in 10 minutes

    assert not worker.should_run_maintenance_tasks
    worker.scheduler = SimpleNamespace(_process=SimpleNamespace(is_alive=lambda: False))
    assert worker.should_run_maintenance_tasks
