"""The relay loop: every second or so, hand due outbox rows to the queue."""

import logging
import threading

from flask import Flask

from backend.extensions import db
from backend.jobs.outage import Backoff
from backend.outbox import services as outbox

log = logging.getLogger("backend.jobs")


def run_relay(app: Flask, dispatch, interval: float, stop: threading.Event | None = None):
    """Relay until ``stop`` is set; survives Redis and database outages, retrying with
    backoff (``interval``, doubling up to outage.MAX_WAIT_SECONDS)."""
    stop = stop or threading.Event()
    backoff = Backoff(first=interval)
    while not stop.is_set():
        moved = 0
        try:
            with app.app_context():
                moved = outbox.relay(dispatch, limit=app.config["OUTBOX_RELAY_BATCH"])
        except Exception as exc:  # keep relaying: the rows stay in the database meanwhile
            wait = backoff.next_wait()
            log.warning("relay round failed, next in %gs: %s: %s", wait, type(exc).__name__, exc)
            with app.app_context():
                db.session.remove()
            stop.wait(wait)
            continue
        if backoff.reset():
            log.info("relay resumed")
        if moved:
            log.info("relayed %s outbox rows", moved)
        # A full batch means more are waiting: go again at once.
        if moved < app.config["OUTBOX_RELAY_BATCH"]:
            stop.wait(interval)
