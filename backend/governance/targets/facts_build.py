"""Building the rest of a closed month's roll-up (targets/models.py ``PlaceMonthFacts``): the
register at the month's end, the joint meetings held in it and the problem list, for every
county, township and community.

Why every built month is rebuilt on every run, not only the changed ones: the register's
committees and branches, and meetings, are filed with past dates and carry no ``updated_at``,
so nothing says which closed month an edit touched, and hooking every register, meeting and
problem service would spread the roll-up's concern over three packages. Rebuilding is cheap:
per month fifteen grouped INSERT ... SELECTs over a few thousand register, meeting and problem
rows (about 0.1 s a month for a county of 10,000 estates, see README's bench), so a year of
closed months costs about a second an hour, and an edit to a closed month shows within the
hour, as a late ticket edit does. Estates are left out: an estate's records are a few indexed
rows, always counted live.
"""

from datetime import date

from sqlalchemy import Integer, and_, case, cast, delete, func, insert, literal, null, select

from backend.common.clock import SHANGHAI, as_utc
from backend.extensions import db
from backend.governance.meetings.models import AgendaItem, JointMeeting
from backend.governance.problems.models import ProblemItem
from backend.governance.register.figures import covered_on, due_on, live_on
from backend.governance.register.models import Committee, PartyBranch, PartyBranchEstate
from backend.governance.targets.models import FACTS, PlaceMonthFacts
from backend.governance.targets.periods import Month
from backend.places.models import Estate
from backend.tickets.models import Ticket

LEVELS = (("county", None), ("township", "county"), ("community", "township"))
TARGET = ("kind", "place_id", "parent_id", "month", *FACTS)


def _row(kind: str, place, parent, month: Month, **values):
    """The SELECT columns of one facts row: the named ``values``, zero for every other fact."""
    zero = literal(0)
    return (
        literal(kind),
        place,
        cast(null(), Integer) if parent is None else parent,
        literal(month.first_day),
        *(values.get(name, zero) for name in FACTS),
    )


def _count_if(condition):
    return func.count(case((condition, 1)))


def _selects(month: Month, kind: str, parent_kind: str | None):
    """The grouped SELECTs of ``month``'s facts at one level."""
    day: date = month.last_day

    def columns(model):
        place = getattr(model, f"{kind}_id")
        parent = None if parent_kind is None else getattr(model, f"{parent_kind}_id")
        return place, parent, (place,) if parent is None else (place, parent)

    place, parent, grouping = columns(Estate)
    yield (
        select(
            *_row(
                kind,
                place,
                parent,
                month,
                party_covered=func.count(func.distinct(PartyBranchEstate.estate_id)),
            )
        )
        .select_from(PartyBranchEstate)
        .join(PartyBranch, PartyBranch.id == PartyBranchEstate.branch_id)
        .join(Estate, Estate.id == PartyBranchEstate.estate_id)
        .where(covered_on(day))
        .group_by(*grouping)
    )
    place, parent, grouping = columns(Committee)
    led = and_(Committee.is_party_led.is_(True), Committee.party_led_since <= day)
    yield (
        select(
            *_row(
                kind,
                place,
                parent,
                month,
                committees=func.count(func.distinct(Committee.estate_id)),
                party_led=_count_if(led),
                reelection_due=_count_if(due_on(day)),
            )
        )
        .where(live_on(day))
        .group_by(*grouping)
    )
    place, parent, grouping = columns(JointMeeting)
    held = and_(JointMeeting.held_on >= month.first_day, JointMeeting.held_on <= day)
    yield (
        select(*_row(kind, place, parent, month, meetings_held=func.count()))
        .select_from(JointMeeting)
        .where(held)
        .group_by(*grouping)
    )
    yield (
        select(
            *_row(
                kind,
                place,
                parent,
                month,
                items_decided=_count_if(AgendaItem.decision != ""),
                disputes=_count_if(AgendaItem.is_dispute),
                disputes_resolved=_count_if(
                    and_(AgendaItem.is_dispute, AgendaItem.dispute_resolved)
                ),
            )
        )
        .select_from(AgendaItem)
        .join(JointMeeting, JointMeeting.id == AgendaItem.meeting_id)
        .where(held)
        .group_by(*grouping)
    )
    place, parent, grouping = columns(ProblemItem)
    created = and_(ProblemItem.created_at >= month.start, ProblemItem.created_at < month.end)
    closed = and_(ProblemItem.closed_at >= month.start, ProblemItem.closed_at < month.end)
    yield (
        select(
            *_row(
                kind,
                place,
                parent,
                month,
                problems_created=_count_if(created),
                problems_closed=_count_if(closed),
                problems_closed_on_time=_count_if(
                    and_(closed, ProblemItem.closed_on <= ProblemItem.deadline)
                ),
            )
        )
        .where(created | closed)
        .group_by(*grouping)
    )


def first_month() -> Month | None:
    """The month of the oldest record the roll-ups count (ticket, committee, party branch,
    meeting, problem), or None when there is none: the first month to build."""
    dates = db.session.execute(
        select(
            select(func.min(Committee.formed_on)).scalar_subquery(),
            select(func.min(PartyBranch.established_on)).scalar_subquery(),
            select(func.min(JointMeeting.held_on)).scalar_subquery(),
        )
    ).one()
    instants = db.session.execute(
        select(
            select(func.min(Ticket.created_at)).scalar_subquery(),
            select(func.min(ProblemItem.created_at)).scalar_subquery(),
        )
    ).one()
    months = [Month(d.year, d.month) for d in dates if d is not None]
    for instant in instants:
        if instant is not None:
            day = as_utc(instant).astimezone(SHANGHAI)
            months.append(Month(day.year, day.month))
    return min(months, key=lambda m: (m.year, m.month), default=None)


def build(month: Month) -> None:
    """Replace ``month``'s facts at every level (the caller commits)."""
    db.session.execute(delete(PlaceMonthFacts).where(PlaceMonthFacts.month == month.first_day))
    for kind, parent_kind in LEVELS:
        for query in _selects(month, kind, parent_kind):
            db.session.execute(insert(PlaceMonthFacts).from_select(TARGET, query))
