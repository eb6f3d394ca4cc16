"""The claims' scheduled job (backend/jobs/schedule.py runs it daily): idempotent."""

from backend.claims import posts
from backend.jobs.job import job


@job
def waiting_claims_job() -> int:
    """Tell the committee's internal group chats, once per claim, of claims left waiting."""
    return posts.post_waiting_claims()
