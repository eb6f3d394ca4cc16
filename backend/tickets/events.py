"""A ticket's event log: one row for each thing that happens to it, shown as its history."""

from backend.common.clock import utcnow
from backend.extensions import db
from backend.tickets.models import Ticket, TicketEvent


def record_event(
    ticket: Ticket, kind: str, label: str, actor_id=None, note=None, from_status=None, now=None
) -> TicketEvent:
    """Add and flush the ticket's history row (flushed: photos and outbox rows name its id)."""
    event = TicketEvent(
        ticket_id=ticket.id,
        estate_id=ticket.estate_id,
        kind=kind,
        from_status=from_status,
        to_status=ticket.status,
        actor_id=actor_id,
        actor_label=label,
        note=note,
        escalation_level=ticket.escalation_level,
        created_at=now or utcnow(),
    )
    db.session.add(event)
    db.session.flush()
    return event
