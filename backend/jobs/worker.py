"""The rq worker process (`flask --app backend jobs worker`), kept alive through Redis outages.

rq's own loop only rides out an outage while it waits for a job: one that starts while a work
horse runs, or that outlasts a round of rq's housekeeping, ends the loop and the process with
it. Here the worker keeps watching a busy horse through the outage, restarts rq's scheduler
(retries) as soon as it dies rather than at the next 10-minute maintenance, and if rq's loop
ends anyway, starts a fresh one once Redis answers again. Only a stop request ends it.
"""

import logging
import signal
import threading
import time
from contextlib import suppress

import redis
from rq import Worker

from backend.jobs.outage import MAX_WAIT_SECONDS, REDIS_DOWN, Backoff, wait_for_redis

log = logging.getLogger("backend.jobs")

# A loop that ran this long before ending was not failing at once: the backoff starts over.
STEADY_SECONDS = 60.0


class OutageProofWorker(Worker):
    # rq's wait between tries while Redis is away, while waiting for a job (its default: 60 s).
    max_connection_wait_time = MAX_WAIT_SECONDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stopping = False

    def request_stop(self, signum, frame):
        self.stopping = True  # before rq's handler, which may raise to end the loop
        super().request_stop(signum, frame)

    def maintain_heartbeats(self, job):
        # Called every few seconds while a horse works. The horse goes on without Redis (the
        # outbox row is its record), so keep waiting for it; Redis hears again next beat.
        try:
            super().maintain_heartbeats(job)
        except REDIS_DOWN as exc:
            log.warning("heartbeat missed while job %s runs: %s", job.id, exc)

    def set_current_job_working_time(self, current_job_working_time, pipeline=None):
        # Written to Redis just before each heartbeat: only for rq's dashboards.
        with suppress(*REDIS_DOWN):
            super().set_current_job_working_time(current_job_working_time, pipeline)

    @property
    def should_run_maintenance_tasks(self):
        # rq's scheduler child exits on its first Redis error; rq restarts it only at the next
        # maintenance. Run that now, so retries scheduled before an outage go on after it.
        return super().should_run_maintenance_tasks or self._scheduler_died()

    def run_maintenance_tasks(self):
        super().run_maintenance_tasks()
        if self._scheduler_died():
            # Another worker's scheduler holds the lock: leave it to rq's next maintenance.
            self.scheduler._process = None

    def _scheduler_died(self) -> bool:
        process = self.scheduler._process if self.scheduler else None
        return process is not None and not process.is_alive()


def run_worker(url: str, queues: list[str], burst: bool = False, scheduler: bool = True) -> None:
    """Work ``queues`` until stopped (or, with ``burst``, until they are empty), through Redis
    outages: each time rq's loop ends on an error, a fresh worker once Redis answers."""
    # No socket timeout: the worker blocks on BLPOP for minutes at a time.
    connection = redis.Redis.from_url(url)
    stop = threading.Event()
    backoff = Backoff()
    while True:
        started = time.monotonic()
        worker = None
        try:
            worker = OutageProofWorker(queues, connection=connection)
            worker.work(burst=burst, with_scheduler=scheduler, logging_level="INFO")
        except REDIS_DOWN as exc:  # registering, or telling Redis of the loop's end
            log.warning("worker loop ended, Redis unreachable: %s", exc)
            if worker is not None and worker.pubsub_thread:
                # rq's unsubscribe asks Redis first, so fails now; its listener thread would
                # go on retrying, and resubscribe to this loop's channel, for good.
                worker.pubsub_thread.stop()
        if burst or (worker is not None and worker.stopping):
            return
        # rq's loop ended on an error (rq logged it). Our handlers until the next loop's own.
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        if time.monotonic() - started > STEADY_SECONDS:
            backoff.reset()
        if not wait_for_redis(connection, backoff, stop):
            return
        log.info("Redis answers: starting a fresh worker loop")
