"""The meeting schedule: each community holds a joint meeting in every interval of
LINLI_JOINT_MEETING_INTERVAL_MONTHS calendar months (default 1: every month).

Intervals are blocks of that many months counted from January of year 0, so for 1, 2, 3, 4,
6 and 12 they are calendar months, two-month blocks, quarters, thirds and halves of the year.
A community is *overdue* on a day when the last completed interval before the one holding
that day (Shanghai date) had no meeting held in it (by ``held_on``). A meeting in the
current interval does not clear it before the interval ends: it counts for this interval.
"""

from datetime import date

from flask import current_app
from sqlalchemy import and_, exists, select
from sqlalchemy.orm import aliased

from backend.common.clock import SHANGHAI, utcnow
from backend.governance.meetings.models import JointMeeting
from backend.places.models import Community


def today() -> date:
    """The date in Shanghai, as communities date their meetings."""
    return utcnow().astimezone(SHANGHAI).date()


def interval_months() -> int:
    return current_app.config["JOINT_MEETING_INTERVAL_MONTHS"]


def _month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def interval_of(day: date, months: int | None = None) -> tuple[date, date]:
    """[start, end) of the interval holding ``day``."""
    months = months or interval_months()
    start = (day.year * 12 + day.month - 1) // months * months
    return _month_start(start), _month_start(start + months)


def last_completed(on: date | None = None, months: int | None = None) -> tuple[date, date]:
    """[start, end) of the last interval that ended before ``on`` (today)."""
    months = months or interval_months()
    current_start, _ = interval_of(on or today(), months)
    index = current_start.year * 12 + current_start.month - 1
    return _month_start(index - months), current_start


def missed_last_interval(on: date | None = None):
    """A condition on Community: no meeting held in the last completed interval."""
    start, end = last_completed(on)
    # Aliased: the query using this may join JointMeeting itself (last meeting date).
    meeting = aliased(JointMeeting)
    held = exists(
        select(meeting.id).where(
            and_(
                meeting.community_id == Community.id,
                meeting.held_on >= start,
                meeting.held_on < end,
            )
        )
    )
    return ~held
