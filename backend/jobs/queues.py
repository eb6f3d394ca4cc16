"""The rq queues (outbox deliveries, periodic work) and how the relay feeds deliveries."""

import uuid
from datetime import timedelta

from flask import current_app
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from backend.common.clock import as_utc, utcnow
from backend.extensions import redis_holder
from backend.jobs.delivery import delivery_of

DELIVERY_QUEUE = "linli-delivery"
# Periodic jobs (backend/jobs/schedule.py); workers take deliveries first.
DEFAULT_QUEUE = "linli-default"
WAITING = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


def job_id(outbox_id: int) -> str:
    """The id of a one-row job (what queues held before bursts)."""
    return f"outbox-{outbox_id}"


def burst_of(outbox_id: int) -> str:
    """The Redis key naming the burst job that holds row ``outbox_id``."""
    return f"linli:outbox-burst:{outbox_id}"


def delivery_queue() -> Queue:
    return Queue(DELIVERY_QUEUE, connection=redis_holder.client)


def default_queue() -> Queue:
    return Queue(DEFAULT_QUEUE, connection=redis_holder.client)


def dispatch(new_ids: list[int], stale_ids: list[int]) -> None:
    """Enqueue the rows as delivery bursts of ``DELIVERY_BURST`` rows each, in id order.

    Each row's burst is recorded under ``burst_of(id)``. Stale rows whose burst rq still holds
    (queued, running) are left to it; the rest are enqueued again. A row enqueued twice is
    still sent once (bot/delivery.py). No rq Retry: a failed row is left 'retrying' by its
    burst and the relay hands it out again when its time comes.
    """
    queue = delivery_queue()
    cfg = current_app.config
    lost = _lost(queue, stale_ids, cfg["DELIVERY_JOB_TIMEOUT"])
    ids = sorted(new_ids + lost)
    if not ids:
        return
    size = cfg["DELIVERY_BURST"]
    job_path = delivery_of().job_path
    # Long enough to outlast any lease: a row whose record is gone counts as lost (and is
    # only sent once all the same).
    record_ttl = max(3600, 4 * cfg["OUTBOX_LEASE_SECONDS"])
    with queue.connection.pipeline() as pipe:
        jobs = []
        for start in range(0, len(ids), size):
            burst = ids[start : start + size]
            burst_id = f"outbox-burst-{burst[0]}-{uuid.uuid4().hex[:8]}"
            jobs.append(
                Queue.prepare_data(
                    job_path,
                    args=(burst,),
                    job_id=burst_id,
                    timeout=cfg["DELIVERY_JOB_TIMEOUT"],
                    result_ttl=3600,
                    failure_ttl=7 * 86400,
                    description=f"deliver outbox {burst[0]}…{burst[-1]} ({len(burst)} rows)",
                )
            )
            for outbox_id in burst:
                pipe.set(burst_of(outbox_id), burst_id, ex=record_ttl)
        queue.enqueue_many(jobs, pipeline=pipe)
        pipe.execute()


def _lost(queue: Queue, stale_ids: list[int], timeout: int) -> list[int]:
    """The stale rows no job in rq still holds (by their burst, or as a one-row job)."""
    if not stale_ids:
        return []
    bursts = queue.connection.mget([burst_of(i) for i in stale_ids])
    held: dict[str, bool] = {}
    lost = []
    for outbox_id, burst in zip(stale_ids, bursts, strict=True):
        rq_job_id = burst.decode() if burst else job_id(outbox_id)
        if rq_job_id not in held:
            held[rq_job_id] = _in_flight(queue, rq_job_id, timeout)
        if not held[rq_job_id]:
            lost.append(outbox_id)
    return lost


def _in_flight(queue: Queue, rq_job_id: str, timeout: int) -> bool:
    """Whether rq still holds the job: waiting to run, or running for less than its timeout.

    A worker killed between dequeue and finish leaves its job "started" for good, so a
    start older than the job timeout (after which rq itself would have killed it) is lost;
    one killed between dequeue and start leaves it "queued" outside the queue, also lost.
    """
    try:
        job = Job.fetch(rq_job_id, connection=queue.connection)
    except NoSuchJobError:
        return False
    status = job.get_status()
    if status == JobStatus.STARTED:
        started = job.started_at
        return started is not None and utcnow() - as_utc(started) < timedelta(seconds=timeout)
    if status == JobStatus.QUEUED:
        # A worker killed after taking the job off the queue but before starting it leaves it
        # "queued" in no queue (in rq's intermediate list, which only rq's periodic maintenance
        # clears): queued counts only while the job is really waiting in the queue.
        return queue.connection.lpos(queue.key, rq_job_id) is not None
    return status in WAITING
