"""What the maintenance fund's repair projects add up to for a county, township, community or
estate over a date range, for the dashboards and the yearly report: projects proposed,
authorised (by the owners' vote or the emergency path, with their budgets), paid (with the
amount and the days from proposal to payment) and the owners' ratings.

Dates are Shanghai calendar dates, both ends included. One grouped query (by approval path)
whatever the number of projects, so the pages stay flat in queries.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Date, Integer, and_, case, cast, func, literal_column, select

from backend.common.clock import SHANGHAI
from backend.common.money import format_fen
from backend.common.ratios import average, percent
from backend.extensions import db
from backend.funds.models import ApprovalPath, RepairProject, RepairRating
from backend.places.models import Estate

SCOPE_KINDS = ("county", "township", "community", "estate")


@dataclass(frozen=True)
class PathFigures:
    authorised: int = 0  # projects authorised in the range on this path
    authorised_fen: int = 0  # their approved budgets
    paid: int = 0  # projects paid in full in the range on this path
    paid_fen: int = 0  # what was paid for them


@dataclass(frozen=True)
class FundFigures:
    proposed: int = 0  # projects submitted for the pre-check in the range
    vote: PathFigures = PathFigures()
    emergency: PathFigures = PathFigures()
    days_total: int = 0  # over the projects paid in the range: days from proposal to payment
    rating_total: int = 0  # ratings given in the range: the sum of their scores
    rated: int = 0  # and how many

    @property
    def authorised(self) -> int:
        return self.vote.authorised + self.emergency.authorised

    @property
    def authorised_fen(self) -> int:
        return self.vote.authorised_fen + self.emergency.authorised_fen

    @property
    def paid(self) -> int:
        return self.vote.paid + self.emergency.paid

    @property
    def paid_fen(self) -> int:
        return self.vote.paid_fen + self.emergency.paid_fen

    @property
    def authorised_money(self) -> str:
        return format_fen(self.authorised_fen)

    @property
    def paid_money(self) -> str:
        return format_fen(self.paid_fen)

    @property
    def vote_share(self) -> str | None:
        """The share of the projects authorised in the range that owners voted for."""
        return percent(self.vote.authorised, self.authorised)

    @property
    def emergency_share(self) -> str | None:
        return percent(self.emergency.authorised, self.authorised)

    @property
    def average_days(self) -> str | None:
        """Days from proposal to payment over the projects paid in the range ("36.50")."""
        return average(self.days_total, self.paid)

    @property
    def average_rating(self) -> str | None:
        return average(self.rating_total, self.rated)


def _utc_start(day: date) -> datetime:
    # Written as UTC: SQLite keeps naive UTC text, so a Shanghai-aware bound would be off by 8 h.
    return datetime.combine(day, time(), SHANGHAI).astimezone(UTC)


def _shanghai_date(column):
    """The Shanghai calendar date of a UTC timestamp column, on PostgreSQL and on SQLite."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("Asia/Shanghai", column), Date)
    return func.date(column, literal_column("'+8 hours'"))


def _days_between(start, end):
    """Whole Shanghai calendar days from ``start`` to ``end`` (timestamp columns)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return _shanghai_date(end) - _shanghai_date(start)
    return cast(
        func.julianday(_shanghai_date(end)) - func.julianday(_shanghai_date(start)), Integer
    )


def _scope_column(kind: str):
    return {
        "county": Estate.county_id,
        "township": Estate.township_id,
        "community": Estate.community_id,
        "estate": Estate.id,
    }[kind]


def figures(scope: tuple[str, int], since: date, until: date) -> FundFigures:
    """The repair projects of a place from ``since`` to ``until``. One query.

    A project is *proposed* when the committee submits it for the township's pre-check
    (``submitted_at``), *authorised* when its vote or emergency sign-offs are complete
    (``authorised_at``, with the budget they cover), and *paid* when its last payment is booked
    (``paid_at``); its days run from its proposal to that payment. Ratings count when given.

    :param scope: ("county" | "township" | "community" | "estate", id).
    """
    kind, place_id = scope
    if kind not in SCOPE_KINDS:
        raise ValueError(f"unknown scope {kind!r}")
    start, end = _utc_start(since), _utc_start(until + timedelta(days=1))
    p = RepairProject

    def within(column):
        return and_(column >= start, column < end)

    ratings = (
        select(
            RepairRating.project_id,
            func.sum(RepairRating.score).label("total"),
            func.count().label("rated"),
        )
        .where(within(RepairRating.created_at))
        .group_by(RepairRating.project_id)
        .subquery()
    )
    authorised, paid = within(p.authorised_at), within(p.paid_at)
    rows = db.session.execute(
        select(
            p.path,
            func.count(case((within(p.submitted_at), 1))),
            func.count(case((authorised, 1))),
            func.coalesce(func.sum(case((authorised, p.approved_budget_fen), else_=0)), 0),
            func.count(case((paid, 1))),
            func.coalesce(func.sum(case((paid, p.paid_fen), else_=0)), 0),
            func.coalesce(
                func.sum(case((paid, _days_between(p.submitted_at, p.paid_at)), else_=0)), 0
            ),
            func.coalesce(func.sum(ratings.c.total), 0),
            func.coalesce(func.sum(ratings.c.rated), 0),
        )
        .join(Estate, Estate.id == p.estate_id)
        .outerjoin(ratings, ratings.c.project_id == p.id)
        .where(_scope_column(kind) == place_id)
        .group_by(p.path)
    ).all()
    proposed = days = rating_total = rated = 0
    by_path = {}
    for path, n_proposed, n_auth, auth_fen, n_paid, fen_paid, n_days, r_total, r_n in rows:
        proposed += int(n_proposed)
        days += int(n_days)
        rating_total += int(r_total)
        rated += int(r_n)
        by_path[path] = PathFigures(int(n_auth), int(auth_fen), int(n_paid), int(fen_paid))
    return FundFigures(
        proposed=proposed,
        vote=by_path.get(ApprovalPath.VOTE.value, PathFigures()),
        emergency=by_path.get(ApprovalPath.EMERGENCY.value, PathFigures()),
        days_total=days,
        rating_total=rating_total,
        rated=rated,
    )
