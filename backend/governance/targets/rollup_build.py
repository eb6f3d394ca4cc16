"""Building the roll-ups (targets/models.py) from the tickets, for closed months only: the
current month is always counted live.

Why a job and not the ticket services: the services stay untouched, and a closed month's
figures still change after it closes (a late reply or rating, a reopen, a ticket entered with
an old date). Each run rebuilds every closed month that is not built yet and every built month
holding a ticket changed since that month's build (``Ticket.updated_at``, which every
transition, rating, escalation and close sets) or added since with an earlier date (a ticket
id above the last one the build saw), so a late edit shows on the dashboards within
one run of the schedule (hourly). A month is rebuilt whole: delete, then one grouped INSERT
... SELECT per level, the same aggregates the live counts use, so both always agree.

The rest of each built month (the register at its end, meetings, problems:
targets/facts_build.py) is rebuilt on every run, for every built month: those records say
nothing of when they changed. A month is built with its facts in one transaction, so a month
listed in ``rollup_month`` always has both.
"""

from datetime import date, datetime, timedelta

from sqlalchemy import Integer, cast, delete, func, insert, literal, null, or_, select

from backend.common.clock import SHANGHAI, as_utc, utcnow
from backend.common.unit_of_work import unit_of_work
from backend.extensions import db
from backend.governance.targets import facts_build, periods
from backend.governance.targets.models import PlaceMonthFigures, RollupMonth
from backend.governance.targets.periods import Month
from backend.governance.targets.tickets import aggregates
from backend.tickets.models import Ticket

# A ticket's updated_at is set before its transaction commits: a build starting now may not
# see an edit stamped a little earlier, so the build is recorded as of this much before it.
IN_FLIGHT = timedelta(minutes=10)

LEVELS = (
    ("county", Ticket.county_id, None),
    ("township", Ticket.township_id, Ticket.county_id),
    ("community", Ticket.community_id, Ticket.township_id),
    ("estate", Ticket.estate_id, Ticket.community_id),
)
TARGET = ("kind", "place_id", "parent_id", "month") + (
    "tickets",
    "hotline",
    "replied",
    "on_time",
    "rated",
    "rating_sum",
    "satisfied",
)


def month_of(instant: datetime) -> Month:
    day = as_utc(instant).astimezone(SHANGHAI)
    return Month(day.year, day.month)


def _build(month: Month, built_at: datetime) -> None:
    """Replace ``month``'s figures, every level, and record the build."""
    last_ticket_id = db.session.scalar(select(func.coalesce(func.max(Ticket.id), 0)))
    record = db.session.get(RollupMonth, month.first_day, with_for_update=True)
    if record is None:
        record = RollupMonth(month=month.first_day)
        db.session.add(record)
    record.built_at, record.last_ticket_id = built_at, last_ticket_id
    db.session.flush()
    facts_build.build(month)
    db.session.execute(delete(PlaceMonthFigures).where(PlaceMonthFigures.month == month.first_day))
    for kind, column, parent in LEVELS:
        grouping = (column,) if parent is None else (column, parent)
        query = (
            select(
                literal(kind),
                column,
                cast(null(), Integer) if parent is None else parent,
                literal(month.first_day),
                *aggregates(),
            )
            .where(Ticket.created_at >= month.start, Ticket.created_at < month.end)
            .group_by(*grouping)
        )
        db.session.execute(insert(PlaceMonthFigures).from_select(TARGET, query))


def _closed(months: list[Month], now: datetime) -> list[Month]:
    current = month_of(now)
    return [m for m in months if (m.year, m.month) < (current.year, current.month)]


def stale(now: datetime) -> list[Month]:
    """The closed months to build: never built, or holding a ticket changed since; from the
    month of the oldest ticket, register entry, meeting or problem."""
    first = facts_build.first_month()
    if first is None:
        return []
    built = {
        Month(day.year, day.month): (as_utc(at), last)
        for day, at, last in db.session.execute(
            select(RollupMonth.month, RollupMonth.built_at, RollupMonth.last_ticket_id)
        )
    }
    touched = set()
    if built:
        changed = db.session.execute(
            select(Ticket.id, Ticket.created_at, Ticket.updated_at).where(
                or_(
                    Ticket.updated_at >= min(at for at, _ in built.values()),
                    Ticket.id > min(last for _, last in built.values()),
                )
            )
        )
        for ticket_id, created, updated in changed:
            month = month_of(created)
            if month in built:
                at, last = built[month]
                if as_utc(updated) >= at or ticket_id > last:
                    touched.add(month)
    closed = _closed(periods.months_between(first.first_day, month_of(now).first_day), now)
    return [m for m in closed if m not in built or m in touched]


@unit_of_work
def refresh() -> int:
    """Build the stale closed months (the scheduled job); how many were built."""
    now = utcnow()
    months = stale(now)
    for month in months:
        _build(month, now - IN_FLIGHT)
        db.session.commit()  # early commit: a long backfill keeps each month it has built
    fresh = {m.first_day for m in months}
    for day in db.session.scalars(select(RollupMonth.month).order_by(RollupMonth.month)).all():
        if day not in fresh:
            facts_build.build(Month(day.year, day.month))
            db.session.commit()  # early commit: a month at a time, readers never wait
    return len(months)


@unit_of_work
def rebuild(since: date, until: date) -> int:
    """Build every closed month from ``since``'s to ``until``'s (an operator's backfill, or
    after a bulk change the tickets' updated_at does not show); how many were built."""
    now = utcnow()
    months = _closed(periods.months_between(since, until), now)
    for month in months:
        _build(month, now - IN_FLIGHT)
        db.session.commit()  # early commit: a long backfill keeps each month it has built
    return len(months)
