"""The embedded default (SQLite, migrated) records consents and spends them the same way:
INSERT … ON CONFLICT DO NOTHING, then UPDATE … RETURNING (SQLite 3.35+)."""

from sqlalchemy import select

from backend.extensions import db
from backend.outbox.models import OutboxMessage
from backend.subscriptions import services as subscriptions
from backend.subscriptions.models import SubscribeConsent
from tests import factories


def test_consents_are_recorded_and_spent_once_each_on_sqlite(sqlite_app):
    estate = factories.estate()
    owner, other = factories.user(), factories.user()
    answers = {"demo-ticket-replied": "accept", "demo-ticket-escalated": "ban"}
    subscriptions.record_answers(owner, "ticket_reported", answers)
    subscriptions.record_answers(owner, "ticket_reported", {"demo-ticket-replied": "accept"})

    outcome = subscriptions.reach(
        "ticket_replied",
        [
            (1, owner.id, estate.id),
            (2, owner.id, estate.id),
            (3, owner.id, estate.id),
            (1, other.id, estate.id),
        ],
    )
    db.session.commit()

    assert outcome == {"queued": 2, "dropped": 2}
    consent = db.session.scalar(
        select(SubscribeConsent).where(SubscribeConsent.template_id == "demo-ticket-replied")
    )
    assert consent.remaining == 0
    rows = db.session.execute(
        select(OutboxMessage.subject_id, OutboxMessage.recipient_id, OutboxMessage.status).order_by(
            OutboxMessage.id
        )
    ).all()
    assert [tuple(r) for r in rows] == [
        (1, owner.id, "pending"),
        (2, owner.id, "pending"),
        (3, owner.id, "cancelled"),
        (1, other.id, "cancelled"),
    ]
    assert subscriptions.moments_for(owner)["ticket_reported"] == ["demo-ticket-replied"]
    # The same event again reaches no one twice.
    assert subscriptions.reach("ticket_replied", [(1, owner.id, estate.id)]) == {
        "queued": 0,
        "dropped": 0,
    }
