"""Criteria filled from Linli's own records for an estate and a calendar year (Shanghai):
tickets handled on time, owners' satisfaction, ledger periods published on time.

Each figure is a fraction; its points are max_points × fraction rounded half up, in integers.
Without records (no replied ticket, no rating, no period due) there is no figure: the
criterion is scored by hand, never invented."""

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select

from backend.common.clock import SHANGHAI, as_utc, utcnow
from backend.extensions import db
from backend.governance.ratings.models import Source
from backend.ledger import posts
from backend.ledger.models import LedgerPeriod
from backend.places.models import Estate
from backend.tickets import stats
from backend.tickets.models import Ticket


@dataclass(frozen=True)
class Figure:
    """``numerator / denominator`` of a criterion, and the records it was read from."""

    numerator: int
    denominator: int
    basis: str

    def points(self, max_points: int) -> int:
        """max_points × numerator / denominator, rounded half up."""
        return (2 * max_points * self.numerator + self.denominator) // (2 * self.denominator)


def shanghai_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), SHANGHAI)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The calendar year in Shanghai as [start, end) instants."""
    return shanghai_midnight(date(year, 1, 1)), shanghai_midnight(date(year + 1, 1, 1))


def _ticket_figures(estate_id: int, year: int) -> dict[str, Figure | None]:
    since, until = year_bounds(year)
    row = stats.figures(Ticket.estate_id == estate_id, since=since, until=until)[0]
    on_time = None
    if row.on_time.of:
        on_time = Figure(
            row.on_time.count,
            row.on_time.of,
            f"按时办结 {row.on_time.count} / 已反馈 {row.on_time.of} 件",
        )
    satisfaction = None
    if row.rating_count:
        # The average rating 1..5 mapped linearly onto 0..1: (average − 1) / 4.
        average = f"{row.rating_sum / row.rating_count:.2f}"
        satisfaction = Figure(
            row.rating_sum - row.rating_count,
            4 * row.rating_count,
            f"平均 {average} 分（{row.rating_count} 件评价）",
        )
    return {Source.TICKET_ON_TIME: on_time, Source.SATISFACTION: satisfaction}


def _ledger_figure(estate_id: int, year: int, now: datetime) -> Figure | None:
    periods = db.session.scalars(
        select(LedgerPeriod).where(
            LedgerPeriod.estate_id == estate_id,
            LedgerPeriod.start_date >= date(year, 1, 1),
            LedgerPeriod.start_date < date(year + 1, 1, 1),
        )
    ).all()
    county_id = db.session.get(Estate, estate_id).county_id  # loaded already, as a rule
    due = on_time = 0
    for period in periods:
        # The rule the group's "accounts late" post follows too: one deadline, per county.
        deadline = posts.publish_deadline(period, county_id)
        published = as_utc(period.published_at) if period.published_at else None
        if published is None and deadline > now:
            continue  # still time to publish: not yet late, not yet on time
        due += 1
        on_time += published is not None and published < deadline
    if not due:
        return None
    return Figure(on_time, due, f"按时公示 {on_time} / 应公示 {due} 期")


def figures(estate_id: int, year: int, now: datetime | None = None) -> dict[str, Figure | None]:
    """Each automatic source's figure for the estate and year (None: no records)."""
    return {
        **_ticket_figures(estate_id, year),
        Source.LEDGER_ON_TIME: _ledger_figure(estate_id, year, now or utcnow()),
    }
