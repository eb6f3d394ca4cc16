"""The long parts of an estate's public record, a page at a time: its problem list with the
close-out photos, and the joint-meeting decisions that name it with the meetings' minutes; and
those photos and minutes as files. Scope as services.py: outside it, 404."""

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from backend.accounts.models import User
from backend.common.pagination import Page, paginate, paginate_rows
from backend.errors import NotFound
from backend.extensions import db
from backend.governance.meetings.models import AgendaItem, JointMeeting, MeetingMinutes
from backend.governance.problems.models import ProblemEvidence, ProblemItem, ProblemStatus
from backend.governance.public_record.services import record_estate

STATUSES = (str(ProblemStatus.OPEN), str(ProblemStatus.CLOSED_OUT))
FILE_NOT_FOUND = "未找到该文件，或您无权查看"


def problems(user: User, estate_id: int, status: str | None, page: int, page_size: int) -> Page:
    """The estate's problems, newest first, each with its close-out photos (two statements
    for the page, plus its count).

    :raises NotFound: outside the user's memberships.
    """
    estate, _ = record_estate(user, estate_id)
    query = (
        select(ProblemItem)
        .options(selectinload(ProblemItem.evidence))
        .where(ProblemItem.estate_id == estate.id)
        .order_by(ProblemItem.created_at.desc(), ProblemItem.id.desc())
    )
    if status:
        query = query.where(ProblemItem.status == status)
    return paginate(query, page, page_size)


def decisions(user: User, estate_id: int, page: int, page_size: int) -> Page:
    """The joint-meeting items about the estate that carry a decision, newest meeting first,
    each as ``{"item", "meeting", "minutes"}`` (two statements for the page, plus its count).

    :raises NotFound: outside the user's memberships.
    """
    estate, _ = record_estate(user, estate_id)
    query = (
        select(AgendaItem, JointMeeting)
        .join(JointMeeting, JointMeeting.id == AgendaItem.meeting_id)
        .where(AgendaItem.estate_id == estate.id, AgendaItem.decision != "")
        .order_by(JointMeeting.held_on.desc(), AgendaItem.id.desc())
    )
    result = paginate_rows(query, page, page_size)
    files: dict[int, list[MeetingMinutes]] = {}
    meeting_ids = {meeting.id for _, meeting in result.items}
    if meeting_ids:
        for row in db.session.scalars(
            select(MeetingMinutes)
            .where(MeetingMinutes.meeting_id.in_(meeting_ids))
            .order_by(MeetingMinutes.id)
        ):
            files.setdefault(row.meeting_id, []).append(row)
    result.items = [
        {"item": item, "meeting": meeting, "minutes": files.get(meeting.id, [])}
        for item, meeting in result.items
    ]
    return result


def problem_photo(user: User, estate_id: int, photo_id: int) -> ProblemEvidence:
    """A close-out photo of one of the estate's problems.

    :raises NotFound: no such photo, not of this estate, or the estate is out of scope.
    """
    estate, _ = record_estate(user, estate_id)
    row = db.session.scalar(
        select(ProblemEvidence)
        .join(ProblemItem, ProblemItem.id == ProblemEvidence.problem_id)
        .where(ProblemEvidence.id == photo_id, ProblemItem.estate_id == estate.id)
    )
    if row is None:
        raise NotFound(FILE_NOT_FOUND)
    return row


def minutes(user: User, estate_id: int, minutes_id: int) -> MeetingMinutes:
    """The minutes of a meeting that took a decision about the estate.

    :raises NotFound: no such minutes, the meeting decided nothing about this estate, or the
        estate is out of scope.
    """
    estate, _ = record_estate(user, estate_id)
    about = exists().where(
        AgendaItem.meeting_id == MeetingMinutes.meeting_id,
        AgendaItem.estate_id == estate.id,
        AgendaItem.decision != "",
    )
    row = db.session.scalar(select(MeetingMinutes).where(MeetingMinutes.id == minutes_id, about))
    if row is None:
        raise NotFound(FILE_NOT_FOUND)
    return row
