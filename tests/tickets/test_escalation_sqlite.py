"""The escalation job on SQLite, the embedded default (UPDATE … RETURNING needs SQLite 3.35):
the same ladder, notes, digests and messages as on PostgreSQL, on a schema built by the
migrations."""

import sqlite3
from datetime import UTC, datetime, timedelta

from backend.access.roles import Role
from backend.extensions import db
from backend.outbox.models import OutboxMessage
from backend.tickets import escalation
from backend.tickets.models import Ticket, TicketDigest, TicketEvent
from tests import factories

START = datetime(2030, 3, 4, 2, 0, tzinfo=UTC)


def test_the_ladder_on_sqlite(sqlite_app):
    assert sqlite3.sqlite_version_info >= (3, 35)
    estate = factories.estate()
    group = factories.group_chat(estate)
    chair = factories.member(Role.COMMITTEE_CHAIR, estate)
    factories.consent(chair, count=2)
    submitted = factories.raw_ticket(estate, START, status="submitted")
    accepted = factories.raw_ticket(estate, START, status="accepted")
    for ticket in (submitted, accepted):
        ticket.escalate_at = ticket.deadline
    db.session.commit()
    step = timedelta(hours=sqlite_app.config["TICKET_ESCALATION_HOURS"])
    now = accepted.reply_due_at

    assert escalation.escalate_overdue(now - timedelta(minutes=1)) == 1  # submitted only
    assert escalation.escalate_overdue(now) == 1
    assert escalation.escalate_overdue(now) == 0
    for _ in range(3):
        now += step
        assert escalation.escalate_overdue(now) == 2
    assert escalation.escalate_overdue(now + timedelta(days=30)) == 0

    db.session.expire_all()
    for ticket in (submitted, accepted):
        row = db.session.get(Ticket, ticket.id)
        assert (row.escalation_level, row.escalate_at, row.missed_deadline) == (4, None, True)
    notes = db.session.scalars(
        db.select(TicketEvent.note)
        .where(TicketEvent.ticket_id == submitted.id, TicketEvent.kind == "escalated")
        .order_by(TicketEvent.escalation_level)
    ).all()
    assert notes == [
        f"超过受理时限，升级至{label}督办"
        for label in ("业委会", "社区", "街道（乡镇）", "县住建局")
    ]
    digests = db.session.scalars(db.select(TicketDigest).order_by(TicketDigest.id)).all()
    assert [len(d.figures["tickets"]) for d in digests] == [1, 1, 2, 2, 2]
    groups = db.session.scalars(
        db.select(OutboxMessage.group_chat_id).where(OutboxMessage.topic == "ticket.escalations")
    ).all()
    assert groups == [group.id] * 5
    personal = db.session.scalars(
        db.select(OutboxMessage.recipient_id).where(OutboxMessage.topic == "ticket.escalated")
    ).all()
    assert personal == [chair.id, chair.id]  # each ticket reached the committee in its own run
    db.session.remove()
