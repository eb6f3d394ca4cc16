"""Reading tickets: lists (estate, mine, work), one ticket with what its viewer may do, and
the page decorations that keep lists at a fixed number of queries."""

from datetime import datetime

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from backend.access.models import Membership
from backend.access.roles import ROLE_LABELS, Role, ScopeKind
from backend.access.scope import get_estate_for
from backend.accounts.models import User
from backend.accounts.naming import Naming, naming_from_roles
from backend.common.clock import utcnow
from backend.common.pagination import Page
from backend.errors import NotFound
from backend.extensions import db
from backend.tickets import rules
from backend.tickets.models import (
    HANDLING_STATUSES,
    NEWEST_FIRST,
    OPEN_STATUSES,
    Ticket,
    TicketEvent,
    TicketPhoto,
    TicketSupporter,
)
from backend.tickets.models import TicketStatus as S
from backend.tickets.people import roles_on, shown_label


def ticket_for(user: User, ticket_id: int, lock: bool = False) -> tuple[Ticket, set[str]]:
    """A ticket the user may see, with the user's roles on its estate.

    :raises NotFound: no such ticket, or outside the user's scope.
    """
    query = select(Ticket).where(Ticket.id == ticket_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    ticket = db.session.scalar(query)
    if ticket is None:
        raise NotFound("工单不存在或您无权查看")
    estate = get_estate_for(user, ticket.estate_id)
    return ticket, roles_on(user, estate)


def list_options(query):
    return query.options(
        selectinload(Ticket.estate), selectinload(Ticket.building), selectinload(Ticket.reporter)
    )


def decorate(tickets: list[Ticket], user: User, now: datetime | None = None) -> list[Ticket]:
    """Attach what the list schema shows beyond columns, in two queries for the whole page:
    the cover photo and whether the viewer said "me too"."""
    now = now or utcnow()
    ids = [t.id for t in tickets]
    covers, supported = {}, set()
    if ids:
        covers = dict(
            db.session.execute(
                select(TicketPhoto.ticket_id, func.min(TicketPhoto.id))
                .where(TicketPhoto.ticket_id.in_(ids))
                .group_by(TicketPhoto.ticket_id)
            ).all()
        )
        supported = set(
            db.session.scalars(
                select(TicketSupporter.ticket_id).where(
                    TicketSupporter.ticket_id.in_(ids), TicketSupporter.user_id == user.id
                )
            )
        )
    for t in tickets:
        t.viewer_id = user.id
        t.cover_photo_id = covers.get(t.id)
        t.i_support = t.id in supported
        t.now = now
    return tickets


def _decorations(user: User):
    """What ``decorate`` attaches, as two columns of the page query: the cover photo (the
    first photo's id) and whether the viewer said "me too"."""
    cover = (
        select(func.min(TicketPhoto.id))
        .where(TicketPhoto.ticket_id == Ticket.id)
        .correlate(Ticket)
        .scalar_subquery()
    )
    supported = exists().where(
        TicketSupporter.ticket_id == Ticket.id, TicketSupporter.user_id == user.id
    )
    return cover, supported


def page_of(query, user: User, page: int, page_size: int) -> Page:
    """One page of ``query`` in two statements, the count and the page: the estate, building
    and reporter are joined in (each ticket has at most one), and the cover photo and the
    viewer's "me too" are columns of the same row."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    cover, supported = _decorations(user)
    # The page's ids are picked first, so that the joins touch 20 rows: joined before the
    # LIMIT, a work list sorted by deadline joined every ticket it matched (7,000).
    page_ids = (
        query.with_only_columns(Ticket.id).limit(page_size).offset((page - 1) * page_size)
    ).subquery()
    rows = db.session.execute(
        query.where(Ticket.id.in_(select(page_ids.c.id)))
        .add_columns(cover, supported)
        .options(
            joinedload(Ticket.estate), joinedload(Ticket.building), joinedload(Ticket.reporter)
        )
    ).all()
    now = utcnow()
    items = []
    for ticket, cover_id, i_support in rows:
        ticket.viewer_id, ticket.now = user.id, now
        ticket.cover_photo_id, ticket.i_support = cover_id, bool(i_support)
        items.append(ticket)
    return Page(items=items, page=page, page_size=page_size, total=total or 0)


def list_for_estate(
    user: User, estate_id: int, status=None, category=None, mine=False, page=1, page_size=20
) -> Page:
    """The estate's tickets, newest report first (id breaks ties): owners see them all
    (reporters masked)."""
    estate = get_estate_for(user, estate_id)
    query = select(Ticket).where(Ticket.estate_id == estate.id)
    if status:
        query = query.where(Ticket.status.in_(status))
    if category:
        query = query.where(Ticket.category == category)
    if mine:
        query = query.where(Ticket.reporter_id == user.id)
    return page_of(query.order_by(*NEWEST_FIRST), user, page, page_size)


def list_mine(user: User, page=1, page_size=20) -> Page:
    """Tickets I reported or support, newest report first."""
    supported = select(TicketSupporter.ticket_id).where(TicketSupporter.user_id == user.id)
    query = select(Ticket).where(or_(Ticket.reporter_id == user.id, Ticket.id.in_(supported)))
    return page_of(query.order_by(*NEWEST_FIRST), user, page, page_size)


def overdue_clause(now: datetime):
    return or_(
        and_(Ticket.status == S.SUBMITTED, Ticket.accept_due_at < now),
        and_(Ticket.status.in_([S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS]), Ticket.reply_due_at < now),
    )


def handled_by(user: User):
    """A WHERE clause: tickets the user handles at their current rung (or is assigned)."""
    places = {kind: [] for kind in ScopeKind}
    conditions = [Ticket.assignee_id == user.id]
    for m in user.memberships:
        places[ScopeKind(m.scope_kind)].append((m.role, m.scope_id))
    column = {
        ScopeKind.ESTATE: Ticket.estate_id,
        ScopeKind.COMMUNITY: Ticket.community_id,
        ScopeKind.TOWNSHIP: Ticket.township_id,
        ScopeKind.COUNTY: Ticket.county_id,
    }
    for rung, roles in rules.RUNG_ROLES.items():
        for kind, col in column.items():
            ids = [scope_id for role, scope_id in places[kind] if role in roles]
            if ids:
                conditions.append(and_(col.in_(ids), Ticket.escalation_level >= rung))
    return or_(*conditions)


def list_work(user: User, status=None, estate_id=None, overdue=False, page=1, page_size=20) -> Page:
    """Tickets the user may handle now, the nearest deadline first."""
    now = utcnow()
    query = select(Ticket).where(handled_by(user))
    query = (
        query.where(Ticket.status.in_(status))
        if status
        else query.where(Ticket.status.in_(HANDLING_STATUSES))
    )
    if estate_id:
        query = query.where(Ticket.estate_id == estate_id)
    if overdue:
        query = query.where(overdue_clause(now))
    deadline = case((Ticket.status == S.SUBMITTED, Ticket.accept_due_at), else_=Ticket.reply_due_at)
    return page_of(query.order_by(deadline, Ticket.id), user, page, page_size)


def detail(user: User, ticket_id: int) -> Ticket:
    """One ticket with its photos, its history and what the user may do with it now."""
    ticket, roles = ticket_for(user, ticket_id)
    return detail_view(ticket, user, roles)


def detail_view(ticket: Ticket, user: User, roles: set[str]) -> Ticket:
    ticket = db.session.scalar(
        list_options(select(Ticket))
        .where(Ticket.id == ticket.id)
        .options(
            selectinload(Ticket.events).selectinload(TicketEvent.photos),
            selectinload(Ticket.events).selectinload(TicketEvent.actor),
            selectinload(Ticket.assignee),
        )
        .execution_options(populate_existing=True)
    )
    now = utcnow()
    decorate([ticket], user, now)
    ticket.allowed_actions = rules.allowed_actions(ticket, user.id, roles, now)
    deadline = rules.feedback_deadline(ticket)
    ticket.reopen_deadline = deadline if ticket.status == S.REPLIED else None
    ticket.can_rate = (
        ticket.status == S.REPLIED and ticket.reporter_id == user.id and now <= deadline
    )
    ticket.can_reopen = "reopen" in ticket.allowed_actions
    ticket.can_support = (
        ticket.status in OPEN_STATUSES
        and ticket.reporter_id != user.id
        and Role.OWNER in roles
        and not ticket.i_support
    )
    created = next((e for e in ticket.events if e.kind == "created"), None)
    ticket.photos = created.photos if created else []
    naming = naming_from_roles(user, roles)
    ticket.assignee_name = naming.name(ticket.assignee) if ticket.assignee else None
    for event in ticket.events:
        event.shown_label = shown_label(event.actor_label, event.actor, naming)
    ticket.assignees = _assignees(ticket, naming) if "assign" in ticket.allowed_actions else []
    return ticket


def _assignees(ticket: Ticket, naming: Naming) -> list[dict]:
    rows = db.session.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.estate_id == ticket.estate_id, Membership.role.in_(rules.ASSIGNEE_ROLES))
        .order_by(User.id)
    ).all()
    seen, people = set(), []
    for person, role in rows:
        if person.id not in seen:
            seen.add(person.id)
            people.append(
                {
                    "id": person.id,
                    "label": naming.label(ROLE_LABELS[Role(role)], person),
                }
            )
    return people
