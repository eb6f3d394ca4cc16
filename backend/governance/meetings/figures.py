"""What joint meetings add up to for a county, township, community or estate over a date
range: meetings held, items decided, disputes taken up and resolved, and how many of the
communities in scope are overdue for a meeting today (see schedule.py).

Dates are Shanghai calendar dates, both ends included; ``held_on`` is one already, so no
time-zone arithmetic reaches SQL and the same queries run on PostgreSQL and SQLite.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, or_, select, true

from backend.extensions import db
from backend.governance.meetings.models import AgendaItem, JointMeeting, MeetingAttendee
from backend.governance.meetings.schedule import missed_last_interval
from backend.places.models import Community, Estate, Township

SCOPE_KINDS = ("county", "township", "community", "estate")


@dataclass(frozen=True)
class MeetingFigures:
    meetings_held: int
    items_decided: int
    disputes: int
    disputes_resolved: int
    communities: int
    communities_overdue: int


def _meeting_scope(kind: str, place_id: int):
    if kind == "estate":
        # A meeting belongs to an estate when an item or an attendee is of it.
        return or_(
            JointMeeting.id.in_(
                select(AgendaItem.meeting_id).where(AgendaItem.estate_id == place_id)
            ),
            JointMeeting.id.in_(
                select(MeetingAttendee.meeting_id).where(MeetingAttendee.estate_id == place_id)
            ),
        )
    column = {
        "county": JointMeeting.county_id,
        "township": JointMeeting.township_id,
        "community": JointMeeting.community_id,
    }[kind]
    return column == place_id


def _community_scope(kind: str, place_id: int):
    if kind == "county":
        return Community.township_id.in_(select(Township.id).where(Township.county_id == place_id))
    if kind == "township":
        return Community.township_id == place_id
    if kind == "community":
        return Community.id == place_id
    return Community.id.in_(select(Estate.community_id).where(Estate.id == place_id))


def figures(scope: tuple[str, int], since: date, until: date) -> MeetingFigures:
    """Meetings held from ``since`` to ``until`` in scope and the items they took up (for an
    estate: only its own items); the communities in scope and those overdue today.
    Two queries.

    :param scope: ("county" | "township" | "community" | "estate", id).
    """
    return figures_in(scope, [(since, until)])


def figures_in(scope: tuple[str, int], ranges: list[tuple[date, date]]) -> MeetingFigures:
    """``figures`` over several date ranges (each ``(since, until)``, both included, not
    overlapping): the dashboards count live only what their roll-ups do not hold. With no
    range, only the communities (one query).

    :raises ValueError: an unknown scope kind.
    """
    kind, place_id = scope
    if kind not in SCOPE_KINDS:
        raise ValueError(f"unknown scope {kind!r}")
    held = decided = disputes = resolved = 0
    if ranges:
        in_range = and_(
            _meeting_scope(kind, place_id),
            or_(
                *(
                    and_(JointMeeting.held_on >= since, JointMeeting.held_on <= until)
                    for since, until in ranges
                )
            ),
        )
        # One statement: each meeting with its items (for an estate, only the estate's).
        own = AgendaItem.estate_id == place_id if kind == "estate" else true()
        held, decided, disputes, resolved = db.session.execute(
            select(
                func.count(func.distinct(JointMeeting.id)),
                func.count(case((and_(own, AgendaItem.decision != ""), 1))),
                func.count(case((and_(own, AgendaItem.is_dispute), 1))),
                func.count(
                    case((and_(own, AgendaItem.is_dispute, AgendaItem.dispute_resolved), 1))
                ),
            )
            .select_from(JointMeeting)
            .outerjoin(AgendaItem, AgendaItem.meeting_id == JointMeeting.id)
            .where(in_range)
        ).one()
    communities, overdue = db.session.execute(
        select(func.count(), func.count(case((missed_last_interval(), 1))))
        .select_from(Community)
        .where(_community_scope(kind, place_id))
    ).one()
    return MeetingFigures(
        meetings_held=int(held or 0),
        items_decided=int(decided or 0),
        disputes=int(disputes or 0),
        disputes_resolved=int(resolved or 0),
        communities=int(communities or 0),
        communities_overdue=int(overdue or 0),
    )
