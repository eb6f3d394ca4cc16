"""The ticket tally: each estate's tickets per status and category (``TicketTally``), kept by
triggers on ``ticket``, read for a list's total, and rebuilt after a load that bypassed them."""

from sqlalchemy import delete, func, insert, select, text

from backend.extensions import db
from backend.tickets.models import Ticket, TicketTally


def total(estate_id: int, status=None, category: str | None = None):
    """A scalar subquery: how many of the estate's tickets are in ``status`` (any of them; all
    when empty) and ``category`` (all when empty)."""
    query = select(func.coalesce(func.sum(TicketTally.tickets), 0)).where(
        TicketTally.estate_id == estate_id
    )
    if status:
        query = query.where(TicketTally.status.in_(status))
    if category:
        query = query.where(TicketTally.category == category)
    return query.scalar_subquery()


def live() -> dict[tuple[int, str, str], int]:
    """Every (estate, status, category) counted from the tickets themselves."""
    rows = db.session.execute(
        select(Ticket.estate_id, Ticket.status, Ticket.category, func.count()).group_by(
            Ticket.estate_id, Ticket.status, Ticket.category
        )
    ).all()
    return {(e, s, c): n for e, s, c, n in rows}


def kept() -> dict[tuple[int, str, str], int]:
    """Every (estate, status, category) as the tally holds it (rows at 0 left out)."""
    rows = db.session.execute(
        select(
            TicketTally.estate_id, TicketTally.status, TicketTally.category, TicketTally.tickets
        ).where(TicketTally.tickets != 0)
    ).all()
    return {(e, s, c): n for e, s, c, n in rows}


def rebuild() -> None:
    """Count the tally again from the tickets, in the caller's transaction (after a bulk load
    with triggers off). On PostgreSQL writers of tickets wait until it commits."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("LOCK TABLE ticket IN SHARE ROW EXCLUSIVE MODE"))
    db.session.execute(delete(TicketTally))
    db.session.execute(
        insert(TicketTally).from_select(
            ["estate_id", "status", "category", "tickets"],
            select(Ticket.estate_id, Ticket.status, Ticket.category, func.count()).group_by(
                Ticket.estate_id, Ticket.status, Ticket.category
            ),
        )
    )
