"""The WeCom app channel: vote cards to bound owners through the outbox, and what the fake
WeCom server accepts and shows of them."""

import pytest
from sqlalchemy import select

from backend.accounts import wecom
from backend.extensions import db
from backend.outbox.models import OutboxMessage
from bot.channels import DeliveryRejected
from bot.channels.wecom_app import WecomAppChannel
from bot.delivery import deliver
from tests.bot.wecom_support import bind, replies_to

VOTE_CARD = {
    "type": "vote_card",
    "task_id": "motion-12-u-34",
    "title": "业主表决：续聘安溪物业服务有限公司，服务期三年，物业费标准不变，请业主们慎重表决",
    "description": "凤城花园，截止 2026-12-20 18:00，一人一票，投出后不可更改",
    "question_key": "motion-12",
    "options": [
        {"id": "yes", "text": "赞成"},
        {"id": "no", "text": "反对"},
        {"id": "abstain", "text": "弃权"},
    ],
    "page": "pages/motion/index?id=12",
}


@pytest.fixture
def channel(wecom):
    return WecomAppChannel(wecom, 1000002)


def card_rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.topic == "vote.card").order_by(OutboxMessage.id)
    ).all()


def test_a_vote_card_becomes_a_single_choice_vote_interaction_card(channel):
    [part] = channel.prepare([VOTE_CARD])

    card = part["template_card"]
    assert part["msgtype"] == "template_card"
    assert card["card_type"] == "vote_interaction"
    assert card["task_id"] == "motion-12-u-34"
    assert len(card["main_title"]["title"]) <= 36
    assert card["main_title"]["desc"].startswith("凤城花园")
    assert card["checkbox"] == {
        "question_key": "motion-12",
        "option_list": [
            {"id": "yes", "text": "赞成", "is_checked": False},
            {"id": "no", "text": "反对", "is_checked": False},
            {"id": "abstain", "text": "弃权", "is_checked": False},
        ],
        "mode": 0,
    }
    assert card["submit_button"] == {"text": "提交投票", "key": "submit-motion-12"}


def test_long_text_is_cut_into_numbered_app_messages_within_2048_bytes(channel):
    parts = channel.prepare([{"type": "text", "content": "第一条规定。" * 400}])

    assert len(parts) > 1
    assert all(p["msgtype"] == "text" for p in parts)
    assert all(len(p["text"]["content"].encode()) <= 2048 for p in parts)


def test_the_fake_server_takes_the_card_and_shows_its_options(channel, fake_wechat, http):
    [part] = channel.prepare([VOTE_CARD])

    channel.send("zhangsan", part)

    [message] = fake_wechat.messages("wecom-user:zhangsan")
    assert message["body"]["template_card"]["task_id"] == "motion-12-u-34"
    page = http.get(fake_wechat.base_url + "/").text
    assert "应用消息 → 成员：zhangsan" in page
    for line in ("选项：赞成", "选项：反对", "选项：弃权", "按钮：提交投票", "vote_interaction"):
        assert line in page


@pytest.mark.parametrize(
    "broken",
    [
        {"task_id": "has spaces"},
        {"checkbox": {"question_key": "motion-12", "option_list": []}},
        {"submit_button": {"text": "提交"}},
    ],
    ids=["bad-task-id", "no-options", "button-without-key"],
)
def test_a_malformed_vote_card_is_rejected_for_good(channel, fake_wechat, broken):
    [part] = channel.prepare([VOTE_CARD])
    part["template_card"].update(broken)

    with pytest.raises(DeliveryRejected):
        channel.send("zhangsan", part)

    assert fake_wechat.messages() == []


def test_a_member_outside_the_apps_visible_range_is_a_rejection():
    class Client:
        class message:  # noqa: N801 - mimics wechatpy's API group
            @staticmethod
            def send(agent_id, user, msg):
                return {"errcode": 0, "errmsg": "ok", "invaliduser": user}

    with pytest.raises(DeliveryRejected, match="可见范围"):
        WecomAppChannel(Client(), 1).send("zhangsan", {"msgtype": "text"})


def test_opening_a_vote_sends_each_bound_elector_a_card_that_votes_when_clicked(
    vcast, votes, wecom_server, run_jobs, fake_wechat
):
    bind(vcast.owner, "zhangsan")
    motion = votes.opened(vcast.chair, vcast.estate.id)
    [row] = card_rows()  # owner2 has no WeCom identity: no card

    assert deliver(row.id) == "sent"

    [message] = fake_wechat.messages("wecom-user:zhangsan")
    card = message["body"]["template_card"]
    assert message["body"]["agentid"] == 1000002
    assert card["checkbox"]["question_key"] == f"motion-{motion['id']}"

    wecom_server.click("zhangsan", motion["id"], "yes", task_id=card["task_id"], fixture="single")
    run_jobs()

    assert votes.get(vcast.owner, motion["id"]).json["my_ballot"]["channel"] == "wecom_card"
    assert replies_to(fake_wechat, "zhangsan")[0].startswith("投票成功")


def test_a_card_for_an_owner_who_unbound_meanwhile_is_cancelled(vcast, votes, fake_wechat):
    bind(vcast.owner, "zhangsan")
    votes.opened(vcast.chair, vcast.estate.id)
    [row] = card_rows()
    wecom.unbind(vcast.owner)

    assert deliver(row.id) == "cancelled"

    [row] = card_rows()
    assert (row.status, row.last_error) == ("cancelled", "收件人未绑定企业微信")
    assert fake_wechat.messages() == []
