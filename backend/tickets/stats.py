"""Ticket figures per estate, property company or category: counts, on-time rate, reopen
rate and average rating — what the console, the weekly digest and star ratings read.

Definitions (shown next to the numbers in the console):
- on time: of the tickets that got a reply, those that missed no deadline (to accept, to reply);
- reopened: of the tickets that got a reply, those the reporter reopened at least once;
- rating: the average of the ratings given; tickets closed "not rated" are not counted.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select

from backend.common.clock import utcnow
from backend.extensions import db
from backend.tickets.models import CATEGORIES, HANDLING_STATUSES, OPEN_STATUSES, Ticket
from backend.tickets.models import TicketStatus as S

DEFINITIONS = {
    "on_time": "按时办结率 = 已反馈工单中未超过受理、办理时限的件数 ÷ 已反馈工单数",
    "reopened": "重新办理率 = 已反馈工单中被提交人申请重新办理过的件数 ÷ 已反馈工单数",
    "rating": "平均满意度 = 业主评价星级的平均值（超时未评价的不计入）",
    "overdue": "超时 = 当前仍待受理或办理、且已超过时限的工单",
}


@dataclass
class Ratio:
    count: int
    of: int

    @property
    def rate(self) -> float | None:
        return round(self.count / self.of, 4) if self.of else None


@dataclass
class Figures:
    key: object
    label: str
    total: int
    open: int
    closed: int
    overdue: int
    on_time: Ratio
    reopened: Ratio
    rating_sum: int
    rating_count: int

    @property
    def rating(self) -> dict:
        average = round(self.rating_sum / self.rating_count, 2) if self.rating_count else None
        return {"sum": self.rating_sum, "count": self.rating_count, "average": average}


def _columns(now: datetime):
    replied = Ticket.replied_at.is_not(None)  # kept through a reopen: it did get a reply
    overdue = case(
        (and_(Ticket.status == S.SUBMITTED, Ticket.accept_due_at < now), 1),
        (and_(Ticket.status.in_(HANDLING_STATUSES[1:]), Ticket.reply_due_at < now), 1),
        else_=0,
    )

    def count_if(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    return [
        func.count(Ticket.id),
        count_if(Ticket.status.in_(OPEN_STATUSES)),
        count_if(Ticket.status.in_([S.CLOSED, S.REJECTED, S.DUPLICATE])),
        func.coalesce(func.sum(overdue), 0),
        count_if(and_(replied, Ticket.missed_deadline.is_(False))),
        count_if(replied),
        count_if(and_(replied, Ticket.reopen_count > 0)),
        func.coalesce(func.sum(Ticket.rating), 0),
        func.count(Ticket.rating),
    ]


def figures(
    where,
    group_by=None,
    labels: dict | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    now: datetime | None = None,
) -> list[Figures]:
    """Figures of the tickets matching ``where`` (created in [since, until)), one row per
    value of ``group_by`` (or one row in all), in one aggregate query."""
    now = now or utcnow()
    query = select(*([group_by] if group_by is not None else []), *_columns(now)).where(where)
    if since:
        query = query.where(Ticket.created_at >= since)
    if until:
        query = query.where(Ticket.created_at < until)
    if group_by is not None:
        query = query.group_by(group_by)
    rows = []
    for row in db.session.execute(query).all():
        key = row[0] if group_by is not None else "total"
        total, open_, closed, overdue, on_time, replied, reopened, r_sum, r_count = row[-9:]
        rows.append(
            Figures(
                key=key,
                label=(labels or {}).get(key, "合计" if key == "total" else str(key)),
                total=total,
                open=open_,
                closed=closed,
                overdue=int(overdue),
                on_time=Ratio(int(on_time), int(replied)),
                reopened=Ratio(int(reopened), int(replied)),
                rating_sum=int(r_sum),
                rating_count=r_count,
            )
        )
    return rows


def by_category(where, since=None, until=None, now=None) -> dict:
    """Every category (zeros included, in picking order) and the total."""
    rows = {f.key: f for f in figures(where, Ticket.category, CATEGORIES, since, until, now)}
    empty = dict(total=0, open=0, closed=0, overdue=0, rating_sum=0, rating_count=0)
    items = [
        rows.get(c) or Figures(c, label, on_time=Ratio(0, 0), reopened=Ratio(0, 0), **empty)
        for c, label in CATEGORIES.items()
    ]
    total = figures(where, since=since, until=until, now=now)[0]
    return {"by_category": items, "total": total}


def weekly(estate_ids: list[int], start: datetime, end: datetime, now: datetime) -> dict:
    """estate id -> the week's new, closed, still-overdue counts and average rating."""
    if not estate_ids:
        return {}
    result = {
        e: {"new": 0, "closed": 0, "overdue": 0, "rating_sum": 0, "rating_count": 0}
        for e in estate_ids
    }
    in_estates = Ticket.estate_id.in_(estate_ids)
    for estate_id, count in db.session.execute(
        select(Ticket.estate_id, func.count())
        .where(in_estates, Ticket.created_at >= start, Ticket.created_at < end)
        .group_by(Ticket.estate_id)
    ):
        result[estate_id]["new"] = count
    for estate_id, count, r_sum, r_count in db.session.execute(
        select(
            Ticket.estate_id,
            func.count(),
            func.coalesce(func.sum(Ticket.rating), 0),
            func.count(Ticket.rating),
        )
        .where(
            in_estates, Ticket.status == S.CLOSED, Ticket.closed_at >= start, Ticket.closed_at < end
        )
        .group_by(Ticket.estate_id)
    ):
        result[estate_id].update(closed=count, rating_sum=int(r_sum), rating_count=r_count)
    overdue = _columns(now)[3]
    for estate_id, count in db.session.execute(
        select(Ticket.estate_id, overdue)
        .where(in_estates, Ticket.status.in_(HANDLING_STATUSES))
        .group_by(Ticket.estate_id)
    ):
        result[estate_id]["overdue"] = int(count)
    for figures_ in result.values():
        n = figures_["rating_count"]
        figures_["average_rating"] = round(figures_["rating_sum"] / n, 2) if n else None
        figures_["period_start"], figures_["period_end"] = start.isoformat(), end.isoformat()
    return result
