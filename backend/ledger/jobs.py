"""The ledger's scheduled group posts (backend/jobs/schedule.py runs them daily): idempotent."""

from backend.jobs.job import job
from backend.ledger import posts


@job
def overdue_questions_job() -> int:
    """Tell each estate's group chats, once, of questions unanswered past their days."""
    return posts.post_overdue_questions()


@job
def late_periods_job() -> int:
    """Tell each estate's group chats, once per period, that its accounts are late."""
    return posts.post_late_periods()
