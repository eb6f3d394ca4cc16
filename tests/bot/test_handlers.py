"""Votes and help by chat, end to end: WeCom posts the callback, an rq worker runs the job,
the ballot lands through the votes service, and the fake WeCom server records the reply."""

from sqlalchemy import select

from backend.access.roles import Role
from backend.extensions import db
from backend.votes.models import Ballot
from tests.bot.wecom_support import bind, replies_to


def ballots(motion_id: int) -> list[Ballot]:
    db.session.expire_all()
    return db.session.scalars(select(Ballot).where(Ballot.motion_id == motion_id)).all()


def test_an_unbound_sender_gets_the_mini_program_link_and_no_ballot(
    vcast, votes, wecom_server, run_jobs, fake_wechat
):
    motion = votes.opened(vcast.chair, vcast.estate.id)

    wecom_server.text("stranger", f"投票 {motion['id']} 赞成")
    run_jobs()

    [reply] = replies_to(fake_wechat, "stranger")
    assert "没有绑定" in reply
    assert f"pages/motion/index?id={motion['id']}" in reply
    assert "绑定" in reply
    assert ballots(motion["id"]) == []


def test_a_bound_owners_text_vote_creates_exactly_one_ballot_by_wecom_text(
    vcast, votes, wecom_server, run_jobs, fake_wechat
):
    motion = votes.opened(vcast.chair, vcast.estate.id)
    bind(vcast.owner, "zhangsan")

    wecom_server.text("zhangsan", f"投票 {motion['id']} 赞成")
    run_jobs()

    [ballot] = ballots(motion["id"])
    assert (ballot.choice, ballot.channel, ballot.cast_by_id) == (
        "yes",
        "wecom_text",
        vcast.owner.id,
    )
    [reply] = replies_to(fake_wechat, "zhangsan")
    assert reply.startswith("投票成功")
    assert "「赞成」" in reply and motion["title"] in reply


def test_a_second_vote_by_chat_is_refused_and_the_first_stands(
    vcast, votes, wecom_server, run_jobs, fake_wechat
):
    motion = votes.opened(vcast.chair, vcast.estate.id)
    bind(vcast.owner, "zhangsan")

    wecom_server.text("zhangsan", f"投票 {motion['id']} 赞成")
    wecom_server.text("zhangsan", f"投票{motion['id']}反对")
    run_jobs()

    [ballot] = ballots(motion["id"])
    assert ballot.choice == "yes"
    first, second = replies_to(fake_wechat, "zhangsan")
    assert first.startswith("投票成功")
    assert second.startswith("投票未成功") and "不可更改" in second


def test_a_card_click_casts_the_chosen_option_by_wecom_card(
    vcast, votes, wecom_server, run_jobs, fake_wechat
):
    motion = votes.opened(vcast.chair, vcast.estate.id)
    bind(vcast.owner, "zhangsan")

    wecom_server.click("zhangsan", motion["id"], "abstain")
    run_jobs()

    [ballot] = ballots(motion["id"])
    assert (ballot.choice, ballot.channel) == ("abstain", "wecom_card")
    assert "「弃权」" in replies_to(fake_wechat, "zhangsan")[0]


def test_a_card_click_with_several_selected_items_reads_the_motions_question(
    vcast, votes, wecom_server, run_jobs
):
    motion = votes.opened(vcast.chair, vcast.estate.id)
    bind(vcast.owner, "zhangsan")

    wecom_server.click("zhangsan", motion["id"], "no", fixture="multiple")
    run_jobs()

    [ballot] = ballots(motion["id"])
    assert (ballot.choice, ballot.channel) == ("no", "wecom_card")


def test_a_card_click_with_an_unknown_option_casts_nothing_and_says_so(
    vcast, votes, wecom_server, run_jobs, fake_wechat
):
    motion = votes.opened(vcast.chair, vcast.estate.id)
    bind(vcast.owner, "zhangsan")

    wecom_server.click("zhangsan", motion["id"], "maybe")
    run_jobs()

    assert ballots(motion["id"]) == []
    assert "未能识别" in replies_to(fake_wechat, "zhangsan")[0]


def test_an_unbound_card_click_casts_nothing(vcast, votes, wecom_server, run_jobs, fake_wechat):
    motion = votes.opened(vcast.chair, vcast.estate.id)

    wecom_server.click("stranger", motion["id"], "yes")
    run_jobs()

    assert ballots(motion["id"]) == []
    assert "没有绑定" in replies_to(fake_wechat, "stranger")[0]


def test_a_vote_after_voting_closed_gets_the_not_open_reply(
    vcast, votes, wecom_server, run_jobs, fake_wechat
):
    motion = votes.opened(vcast.chair, vcast.estate.id)
    bind(vcast.owner, "zhangsan")
    votes.end(motion["id"])

    wecom_server.text("zhangsan", f"投票 {motion['id']} 赞成")
    run_jobs()

    assert ballots(motion["id"]) == []
    [reply] = replies_to(fake_wechat, "zhangsan")
    assert reply == "投票未成功：投票已结束，不能再投票"


def test_a_vote_before_voting_opens_gets_the_not_open_reply(
    vcast, votes, wecom_server, run_jobs, fake_wechat
):
    motion = votes.announce(vcast.chair, vcast.estate.id)
    bind(vcast.owner, "zhangsan")

    wecom_server.text("zhangsan", f"投票 {motion['id']} 赞成")
    run_jobs()

    assert ballots(motion["id"]) == []
    assert "尚未开始" in replies_to(fake_wechat, "zhangsan")[0]


def test_a_bound_owner_of_another_estate_is_told_the_motion_is_not_theirs(
    vcast, votes, wecom_server, run_jobs, fake_wechat
):
    motion = votes.opened(vcast.chair, vcast.estate.id)
    bind(vcast.outsider, "chenchen")

    wecom_server.text("chenchen", f"投票 {motion['id']} 赞成")
    run_jobs()

    assert ballots(motion["id"]) == []
    assert f"没有找到第 {motion['id']} 号表决" in replies_to(fake_wechat, "chenchen")[0]


def test_an_owner_verified_after_voting_opened_is_not_eligible(
    make, vcast, votes, wecom_server, run_jobs, fake_wechat
):
    motion = votes.opened(vcast.chair, vcast.estate.id)
    latecomer = make.member(Role.OWNER, make.unit(vcast.estate))
    bind(latecomer, "wangwu")

    wecom_server.text("wangwu", f"投票 {motion['id']} 赞成")
    run_jobs()

    assert ballots(motion["id"]) == []
    assert "不是本小区的认证业主" in replies_to(fake_wechat, "wangwu")[0]


def test_an_unknown_text_or_a_picture_gets_the_help(wecom_server, run_jobs, fake_wechat):
    wecom_server.text("zhangsan", "你好")
    wecom_server.send("image_message", sender="zhangsan")
    run_jobs()

    replies = replies_to(fake_wechat, "zhangsan")
    assert len(replies) == 2
    assert all("投票 表决编号 赞成" in reply for reply in replies)


def test_a_reply_that_wecom_refuses_is_logged_and_the_vote_still_counts(
    vcast, votes, wecom_server, run_jobs, fake_wechat, caplog
):
    motion = votes.opened(vcast.chair, vcast.estate.id)
    bind(vcast.owner, "zhangsan")
    fake_wechat.inject("http_500", 1, paths=["/cgi-bin/message/send"])

    wecom_server.text("zhangsan", f"投票 {motion['id']} 赞成")
    run_jobs()

    assert len(ballots(motion["id"])) == 1
    assert replies_to(fake_wechat, "zhangsan") == []
    assert "reply to WeCom member zhangsan failed" in caplog.text
