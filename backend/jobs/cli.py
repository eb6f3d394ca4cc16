"""`flask --app backend jobs worker|relay`: the processes production runs besides gunicorn."""

import click
import redis
from flask import current_app
from flask.cli import AppGroup
from rq import Worker

from backend.jobs.queues import DELIVERY_QUEUE, dispatch
from backend.jobs.relay import run_relay
from backend.outbox import services as outbox

jobs = AppGroup("jobs", help="后台任务：投递队列的 worker 与 outbox relay。")


def _redis_url() -> str:
    url = current_app.config["REDIS_URL"]
    if not url:
        raise click.UsageError("LINLI_REDIS_URL is not set: workers need Redis.")
    return url


@jobs.command("worker")
@click.option("--burst", is_flag=True, help="Exit when the queue is empty.")
@click.option("--scheduler/--no-scheduler", default=True, help="Run rq's scheduler (retries).")
def worker(burst: bool, scheduler: bool) -> None:
    """Run an rq worker for outbox deliveries (inside the app context)."""
    # No socket timeout: the worker blocks on BLPOP for minutes at a time.
    connection = redis.Redis.from_url(_redis_url())
    from bot.delivery import warm_up

    warm_up(current_app)  # built once here, inherited by every forked work horse
    Worker([DELIVERY_QUEUE], connection=connection).work(
        burst=burst, with_scheduler=scheduler, logging_level="INFO"
    )


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
