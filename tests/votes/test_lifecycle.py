"""A motion's life through the scheduler's sweep and its group-chat posts: announced, voting
open, a reminder a day before closing, turnout, quorum reached, the result with its figures,
each posted once, delivered over HTTP to the fake WeChat server."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.accounts.models import WecomBinding
from backend.common.clock import as_utc, utcnow
from backend.extensions import db
from backend.jobs.schedule import resolve
from backend.outbox.models import OutboxMessage
from backend.votes import lifecycle
from backend.votes.models import Motion, MotionPost
from bot import messages
from bot.delivery import deliver
from tests.cards import figures_said_twice
from tests.vote_support import motion_row, shift


def topics() -> list[str]:
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage.topic).order_by(OutboxMessage.id)).all()


def deliver_all() -> None:
    for row_id in db.session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.status == "pending").order_by(OutboxMessage.id)
    ).all():
        assert deliver(row_id) == "sent"


def group_texts(fake_wechat, robot) -> list[str]:
    """Every message in the group as one string (card titles, descriptions and texts)."""
    return [str(m["body"]) for m in fake_wechat.messages(f"robot:{robot.address}")]


def test_the_sweep_opens_reminds_and_closes_each_once(vcast, votes, make, fake_wechat):
    robot = make.group_chat(vcast.estate)
    motion = votes.announce(vcast.chair, vcast.estate.id, days_open=3)
    opens_at = as_utc(motion_row(motion["id"]).opens_at)

    assert lifecycle.sweep(opens_at - timedelta(seconds=1)) == 0
    lifecycle.sweep(opens_at)
    lifecycle.sweep(opens_at + timedelta(minutes=1))
    assert motion_row(motion["id"]).status == "open"
    assert topics() == ["vote.announced", "vote.opened"]

    closes_at = as_utc(motion_row(motion["id"]).closes_at)
    lifecycle.sweep(closes_at - timedelta(hours=23))
    lifecycle.sweep(closes_at - timedelta(hours=22))
    assert topics().count("vote.closing") == 1

    lifecycle.sweep(closes_at)
    lifecycle.sweep(closes_at + timedelta(minutes=5))
    row = motion_row(motion["id"])
    assert row.status == "closed" and row.quorum_met is False
    assert topics() == ["vote.announced", "vote.opened", "vote.closing", "vote.result"]

    deliver_all()
    texts = group_texts(fake_wechat, robot)
    assert "业主表决公告" in texts[0] and "续聘安溪物业服务有限公司" in texts[0]
    assert "投票开始" in texts[1] and "2 人" in texts[1] and "200.00 ㎡" in texts[1]
    assert "投票提醒" in texts[2] and "已参与 0/2 人" in texts[2]
    assert "未达到法定参与比例" in texts[3]


def test_the_result_is_posted_with_its_figures(vcast, votes, make, fake_wechat):
    robot = make.group_chat(vcast.estate)
    motion = votes.opened(vcast.chair, vcast.estate.id)
    votes.cast(vcast.owner, motion["id"], "yes")
    votes.cast(vcast.owner2, motion["id"], "yes")
    votes.end(motion["id"])
    votes.get(vcast.owner, motion["id"])  # a read finds it late and closes it

    deliver_all()
    result_card, result_text = fake_wechat.messages(f"robot:{robot.address}")[-2:]
    card = result_card["body"]["template_card"]
    assert card["main_title"]["title"].endswith("：通过")
    assert card["card_action"]["pagepath"] == f"pages/motion-result/index?id={motion['id']}"
    text = result_text["body"]["text"]["content"]
    assert "参与表决（占全体）：2 人（100.00%），200.00 ㎡（100.00%）" in text
    assert "赞成（占参与）：2 人（100.00%）" in text
    assert "反对（占参与）：0 人" in text
    cards = [
        m["body"]["template_card"]
        for m in fake_wechat.messages(f"robot:{robot.address}")
        if m["msgtype"] == "template_card"
    ]
    assert len(cards) >= 2  # the opening and the result
    assert [figures_said_twice(c) for c in cards] == [[]] * len(cards)


def test_turnout_is_posted_once_a_day_while_open_and_never_reveals_choices(
    vcast, votes, make, fake_wechat
):
    robot = make.group_chat(vcast.estate)
    motion = votes.opened(vcast.chair, vcast.estate.id)
    votes.cast(vcast.owner, motion["id"], "no")

    now = utcnow()
    assert lifecycle.daily_turnout(now) == 1
    assert lifecycle.daily_turnout(now + timedelta(minutes=1)) == 0
    assert lifecycle.daily_turnout(now + timedelta(days=1)) == 1

    deliver_all()
    turnout = [t for t in group_texts(fake_wechat, robot) if "投票进度" in t]
    assert len(turnout) == 2
    assert "已参与 1/2 人（50.00%），面积 100.00 ㎡/200.00 ㎡（50.00%）" in turnout[0]
    assert "反对" not in turnout[0] and "赞成" not in turnout[0]


def test_the_quorum_is_announced_once_when_reached(vcast, votes, make):
    make.group_chat(vcast.estate)
    motion = votes.opened(vcast.chair, vcast.estate.id)
    votes.cast(vcast.owner, motion["id"], "yes")
    lifecycle.sweep()
    assert "vote.quorum" not in topics()  # 1 of 2 is not two thirds

    votes.cast(vcast.owner2, motion["id"], "no")
    lifecycle.sweep()
    lifecycle.sweep()
    assert topics().count("vote.quorum") == 1
    post = db.session.scalar(select(MotionPost).where(MotionPost.kind == "quorum"))
    assert post.figures["owners_voted"] == 2


def test_bound_owners_get_a_vote_card_when_voting_opens(vcast, votes):
    db.session.add(WecomBinding(user_id=vcast.owner.id, wecom_userid="zhangsanfeng"))
    db.session.add(WecomBinding(user_id=vcast.owner2.id, code_hash="0" * 64))  # pending only
    db.session.commit()

    motion = votes.opened(vcast.chair, vcast.estate.id)

    cards = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.topic == "vote.card")
    ).all()
    assert [c.recipient_id for c in cards] == [vcast.owner.id]
    [card] = messages.render("vote.card", cards[0].subject_id)
    assert card["type"] == "vote_card"
    assert card["question_key"] == f"motion-{motion['id']}"
    assert [o["id"] for o in card["options"]] == ["yes", "no", "abstain"]


def test_a_cancelled_motion_never_opens(vcast, votes, client, auth):
    motion = votes.announce(vcast.chair, vcast.estate.id)
    client.post(
        f"/api/v1/motions/{motion['id']}/cancel", json={"reason": "改期"}, headers=auth(vcast.chair)
    )
    shift(motion["id"], -timedelta(days=30))

    lifecycle.sweep()

    assert motion_row(motion["id"]).status == "cancelled"
    assert motion_row(motion["id"]).owners_total is None


def test_the_scheduled_jobs_run_the_sweep(vcast, votes):
    motion = votes.announce(vcast.chair, vcast.estate.id)
    votes.open(motion["id"])

    assert resolve("backend.votes.jobs.advance_motions_job")() == 1
    assert motion_row(motion["id"]).status == "open"


@pytest.mark.committing("another connection holds the motion locked while a thread reads it")
def test_a_read_does_not_wait_while_another_process_opens_the_motion(vcast, votes, app, auth):
    motion = votes.announce(vcast.chair, vcast.estate.id)
    votes.open(motion["id"])
    url, headers = f"/api/v1/motions/{motion['id']}", auth(vcast.owner)
    answers = []
    with db.engine.connect() as other:  # the scheduler, halfway through a long snapshot
        other.execute(select(Motion).where(Motion.id == motion["id"]).with_for_update())
        reader = threading.Thread(
            target=lambda: answers.append(app.test_client().get(url, headers=headers).get_json())
        )
        reader.start()
        reader.join(10)
        finished_while_locked = not reader.is_alive()
        other.rollback()
    reader.join(10)

    assert finished_while_locked
    assert answers[0]["status"] == "announced"  # as it stands; the scheduler opens it
    assert votes.get(vcast.owner, motion["id"]).get_json()["status"] == "open"
