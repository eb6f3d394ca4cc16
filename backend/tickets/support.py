""" "Me too" (附议): a verified owner of the estate joins an open ticket instead of filing it
again, or takes that back."""

from backend.access.roles import Role
from backend.accounts.models import User
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, Forbidden
from backend.extensions import db
from backend.tickets.events import record_event
from backend.tickets.models import OPEN_STATUSES, Ticket, TicketSupporter
from backend.tickets.people import actor_label
from backend.tickets.queries import detail_view, ticket_for


@unit_of_work
def support(user: User, ticket_id: int) -> Ticket:
    """ "Me too": a verified owner of the estate joins an open ticket instead of filing again.

    :raises Forbidden: not a verified owner there.
    :raises Conflict: own ticket, already supported (already_supported), or no longer open.
    """
    ticket, roles = ticket_for(user, ticket_id, lock=True)
    if Role.OWNER not in roles:
        raise Forbidden("只有已认证的业主可以附议", code="owner_not_verified")
    if ticket.reporter_id == user.id:
        raise Conflict("这是您自己提交的工单")
    if ticket.status not in OPEN_STATUSES:
        raise Conflict("工单已办结，不能再附议")
    if db.session.get(TicketSupporter, (ticket.id, user.id)):
        raise Conflict("您已附议过该工单", code="already_supported")
    add_supporter(ticket.id, user.id)
    record_event(ticket, "supported", actor_label(user, roles), user.id)
    return detail_view(ticket, user, roles)


@unit_of_work
def withdraw_support(user: User, ticket_id: int) -> Ticket:
    """Take back a "me too".

    :raises Conflict: the user had not supported it.
    """
    ticket, roles = ticket_for(user, ticket_id, lock=True)
    row = db.session.get(TicketSupporter, (ticket.id, user.id))
    if row is None:
        raise Conflict("您尚未附议该工单", code="not_supported")
    db.session.delete(row)
    ticket.supporter_count -= 1
    db.session.flush()
    return detail_view(ticket, user, roles)


def add_supporter(ticket_id: int, user_id: int) -> None:
    """Count ``user_id`` among the ticket's supporters, once."""
    if db.session.get(TicketSupporter, (ticket_id, user_id)) is None:
        db.session.add(TicketSupporter(ticket_id=ticket_id, user_id=user_id))
        db.session.execute(
            Ticket.__table__.update()
            .where(Ticket.id == ticket_id)
            .values(supporter_count=Ticket.supporter_count + 1)
        )
        db.session.expire_all()
