"""`flask --app backend jobs worker|relay|scheduler`: the processes production runs besides
gunicorn."""

import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup

from backend.jobs.delivery import delivery_of
from backend.jobs.queues import DEFAULT_QUEUE, DELIVERY_QUEUE, dispatch
from backend.jobs.relay import run_relay
from backend.jobs.schedule import run_scheduler
from backend.jobs.worker import run_worker
from backend.outbox import services as outbox

jobs = AppGroup("jobs", help="后台任务：worker、outbox relay 与定时任务调度器。")


def _redis_url() -> str:
    url = current_app.config["REDIS_URL"]
    if not url:
        raise click.UsageError("LINLI_REDIS_URL is not set: workers need Redis.")
    return url


@jobs.command("worker")
@click.option("--burst", is_flag=True, help="Exit when the queue is empty.")
@click.option("--scheduler/--no-scheduler", default=True, help="Run rq's scheduler (retries).")
def worker(burst: bool, scheduler: bool) -> None:
    """Run an rq worker for deliveries, then periodic jobs (inside the app context), through
    Redis outages."""
    url = _redis_url()
    delivery_of().warm_up(current_app)  # built once here, inherited by every forked work horse
    run_worker(url, [DELIVERY_QUEUE, DEFAULT_QUEUE], burst=burst, scheduler=scheduler)


@jobs.command("relay")
@click.option("--once", is_flag=True, help="One round, then exit.")
def relay(once: bool) -> None:
    """Hand due outbox rows to the queue (run one or more; they share the work)."""
    _redis_url()
    app = current_app._get_current_object()
    if once:
        click.echo(f"relayed {outbox.relay(dispatch, limit=app.config['OUTBOX_RELAY_BATCH'])}")
        return
    run_relay(app, dispatch, app.config["OUTBOX_RELAY_INTERVAL"])


@jobs.command("scheduler")
@click.option(
    "--lock-ttl", default=30.0, show_default=True, help="Seconds a dead leader blocks a standby."
)
def periodic_scheduler(lock_ttl: float) -> None:
    """Enqueue the periodic jobs (run two for failover: one leads, the other stands by)."""
    _redis_url()
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    run_scheduler(current_app._get_current_object(), stop=stop, lock_ttl=lock_ttl)
