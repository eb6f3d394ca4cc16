"""Publishing posts the statement and its head hash to the estate's group chats through the
outbox, the bot and the fake WeChat server over HTTP."""

from sqlalchemy import select

from backend.extensions import db
from backend.outbox.models import OutboxMessage
from bot.delivery import deliver
from bot.wechat import wecom_client
from tests.cards import figures_said_twice


def test_publication_reaches_the_group_with_the_full_head_hash(ledger, cast, make, fake_wechat):
    robot = make.group_chat(cast.estate)
    make.group_chat(cast.estate, active=False)
    make.group_chat(make.estate())
    period = ledger.publish_period(cast, "2026-10-01")

    [row] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.group_chat_id.is_not(None))
    ).all()
    assert (row.topic, row.subject_id, row.group_chat_id) == (
        "ledger.published",
        period["id"],
        robot.id,
    )
    assert deliver(row.id) == "sent"

    card, hash_line = fake_wechat.messages(f"robot:{robot.address}")
    body = card["body"]["template_card"]
    assert body["main_title"]["title"] == "2026年10月账目公示"
    assert body["card_action"]["pagepath"] == (
        f"pages/ledger-period/index?estate_id={cast.estate.id}&id={period['id']}"
    )
    fields = {f["keyname"]: f["value"] for f in body["horizontal_content_list"]}
    assert fields == {"收入": "¥3,600.00", "支出": "¥0.00", "期末余额": "¥3,600.00"}
    assert figures_said_twice(body) == []
    text = hash_line["body"]["text"]["content"]
    assert period["head_hash"] in text and "第 1 期" in text


def test_publication_to_an_app_chat_carries_the_hash(ledger, cast, make, fake_wechat):
    client = wecom_client("ww-test", "secret", api_base=fake_wechat.base_url)
    chat_id = client.appchat.create(
        chat_id="ledgerchat1", name="监督群", owner="u1", user_list=["u1", "u2"]
    )["chatid"]
    group = make.group_chat(cast.estate, channel="wecom_appchat", address=chat_id)
    period = ledger.publish_period(cast, "2026-10-01")
    [row] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.group_chat_id.is_not(None))
    ).all()

    assert deliver(row.id) == "sent"

    contents = [
        m["body"].get("markdown", m["body"].get("text", {})).get("content", "")
        for m in fake_wechat.messages(f"appchat:{group.address}")
    ]
    assert any("期末余额：¥3,600.00" in c for c in contents)
    assert any(period["head_hash"] in c for c in contents)
