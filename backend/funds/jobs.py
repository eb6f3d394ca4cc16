"""The fund's scheduled group posts (backend/jobs/schedule.py runs them daily): idempotent."""

from backend.funds import posts
from backend.jobs.job import job


@job
def overdue_owner_notices_job() -> int:
    """Tell each estate's group chats, once per project, of emergency repairs whose owners
    were not told in time."""
    return posts.post_overdue_owner_notices()
