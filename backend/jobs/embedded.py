"""The embedded default has no Redis: a thread in the web process delivers outbox rows
itself, with the same job and the same retry timing the rq workers use, and runs the
periodic jobs the scheduler would enqueue."""

import logging
import threading

from flask import Flask

from backend.extensions import db
from backend.jobs.delivery import delivery_of
from backend.jobs.schedule import SCHEDULE, InlineSchedule, Periodic
from backend.outbox import services as outbox

log = logging.getLogger("backend.jobs")


class EmbeddedRunner:
    def __init__(
        self, app: Flask, interval: float = 0.5, schedule: tuple[Periodic, ...] = SCHEDULE
    ):
        self.app = app
        self.interval = interval
        self.periodic = InlineSchedule(app, schedule)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="linli-jobs", daemon=True)

    def start(self) -> "EmbeddedRunner":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def run_once(self) -> int:
        """Deliver every due row once; returns how many were tried."""
        deliver_job = delivery_of(self.app).run
        with self.app.app_context():
            due = outbox.due_for_embedded()
            db.session.remove()
            for outbox_id in due:
                try:
                    deliver_job(outbox_id)
                except Exception as exc:  # the row records the failure and its next try
                    log.info("outbox %s: %s", outbox_id, exc)
        return len(due)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.periodic.run_due()  # first: what it posts goes out in this round
                self.run_once()
            except Exception:
                log.exception("embedded job runner round failed")
            self._stop.wait(self.interval)
