"""What the group hears about a project besides its stages (events.py): an emergency repair
whose owners were not told by the due date (LINLI_FUND_EMERGENCY_NOTICE_DAYS after its
sign-off). Queued once per project and group, however often the daily job runs; the subject
is the project's id (not an event's)."""

from datetime import date

from sqlalchemy import select

from backend.common.clock import SHANGHAI, utcnow
from backend.common.unit_of_work import unit_of_work
from backend.extensions import db
from backend.funds.models import ApprovalPath, ProjectStatus, RepairProject
from backend.group_chats.audience import active_groups
from backend.outbox import services as outbox

NOTICE_OVERDUE = "fund.notice_overdue"
BATCH = 500


@unit_of_work
def post_overdue_owner_notices(today: date | None = None) -> int:
    """Queue, once per project, the emergency repairs whose owners are still untold after the
    due date; returns how many rows were queued."""
    today = today or utcnow().astimezone(SHANGHAI).date()
    due = db.session.execute(
        select(RepairProject.id, RepairProject.estate_id)
        .where(
            RepairProject.path == ApprovalPath.EMERGENCY,
            RepairProject.owners_told_at.is_(None),
            RepairProject.owners_notice_due_on < today,
            RepairProject.status != ProjectStatus.CANCELLED,
            outbox.not_posted(NOTICE_OVERDUE, RepairProject.id),
        )
        .order_by(RepairProject.id)
        .limit(BATCH)
    ).all()
    groups = active_groups({estate_id for _, estate_id in due})
    pairs = [
        (project_id, group)
        for project_id, estate_id in due
        for group in groups
        if group.estate_id == estate_id
    ]
    return outbox.add_once_for_each_group(NOTICE_OVERDUE, pairs)
