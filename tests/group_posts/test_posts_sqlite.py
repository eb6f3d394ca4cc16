"""The embedded default (SQLite) queues a post once too: INSERT … ON CONFLICT DO NOTHING."""

from datetime import timedelta

from sqlalchemy import func, select, update

from backend.claims import posts
from backend.claims.models import Claim
from backend.common.clock import utcnow
from backend.extensions import db
from backend.outbox.models import OutboxMessage
from tests import factories


def test_a_waiting_claim_is_queued_once_per_group_on_sqlite(sqlite_app):
    estate = factories.estate()
    factories.group_chat(estate)
    factories.group_chat(estate)
    claim = factories.claim(factories.user(), factories.unit(estate))
    db.session.execute(
        update(Claim).where(Claim.id == claim.id).values(created_at=utcnow() - timedelta(days=5))
    )
    db.session.commit()

    assert posts.post_waiting_claims() == 2
    assert posts.post_waiting_claims() == 0

    count = (
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.topic == posts.WAITING)
    )
    assert db.session.scalar(count) == 2
