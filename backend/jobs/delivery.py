"""What delivers an outbox row. The app factory (backend.app) hands it in from bot; the relay
enqueues it by path, the worker warms it up before forking, the embedded runner calls it.
backend.jobs does not import bot."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app


@dataclass(frozen=True)
class Delivery:
    job_path: str  # the job's dotted path: what an rq work horse imports and runs
    run: Callable[[int], object]  # the same job, called in-process by the embedded runner
    warm_up: Callable[[Flask], None]  # done once in the worker, before it forks work horses


def wire_delivery(app: Flask, delivery: Delivery) -> None:
    app.extensions["linli_delivery"] = delivery


def delivery_of(app: Flask | None = None) -> Delivery:
    """The delivery wired into ``app`` (the current app by default)."""
    return (app or current_app).extensions["linli_delivery"]
