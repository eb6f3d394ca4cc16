"""What supervisors read and set: a county's time limits, an estate's ticket figures, and
the overdue and escalated tickets in a community, township or county."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import case, select

from backend.access.roles import Role, ScopeKind
from backend.access.scope import get_estate_for, visible_estates
from backend.accounts.models import User
from backend.common.clock import SHANGHAI, as_utc, utcnow
from backend.common.pagination import Page
from backend.common.unit_of_work import unit_of_work
from backend.errors import Forbidden, NotFound, ValidationFailed
from backend.extensions import db
from backend.places.models import Estate
from backend.tickets import rules, stats
from backend.tickets.models import CATEGORIES, HANDLING_STATUSES, Ticket, TicketTimeLimit
from backend.tickets.models import TicketStatus as S
from backend.tickets.queries import overdue_clause, page_of

LIMIT_SETTER_ROLES = (Role.COUNTY_OFFICER, Role.ADMIN)
SUPERVISOR_ROLES = (Role.AUDITOR, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.ADMIN)


def _county_role(user: User, county_id: int) -> None:
    """:raises NotFound: the user sees nothing in the county. :raises Forbidden: sees it,
    but is not one of its officers."""
    officer = any(
        m.role in LIMIT_SETTER_ROLES
        and m.scope_kind == ScopeKind.COUNTY
        and m.scope_id == county_id
        for m in user.memberships
    )
    if officer:
        return
    in_county = visible_estates(user).with_only_columns(Estate.id)
    sees = db.session.scalar(select(in_county.where(Estate.county_id == county_id).exists()))
    if not sees:
        raise NotFound("该县（区）不存在或您无权查看")
    raise Forbidden("只有住建局可以设置工单时限")


def time_limits(user: User, county_id: int) -> dict:
    """The county's hours per category (its own, or the configured default)."""
    _county_role(user, county_id)
    return {"items": _rows(county_id)}


def _rows(county_id: int) -> list[dict]:
    return [
        {"category": c, "accept_hours": a, "reply_hours": r, "is_default": d}
        for c, (a, r, d) in rules.time_limits(county_id).items()
    ]


@unit_of_work
def set_time_limits(user: User, county_id: int, items: list[dict]) -> dict:
    """Set the county's own hours for the listed categories (new tickets use them).

    :raises ValidationFailed: a reply time shorter than the accept time, or a category twice.
    """
    _county_role(user, county_id)
    seen = set()
    for item in items:
        if item["category"] in seen:
            raise ValidationFailed(fields={"items": [f"类别 {CATEGORIES[item['category']]} 重复"]})
        seen.add(item["category"])
        rules.check_hours(item["accept_hours"], item["reply_hours"])
    now = utcnow()
    for item in items:
        row = db.session.scalar(
            select(TicketTimeLimit)
            .where(
                TicketTimeLimit.county_id == county_id, TicketTimeLimit.category == item["category"]
            )
            .with_for_update()
        )
        if row is None:
            row = TicketTimeLimit(county_id=county_id, category=item["category"])
            db.session.add(row)
        row.accept_hours, row.reply_hours = item["accept_hours"], item["reply_hours"]
        row.updated_by_id, row.updated_at = user.id, now
    db.session.flush()
    return {"items": _rows(county_id)}


def _day_start(day: date | None) -> datetime | None:
    """Dates are Shanghai calendar days."""
    return as_utc(datetime.combine(day, time(), SHANGHAI)) if day else None


def estate_stats(
    user: User, estate_id: int, since: date | None = None, until: date | None = None
) -> dict:
    """The estate's figures by category and in total, for tickets filed in [since, until]."""
    estate = get_estate_for(user, estate_id)
    end = _day_start(until + timedelta(days=1)) if until else None
    result = stats.by_category(Ticket.estate_id == estate.id, _day_start(since), end)
    result["definitions"] = stats.DEFINITIONS
    return result


def supervised(
    user: User,
    only: str = "attention",
    estate_id: int | None = None,
    township_id: int | None = None,
    community_id: int | None = None,
    category: str | None = None,
    level: int | None = None,
    page: int = 1,
    page_size: int = 50,
) -> Page:
    """Tickets in the places a supervisor oversees: by default the ones needing attention
    (overdue now, or escalated and still open), most escalated and oldest deadline first."""
    if not any(m.role in SUPERVISOR_ROLES for m in user.memberships):
        raise Forbidden("只有社区、街道和住建局工作人员可以查看督办工单")
    now = utcnow()
    scope = visible_estates(user, SUPERVISOR_ROLES).with_only_columns(Estate.id)
    query = select(Ticket).where(Ticket.estate_id.in_(scope))
    if only == "attention":
        query = query.where(
            Ticket.status.in_(HANDLING_STATUSES),
            overdue_clause(now) | (Ticket.escalation_level > 0),
        )
    elif only == "open":
        query = query.where(Ticket.status.in_(HANDLING_STATUSES))
    for column, value in (
        (Ticket.estate_id, estate_id),
        (Ticket.township_id, township_id),
        (Ticket.community_id, community_id),
        (Ticket.category, category),
        (Ticket.escalation_level, level),
    ):
        if value is not None:
            query = query.where(column == value)
    # The deadline running now: to accept while submitted, then to reply.
    deadline = case((Ticket.status == S.SUBMITTED, Ticket.accept_due_at), else_=Ticket.reply_due_at)
    order = (Ticket.escalation_level.desc(), deadline, Ticket.id)
    return page_of(query, user, page, page_size, order)
