"""What the ticket suites share beyond tests/ticket_support.py: making a ticket older, climbing
it up the escalation ladder, counting rows
(tests/concurrency.py fires calls at once from several threads).

Time: the services read the real clock and compare it with the ticket's own timestamps, and
the jobs take ``now`` as an argument. So a test never patches a clock: it either moves the
ticket's whole history back in the database (``aged``) — a ticket replied eight days ago is
then exactly what a real one is a week later, and every line of the code runs unpatched — or
runs a job at a simulated ``now`` (``climb``).
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from backend.extensions import db
from backend.tickets import escalation
from backend.tickets.models import Ticket, TicketEvent, TicketPhoto

TICKET_TIMES = (
    "created_at",
    "updated_at",
    "accept_due_at",
    "reply_due_at",
    "escalate_at",
    "escalated_at",
    "accepted_at",
    "replied_at",
    "closed_at",
    "rated_at",
)


def at(iso: str) -> datetime:
    """A timestamp of the API (ISO 8601 with its offset) as an aware datetime."""
    return datetime.fromisoformat(iso)


def aged(ticket_id: int, days: float = 0, hours: float = 0) -> None:
    """Move the ticket's whole history back: every timestamp on it and on its events."""
    delta = timedelta(days=days, hours=hours)
    table = Ticket.__table__
    db.session.execute(
        table.update()
        .where(table.c.id == ticket_id)
        .values({name: table.c[name] - delta for name in TICKET_TIMES})
    )
    events = TicketEvent.__table__
    db.session.execute(
        events.update()
        .where(events.c.ticket_id == ticket_id)
        .values(created_at=events.c.created_at - delta)
    )
    db.session.commit()


def set_times(ticket_id: int, **values) -> None:
    """Set some of the ticket's timestamps (or other columns) as a story needs them."""
    table = Ticket.__table__
    db.session.execute(table.update().where(table.c.id == ticket_id).values(**values))
    db.session.commit()


def climb(ticket: dict, level: int) -> datetime:
    """Run the escalation job over a simulated clock until the (submitted) ticket stands on
    ``level``: first at its accept deadline, then each LINLI_TICKET_ESCALATION_HOURS later.
    Returns the simulated moment of the last run."""
    now = at(ticket["accept_due_at"])
    step = timedelta(hours=current_app.config["TICKET_ESCALATION_HOURS"])
    for rung in range(1, level + 1):
        if rung > 1:
            now += step
        escalation.escalate_overdue(now)
    assert fresh(ticket["id"]).escalation_level == level
    return now


def fresh(ticket_id: int) -> Ticket:
    """The ticket row as it is in the database now."""
    db.session.expire_all()
    return db.session.get(Ticket, ticket_id)


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def ticket_count() -> int:
    return count(Ticket)


def attached_photos() -> int:
    return count(TicketPhoto, TicketPhoto.ticket_id.is_not(None))


def events_of(ticket_id: int, kind: str | None = None) -> int:
    where = [TicketEvent.ticket_id == ticket_id]
    if kind:
        where.append(TicketEvent.kind == kind)
    return count(TicketEvent, *where)
