"""The relay loop: every second or so, hand due outbox rows to the queue."""

import logging
import threading

from flask import Flask

from backend.extensions import db
from backend.outbox import services as outbox

log = logging.getLogger("backend.jobs")


def run_relay(app: Flask, dispatch, interval: float, stop: threading.Event | None = None):
    """Relay until ``stop`` is set; survives Redis and database outages, retrying each round."""
    stop = stop or threading.Event()
    while not stop.is_set():
        moved = 0
        try:
            with app.app_context():
                moved = outbox.relay(dispatch, limit=app.config["OUTBOX_RELAY_BATCH"])
        except Exception as exc:  # keep relaying: the rows stay in the database meanwhile
            log.warning("relay round failed: %s: %s", type(exc).__name__, exc)
            with app.app_context():
                db.session.remove()
        if moved:
            log.info("relayed %s outbox rows", moved)
        # A full batch means more are waiting: go again at once.
        if moved < app.config["OUTBOX_RELAY_BATCH"]:
            stop.wait(interval)
