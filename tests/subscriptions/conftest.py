"""Subscribe consents as the mini-program posts them, and the personal rows they allow,
delivered to the fake WeChat server."""

import pytest
from sqlalchemy import select

from backend.extensions import db
from backend.outbox.models import OutboxMessage
from backend.subscriptions.models import SubscribeConsent
from bot.delivery import deliver
from tests.ledger_support import cast, ledger  # noqa: F401
from tests.ticket_support import tcast, tickets  # noqa: F401
from tests.vote_support import vcast, votes  # noqa: F401

# The demo defaults of config/settings.py, which the tests run with.
TEMPLATES = {
    "ticket_replied": "demo-ticket-replied",
    "ticket_escalated": "demo-ticket-escalated",
    "question_answered": "demo-question-answered",
    "motion_opened": "demo-motion-opened",
    "motion_result": "demo-motion-result",
    "period_returned": "demo-period-returned",
    "period_progress": "demo-period-progress",
    "owner_asked": "demo-owner-asked",
}


@pytest.fixture
def consent(client, auth):
    """consent(person, moment, accept=(kinds…), **answers) posts WeChat's answer as the
    mini-program does and returns the response."""

    def post(person, moment, accept=(), **answers):
        body = {TEMPLATES[kind]: "accept" for kind in accept}
        body |= {TEMPLATES[kind]: answer for kind, answer in answers.items()}
        return client.post(
            "/api/v1/subscriptions",
            json={"moment": moment, "answers": body},
            headers=auth(person),
        )

    return post


def remaining(person, kind: str) -> int:
    db.session.expire_all()
    return (
        db.session.scalar(
            select(SubscribeConsent.remaining).where(
                SubscribeConsent.user_id == person.id,
                SubscribeConsent.template_id == TEMPLATES[kind],
            )
        )
        or 0
    )


def personal_rows(kind: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.topic == f"subscribe.{kind}")
        .order_by(OutboxMessage.id)
    ).all()


def send(kind: str) -> list[str]:
    """Deliver every row of ``kind``; returns what happened to each."""
    return [deliver(row.id) for row in personal_rows(kind)]


def received(fake_wechat, person) -> list[dict]:
    """The subscribe messages the fake server got for ``person`` (their request bodies)."""
    return [m["body"] for m in fake_wechat.messages(f"subscribe:{person.openid}")]
