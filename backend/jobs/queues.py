"""The rq queues (outbox deliveries, periodic work) and how the relay feeds deliveries."""

from datetime import timedelta

from flask import current_app
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from backend.common.clock import as_utc, utcnow
from backend.extensions import redis_holder
from backend.jobs.delivery import delivery_of
from backend.outbox.services import retry_intervals

DELIVERY_QUEUE = "linli-delivery"
# Periodic jobs (backend/jobs/schedule.py); workers take deliveries first.
DEFAULT_QUEUE = "linli-default"
WAITING = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


def job_id(outbox_id: int) -> str:
    return f"outbox-{outbox_id}"


def delivery_queue() -> Queue:
    return Queue(DELIVERY_QUEUE, connection=redis_holder.client)


def default_queue() -> Queue:
    return Queue(DEFAULT_QUEUE, connection=redis_holder.client)


def dispatch(new_ids: list[int], stale_ids: list[int]) -> None:
    """Enqueue one delivery job per row, the outbox id as job id.

    Stale rows whose job rq still holds (queued, running, waiting for a retry) are left to it;
    the rest are enqueued again. A row enqueued twice is still sent once (bot/delivery.py).
    """
    queue = delivery_queue()
    cfg = current_app.config
    lost = [i for i in stale_ids if not _in_flight(queue, job_id(i), cfg["DELIVERY_JOB_TIMEOUT"])]
    intervals = retry_intervals(cfg)
    job_path = delivery_of().job_path
    retry = Retry(max=len(intervals), interval=intervals) if intervals else None
    jobs = [
        Queue.prepare_data(
            job_path,
            args=(outbox_id,),
            job_id=job_id(outbox_id),
            timeout=cfg["DELIVERY_JOB_TIMEOUT"],
            result_ttl=3600,
            failure_ttl=7 * 86400,
            retry=retry,
            description=f"deliver outbox {outbox_id}",
        )
        for outbox_id in new_ids + lost
    ]
    if jobs:
        with queue.connection.pipeline() as pipe:
            queue.enqueue_many(jobs, pipeline=pipe)
            pipe.execute()


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
