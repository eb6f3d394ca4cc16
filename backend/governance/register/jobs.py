"""The register's scheduled job (backend/jobs/schedule.py runs it daily): idempotent."""

from backend.governance.register import reelection
from backend.jobs.job import job


@job
def reelection_reminders_job() -> int:
    """Remind each estate's group chat once when its committee is due for re-election."""
    return reelection.send_reminders()
