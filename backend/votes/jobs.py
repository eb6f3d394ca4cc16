"""The scheduled vote jobs (backend/jobs/schedule.py runs them): each idempotent."""

from backend.jobs.job import job
from backend.votes import lifecycle


@job
def advance_motions_job() -> int:
    """Open motions whose voting starts, remind, announce the quorum, close and tally."""
    return lifecycle.sweep()


@job
def daily_turnout_job() -> int:
    """Post each open motion's turnout to its estate's group chats."""
    return lifecycle.daily_turnout()
