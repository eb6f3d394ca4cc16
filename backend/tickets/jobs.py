"""The scheduled ticket jobs (backend/jobs/schedule.py runs them): each idempotent."""

from backend.jobs.job import job
from backend.tickets import escalation


@job
def escalate_overdue_job() -> int:
    """Escalate every overdue ticket one rung."""
    return escalation.escalate_overdue()


@job
def close_unrated_job() -> int:
    """Close replied tickets nobody rated within the feedback window as "not rated"."""
    return escalation.close_unrated()


@job
def weekly_digests_job() -> int:
    """Post last week's ticket figures to each estate's group chats."""
    return escalation.weekly_digests()
