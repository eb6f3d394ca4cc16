"""The ticket side of the five targets: complaints (every ticket, the 12345 hotline's among
them), the on-time rate and owners' satisfaction — for a place and a date range, per month,
or per place one level down. One aggregate query each, on PostgreSQL and SQLite alike.

The definitions match ``backend.tickets.stats`` (on time: of the tickets that got a reply,
those that missed no deadline; ratings: tickets closed "not rated" count nowhere).
"""

from dataclasses import astuple, dataclass
from datetime import date

from sqlalchemy import and_, case, func, select

from backend.extensions import db
from backend.governance.targets.periods import Month, start_of
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


def _aggregates():
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


def _in_range(query, since: date, until: date):
    return query.where(Ticket.created_at >= start_of(since), Ticket.created_at < start_of(until, 1))


def figures(scope: tuple[str, int], since: date, until: date) -> TicketFigures:
    """The tickets created in ``scope`` from ``since`` to ``until`` (Shanghai dates, both
    included)."""
    kind, place_id = scope
    query = _in_range(select(*_aggregates()).where(SCOPE_COLUMNS[kind] == place_id), since, until)
    return TicketFigures(*(int(v) for v in db.session.execute(query).one()))


def by_place(scope: tuple[str, int], child_kind: str, since: date, until: date) -> dict:
    """child place id -> TicketFigures, for the places one level below ``scope``."""
    kind, place_id = scope
    child = SCOPE_COLUMNS[child_kind]
    query = select(child, *_aggregates()).where(SCOPE_COLUMNS[kind] == place_id).group_by(child)
    rows = db.session.execute(_in_range(query, since, until))
    return {row[0]: TicketFigures(*(int(v) for v in row[1:])) for row in rows}


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
    low = start_of(since) if since else months[0].start
    high = start_of(until, 1) if until else months[-1].end
    bounds = [(max(m.start, low), min(m.end, high)) for m in months]
    bucket = case(
        *(
            (and_(Ticket.created_at >= start, Ticket.created_at < end), index)
            for index, (start, end) in enumerate(bounds)
        ),
        else_=None,
    )
    query = (
        select(bucket, *_aggregates())
        .where(
            SCOPE_COLUMNS[kind] == place_id,
            Ticket.created_at >= bounds[0][0],
            Ticket.created_at < bounds[-1][1],
        )
        .group_by(bucket)
    )
    found = {row[0]: TicketFigures(*(int(v) for v in row[1:])) for row in db.session.execute(query)}
    return {m: found.get(index, TicketFigures()) for index, m in enumerate(months)}


def total(parts) -> TicketFigures:
    """The sum of several TicketFigures (months of one period, say)."""
    rows = [astuple(f) for f in parts]
    return TicketFigures(*(sum(column) for column in zip(*rows, strict=True)))
