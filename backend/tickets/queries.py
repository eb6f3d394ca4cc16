"""Reading tickets: lists (estate, mine, work), one ticket with what its viewer may do, and
the page decorations that keep lists at a fixed number of queries."""

from datetime import datetime

from sqlalchemy import and_, exists, func, literal_column, or_, select, union_all
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
from backend.tickets import rules, tally
from backend.tickets.models import (
    DEADLINE,
    HANDLING_STATUSES,
    NEWEST_FIRST,
    OPEN_STATUSES,
    Level,
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


def page_of(query, user: User, page: int, page_size: int, order, total=None, ids=None) -> Page:
    """One page of ``query`` (sorted by ``order``) in one statement: the page's ids are picked
    first (or given as ``ids``, a select), then joined to their estate, building and reporter
    (each ticket has at most one); the cover photo, the viewer's "me too" and the list's total
    (``total``, a scalar subquery, or a count of ``query``) are columns of the same rows. The
    page is outer-joined to the total, so an empty page still brings the total."""
    if total is None:
        total = select(func.count()).select_from(query.subquery()).scalar_subquery()
    cover, supported = _decorations(user)
    if ids is None:
        # The page's ids are picked first, so that the joins touch 20 rows: joined before the
        # LIMIT, a work list sorted by deadline joined every ticket it matched (7,000).
        page_ids = (
            query.with_only_columns(Ticket.id)
            .order_by(*order)
            .limit(page_size)
            .offset((page - 1) * page_size)
        ).subquery()
        ids = select(page_ids.c.id)
    totals = select(total.label("total")).subquery("totals")
    rows = db.session.execute(
        select(Ticket, cover, supported, totals.c.total)
        .select_from(totals)
        .outerjoin(Ticket, Ticket.id.in_(ids))
        .options(
            joinedload(Ticket.estate), joinedload(Ticket.building), joinedload(Ticket.reporter)
        )
        .order_by(*order)
    ).all()
    now = utcnow()
    items = []
    for ticket, cover_id, i_support, _total in rows:
        if ticket is not None:
            ticket.viewer_id, ticket.now = user.id, now
            ticket.cover_photo_id, ticket.i_support = cover_id, bool(i_support)
            items.append(ticket)
    return Page(items=items, page=page, page_size=page_size, total=rows[0].total or 0)


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
    # The total is read from the tally (a few rows), except for "mine", which it cannot tell.
    total = None if mine else tally.total(estate.id, status, category)
    if mine:
        query = query.where(Ticket.reporter_id == user.id)
    return page_of(query, user, page, page_size, NEWEST_FIRST, total)


def list_mine(user: User, page=1, page_size=20) -> Page:
    """Tickets I reported or support, newest report first."""
    supported = select(TicketSupporter.ticket_id).where(TicketSupporter.user_id == user.id)
    query = select(Ticket).where(or_(Ticket.reporter_id == user.id, Ticket.id.in_(supported)))
    return page_of(query, user, page, page_size, NEWEST_FIRST)


def overdue_clause(now: datetime):
    return or_(
        and_(Ticket.status == S.SUBMITTED, Ticket.accept_due_at < now),
        and_(Ticket.status.in_([S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS]), Ticket.reply_due_at < now),
    )


WORK_COLUMNS = {
    ScopeKind.ESTATE: Ticket.estate_id,
    ScopeKind.COMMUNITY: Ticket.community_id,
    ScopeKind.TOWNSHIP: Ticket.township_id,
    ScopeKind.COUNTY: Ticket.county_id,
}


def handled_by(user: User):
    """A WHERE clause: tickets the user handles at their current rung (or is assigned)."""
    return or_(*_work_arms(user))


def _work_arms(user: User) -> list:
    """The work list's arms, disjoint, each a condition that one index reads in deadline order:
    assigned to the user; then for each place the user holds a rung role in, one arm per level
    from that rung up (an equality, so the index stays ordered by deadline), leaving out what
    an arm before it holds (the user's tickets, the same level in another of their places)."""
    places = {kind: set() for kind in ScopeKind}
    for m in user.memberships:
        places[ScopeKind(m.scope_kind)].add((m.role, m.scope_id))
    lowest = {}  # (kind, place) -> the lowest rung the user answers for there
    for rung, roles in rules.RUNG_ROLES.items():
        for kind in WORK_COLUMNS:
            for role, scope_id in sorted(places[kind]):
                if role in roles and (kind, scope_id) not in lowest:
                    lowest[kind, scope_id] = rung
    arms = [Ticket.assignee_id == user.id]
    for level in range(min(lowest.values(), default=len(Level)), len(Level)):
        earlier = []
        for (kind, scope_id), rung in sorted(lowest.items()):
            if rung > level:
                continue
            column = WORK_COLUMNS[kind]
            arms.append(
                and_(
                    column == scope_id,
                    Ticket.escalation_level == level,
                    or_(Ticket.assignee_id.is_(None), Ticket.assignee_id != user.id),
                    *(other != other_id for other, other_id in earlier),
                )
            )
            earlier.append((column, scope_id))
    return arms


def list_work(user: User, status=None, estate_id=None, overdue=False, page=1, page_size=20) -> Page:
    """Tickets the user may handle now, the nearest deadline first.

    Read as a UNION ALL of the arms (``_work_arms``), each an ordered scan of a partial index
    over handling tickets (``ix_ticket_work_*``) that stops at the page's end: an OR of the
    arms was a bitmap scan of every matching ticket and a sort. The arms are disjoint, so the
    total is the sum of theirs (index-only counts) and no ticket shows twice."""
    now = utcnow()
    filters = [Ticket.status.in_(status)] if status else []
    if estate_id:
        filters.append(Ticket.estate_id == estate_id)
    if overdue:
        filters.append(overdue_clause(now))
    if status and not set(status) <= set(HANDLING_STATUSES):
        # Statuses the partial indexes leave out: the plain OR, read as before.
        query = select(Ticket).where(handled_by(user), *filters)
        return page_of(query, user, page, page_size, (DEADLINE, Ticket.id))
    # The partial indexes' predicate, its statuses inline: a bound list would hide from a
    # prepared statement's generic plan that the indexes apply.
    filters.append(Ticket.status.in_([literal_column(f"'{s}'") for s in HANDLING_STATUSES]))
    arms = [
        select(Ticket.id, DEADLINE.label("deadline")).where(arm, *filters)
        for arm in _work_arms(user)
    ]
    # Each arm's first rows up to the page's end, in deadline order from its index, then the
    # page among them: PostgreSQL (15) does not merge a UNION ALL's ordered arms itself, and
    # sorted every matching ticket (7,000 for a county officer) to find the first 20.
    through = page * page_size
    firsts = union_all(
        *(select(arm.order_by(DEADLINE, Ticket.id).limit(through).subquery()) for arm in arms)
    ).subquery("firsts")
    page_ids = (
        select(firsts.c.id)
        .order_by(firsts.c.deadline, firsts.c.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
        .subquery("page_ids")
    )
    total = select(func.count()).select_from(union_all(*arms).subquery("work")).scalar_subquery()
    order = (DEADLINE, Ticket.id)
    return page_of(select(Ticket), user, page, page_size, order, total, select(page_ids.c.id))


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
