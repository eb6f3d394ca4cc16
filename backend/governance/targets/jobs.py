"""The dashboards' scheduled job (backend/jobs/schedule.py runs it hourly): idempotent."""

from backend.governance.targets import rollup_build
from backend.jobs.job import job


@job
def build_rollups_job() -> int:
    """Build the closed months' roll-ups that are missing or stale."""
    return rollup_build.refresh()
