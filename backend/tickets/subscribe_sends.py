"""The reporter's subscribe messages: their ticket was replied to, or escalated a rung.
Both are about one owner's report, so without a consent they are dropped, not posted."""

from collections.abc import Iterable

from sqlalchemy import select

from backend.extensions import db
from backend.subscriptions import services as subscriptions
from backend.tickets.models import Ticket, TicketEvent


def replied(ticket: Ticket, event: TicketEvent) -> None:
    """Tell the reporter of ``ticket`` its reply ``event`` (the caller's transaction)."""
    if ticket.reporter_id:
        subscriptions.reach("ticket_replied", [(event.id, ticket.reporter_id, ticket.estate_id)])


# Ticket ids per query: one backlog climbed in a single batch can hold more tickets than
# PostgreSQL's 65,535 bound parameters, and every list below it would pass them on.
CHUNK = 5000


def escalated(ticket_ids: Iterable[int]) -> None:
    """Tell each reporter of ``ticket_ids`` the "escalated" event of the rung their ticket
    just reached (one event per ticket and rung)."""
    ids = list(ticket_ids)
    for start in range(0, len(ids), CHUNK):
        rows = db.session.execute(
            select(TicketEvent.id, Ticket.reporter_id, Ticket.estate_id)
            .join(Ticket, Ticket.id == TicketEvent.ticket_id)
            .where(
                TicketEvent.ticket_id.in_(ids[start : start + CHUNK]),
                TicketEvent.kind == "escalated",
                TicketEvent.escalation_level == Ticket.escalation_level,
                Ticket.reporter_id.is_not(None),
            )
            .order_by(TicketEvent.id)
        ).all()
        subscriptions.reach("ticket_escalated", [tuple(row) for row in rows])
