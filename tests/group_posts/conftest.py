"""The group posts' fixtures: an estate's groups (a robot, an app chat, one switched off) next
to another estate's group, and a helper that delivers a topic's rows to the fake server."""

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from backend.extensions import db
from backend.group_chats.models import GroupChat
from backend.outbox.models import OutboxMessage
from bot.delivery import deliver
from bot.wechat import wecom_client
from tests.fund_support import fcast, fund  # noqa: F401  (the fund's cast and API)
from tests.governance_support import gcast  # noqa: F401  (the credit-penalty cast)
from tests.ledger_support import cast, ledger  # noqa: F401  (an estate's ledger people)
from tests.ratings_support import rcast  # noqa: F401  (the credit cast with a chair)
from tests.vote_support import vcast, votes  # noqa: F401  (an estate ready for a vote)


@dataclass
class Groups:
    robot: GroupChat
    appchat: GroupChat
    off: GroupChat

    def addresses(self) -> dict[str, str]:
        """Fake-server group name -> our group, for the two that should hear the estate."""
        return {
            f"robot:{self.robot.address}": "robot",
            f"appchat:{self.appchat.address}": "appchat",
        }


@pytest.fixture
def groups_of(make, fake_wechat):
    """groups_of(estate) -> its robot group, app chat (made on the fake server) and a group
    switched off."""
    client = wecom_client("ww-test", "secret", api_base=fake_wechat.base_url)
    made = iter(range(1, 100))

    def create(estate) -> Groups:
        chat_id = client.appchat.create(
            chat_id=f"postchat{next(made)}{estate.id}",
            name="监督群",
            owner="u1",
            user_list=["u1", "u2"],
        )["chatid"]
        return Groups(
            robot=make.group_chat(estate),
            appchat=make.group_chat(estate, channel="wecom_appchat", address=chat_id),
            off=make.group_chat(estate, active=False),
        )

    return create


def rows_of(topic: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.topic == topic).order_by(OutboxMessage.id)
    ).all()


@pytest.fixture
def send_topic(fake_wechat):
    """send_topic(topic) -> {fake group: [messages]} of ``topic``'s rows, each delivered in
    full; rows of other topics are delivered first (a group hears its rows in order)."""

    def send(topic: str) -> dict[str, list[dict]]:
        db.session.expire_all()
        for row in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.topic != topic).order_by(OutboxMessage.id)
        ).all():
            deliver(row.id)
        before = {m["seq"] for m in fake_wechat.messages()}
        for row in rows_of(topic):
            assert deliver(row.id) == "sent", row.last_error
        heard: dict[str, list[dict]] = {}
        for message in fake_wechat.messages():
            if message["seq"] not in before:
                heard.setdefault(message["group"], []).append(message)
        return heard

    return send


def text_of(message: dict) -> str:
    """The words of a recorded text, markdown or card message."""
    body = message["body"]
    if message["msgtype"] == "template_card":
        card = body["template_card"]
        return card["main_title"]["title"] + "\n" + card.get("sub_title_text", "")
    return body[message["msgtype"]].get("content", "")
