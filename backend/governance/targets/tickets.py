"""The ticket side of the five targets: complaints (every ticket, the 12345 hotline's among
them), the on-time rate and owners' satisfaction — for a place and a date range, per month,
or per place one level down. One aggregate query each, on PostgreSQL and SQLite alike.

Closed months whose roll-ups are built (targets/rollups.py) are read from them; the rest of a
period (the current month, a month cut by the period's edges, a month not built yet) is
counted live, and the two add up to exactly what counting every ticket would give.

The definitions match ``backend.tickets.stats`` (on time: of the tickets that got a reply,
those that missed no deadline; ratings: tickets closed "not rated" count nowhere).
"""

from dataclasses import astuple, dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, func, or_, select

from backend.extensions import db
from backend.governance.targets import rollups
from backend.governance.targets.periods import Month, months_between, start_of
from backend.tickets.models import Ticket

SCOPE_COLUMNS = {
    "county": Ticket.county_id,
    "township": Ticket.township_id,
    "community": Ticket.community_id,
    "estate": Ticket.estate_id,
}
SATISFIED_FROM = 4  # 满意 = rated 4 or 5 of 5


@dataclass(frozen=True)
class TicketFigures:
    tickets: int = 0  # created in the period, every channel
    hotline: int = 0  # of those, entered from a 12345 hotline case
    replied: int = 0  # of those, replied to
    on_time: int = 0  # of the replied, those that missed no deadline
    rated: int = 0  # of those, rated by the reporter
    rating_sum: int = 0
    satisfied: int = 0  # of the rated, rated SATISFIED_FROM or more


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def aggregates():
    """The columns of TicketFigures, as aggregates over Ticket rows."""
    replied = Ticket.replied_at.is_not(None)
    return (
        func.count(Ticket.id),
        _count_if(Ticket.channel == "hotline"),
        _count_if(replied),
        _count_if(and_(replied, Ticket.missed_deadline.is_(False))),
        func.count(Ticket.rating),
        func.coalesce(func.sum(Ticket.rating), 0),
        _count_if(Ticket.rating >= SATISFIED_FROM),
    )


def _in_ranges(query, ranges: list[tuple[datetime, datetime]]):
    """``query`` cut to tickets created in any of ``ranges`` (adjoining ones joined)."""
    joined = []
    for low, high in sorted(ranges):
        if joined and low <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(high, joined[-1][1]))
        else:
            joined.append((low, high))
    return query.where(
        or_(*(and_(Ticket.created_at >= low, Ticket.created_at < high) for low, high in joined))
    )


def _plan(since: date, until: date) -> tuple[list[Month], list[tuple[datetime, datetime]]]:
    """The built months lying wholly inside ``since``..``until``, and the instant ranges left
    over, to be counted live."""
    months = [
        m for m in months_between(since, until) if since <= m.first_day and m.last_day <= until
    ]
    built = sorted(rollups.built(months), key=lambda m: m.first_day)
    ranges, low = [], start_of(since)
    for month in built:
        if low < month.start:
            ranges.append((low, month.start))
        low = month.end
    if low < start_of(until, 1):
        ranges.append((low, start_of(until, 1)))
    return built, ranges


def _figures(row) -> TicketFigures:
    return TicketFigures(*(int(v) for v in row))


def figures(scope: tuple[str, int], since: date, until: date) -> TicketFigures:
    """The tickets created in ``scope`` from ``since`` to ``until`` (Shanghai dates, both
    included)."""
    kind, place_id = scope
    built, ranges = _plan(since, until)
    parts = [_figures(rollups.total(scope, built))] if built else []
    if ranges:
        query = select(*aggregates()).where(SCOPE_COLUMNS[kind] == place_id)
        parts.append(_figures(db.session.execute(_in_ranges(query, ranges)).one()))
    return total(parts)


def by_place(scope: tuple[str, int], child_kind: str, since: date, until: date) -> dict:
    """child place id -> TicketFigures, for the places one level below ``scope``."""
    kind, place_id = scope
    built, ranges = _plan(since, until)
    found = {}
    if built:
        found = {k: _figures(v) for k, v in rollups.by_place(scope, child_kind, built).items()}
    if ranges:
        child = SCOPE_COLUMNS[child_kind]
        query = select(child, *aggregates()).where(SCOPE_COLUMNS[kind] == place_id)
        for row in db.session.execute(_in_ranges(query.group_by(child), ranges)):
            live = _figures(row[1:])
            found[row[0]] = total([found[row[0]], live]) if row[0] in found else live
    return found


def by_month(
    scope: tuple[str, int],
    months: list[Month],
    since: date | None = None,
    until: date | None = None,
) -> dict:
    """Month -> TicketFigures, each month's tickets by when they were created (Shanghai). With
    ``since``/``until`` the first and last months are cut to the period, so the months add up
    to exactly the period's figures."""
    if not months:
        return {}
    kind, place_id = scope
    whole = [
        m
        for m in months
        if (since is None or since <= m.first_day) and (until is None or m.last_day <= until)
    ]
    built = rollups.built(whole)
    found = {m: TicketFigures() for m in built}
    found |= {m: _figures(row) for m, row in rollups.by_month(scope, list(built)).items()}
    low = start_of(since) if since else months[0].start
    high = start_of(until, 1) if until else months[-1].end
    live = [m for m in months if m not in built]
    bounds = [(max(m.start, low), min(m.end, high)) for m in live]
    if bounds:
        bucket = case(
            *(
                (and_(Ticket.created_at >= start, Ticket.created_at < end), index)
                for index, (start, end) in enumerate(bounds)
            ),
            else_=None,
        )
        query = select(bucket, *aggregates()).where(SCOPE_COLUMNS[kind] == place_id)
        counted = {
            row[0]: _figures(row[1:])
            for row in db.session.execute(_in_ranges(query, bounds).group_by(bucket))
        }
        found |= {m: counted.get(index, TicketFigures()) for index, m in enumerate(live)}
    return {m: found[m] for m in months}


def total(parts) -> TicketFigures:
    """The sum of several TicketFigures (months of one period, say)."""
    rows = [astuple(f) for f in parts]
    return TicketFigures(*(sum(column) for column in zip(*rows, strict=True)))
