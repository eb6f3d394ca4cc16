"""Schedulers in threads of the test process, against the test Redis."""

import threading

import pytest

from backend.jobs.schedule import Periodic, run_scheduler

LOCK_TTL = 2.0
TICK = Periodic("tick", "tests.jobs.periodic.tick", interval=1)


class Schedulers:
    """start(name) runs `run_scheduler` in a thread as instance ``name``; stop(name) ends it."""

    def __init__(self, app):
        self.app = app
        self.running: dict[str, tuple[threading.Event, threading.Thread]] = {}

    def start(self, name: str, schedule=(TICK,)) -> None:
        stop = threading.Event()
        thread = threading.Thread(
            target=run_scheduler,
            args=(self.app, schedule, stop, LOCK_TTL, name),
            name=f"scheduler-{name}",
            daemon=True,
        )
        thread.start()
        self.running[name] = (stop, thread)

    def stop(self, name: str) -> None:
        stop, thread = self.running.pop(name)
        stop.set()
        thread.join(timeout=10)
        assert not thread.is_alive(), f"scheduler {name} did not stop"


@pytest.fixture
def schedulers(app):
    running = Schedulers(app)
    yield running
    for name in list(running.running):
        running.stop(name)
