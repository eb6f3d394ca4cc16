"""A repair project's stages in the estate's group chats, from the API call that makes each
stage to exactly one message per active group (through the outbox and the fake WeChat
server): proposed, pre-checked (passed or returned), vote opened, authorised (by the vote or
the emergency sign-offs), started, stopped by a budget rise, accepted with its photo, and paid
with the fund chain's hash. An event queued again posts nothing new."""

from sqlalchemy import select

from backend.extensions import db
from backend.funds import events
from backend.funds.models import FundMovement, RepairProjectEvent
from backend.group_chats.audience import active_groups
from backend.outbox import services as outbox
from backend.outbox.models import OutboxMessage
from tests.group_posts.conftest import rows_of, text_of


def _one_each(heard, groups) -> dict[str, list[dict]]:
    """The messages each of the estate's two active groups heard (and no other group)."""
    assert set(heard) == set(groups.addresses())
    return heard


def _words(heard, groups) -> str:
    [message] = heard[f"robot:{groups.robot.address}"]
    [same] = heard[f"appchat:{groups.appchat.address}"]
    words = text_of(message)
    assert text_of(same) == words
    return words


def _event(project_id, action) -> RepairProjectEvent:
    return db.session.scalars(
        select(RepairProjectEvent)
        .where(RepairProjectEvent.project_id == project_id, RepairProjectEvent.action == action)
        .order_by(RepairProjectEvent.id.desc())
    ).first()


def test_a_voted_project_posts_each_stage_once_to_each_group(
    fund, fcast, make, groups_of, send_topic
):
    groups = groups_of(fcast.estate)
    make.group_chat(make.estate())  # another estate hears nothing
    fund.fund_in(50_000)
    estate = fcast.estate.name
    project = fund.draft(budget_fen=3_000_000)
    pid = project["id"]

    fund.step(fcast.chair, pid, "submit")
    words = _words(_one_each(send_topic(events.PROPOSED), groups), groups)
    assert words.startswith(f"【维修项目立项】{estate}“1栋屋面防水维修”")
    assert "预算：¥30,000.00" in words and "承担费用：1栋（2 户）" in words
    assert "业主表决" in words

    fund.step(fcast.township, pid, "precheck_pass", "预算合理，注意施工安全")
    words = _words(_one_each(send_topic(events.PRECHECKED), groups), groups)
    assert words.startswith("【事前指导通过】") and "指导意见：预算合理，注意施工安全" in words
    assert "承担费用的业主表决" in words

    motion = fund.votes.announce(
        fcast.chair, fcast.estate.id, matter="use_maintenance_fund", building_ids=[fcast.b1.id]
    )
    cited = fund.post(fcast.chair, fund.project_url(pid, "/motion"), {"motion_id": motion["id"]})
    assert cited.status_code == 200, cited.json
    words = _words(_one_each(send_topic(events.VOTE_OPENED), groups), groups)
    assert words.startswith("【维修项目表决】") and f"“{motion['title']}”已发起" in words
    assert "1栋（2 户）的业主" in words

    fund.votes.open(motion["id"])
    fund.votes.get(fcast.chair, motion["id"])
    for owner in (fcast.owner, fcast.owner2):
        assert fund.votes.cast(owner, motion["id"], "yes").status_code == 201
    fund.votes.end(motion["id"])
    assert fund.votes.get(fcast.chair, motion["id"]).json["status"] == "closed"
    assert fund.step(fcast.chair, pid, "authorise")["status"] == "authorised"
    words = _words(_one_each(send_topic(events.AUTHORISED), groups), groups)
    assert words.startswith("【维修项目获批】") and f"经业主表决“{motion['title']}”通过" in words
    assert "批准预算：¥30,000.00" in words

    fund.started(project)
    words = _words(_one_each(send_topic(events.STARTED), groups), groups)
    assert words.startswith("【维修项目开工】") and "施工过程照片" in words

    fund.accepted(project)
    heard = _one_each(send_topic(events.ACCEPTED), groups)
    [text, image] = heard[f"robot:{groups.robot.address}"]
    assert text_of(text).startswith("【竣工验收】") and "闭水试验合格" in text_of(text)
    assert "15 天内" in text_of(text) and image["msgtype"] == "image"
    assert [m["msgtype"] for m in heard[f"appchat:{groups.appchat.address}"]] == ["text", "image"]

    paid = fund.pay(pid, 3_000_000)
    assert paid.status_code == 201, paid.json
    movement = db.session.get(FundMovement, paid.json["movement_id"])
    words = _words(_one_each(send_topic(events.PAID), groups), groups)
    assert words.startswith("【维修资金支付】") and "支付 ¥30,000.00" in words
    assert "分摊至 2 户" in words
    assert f"第 {movement.chain_seq} 笔，哈希：{movement.hash}" in words

    # Each stage is one row per active group (the switched-off one and the other estate's get
    # none), whatever else happened.
    for topic in events.TOPICS:
        if topic != events.STOPPED:
            assert {r.group_chat_id for r in rows_of(topic)} == {
                groups.robot.id,
                groups.appchat.id,
            }, topic


def test_a_stage_queued_again_posts_once(fund, fcast, groups_of, send_topic):
    groups = groups_of(fcast.estate)
    project = fund.draft()
    fund.step(fcast.chair, project["id"], "submit")
    event = _event(project["id"], "submit")

    # The event seen again (a retried request, a job run twice): nothing new is queued.
    assert (
        outbox.add_once_for_groups(events.PROPOSED, event.id, active_groups([event.estate_id])) == 0
    )
    db.session.commit()
    assert len(rows_of(events.PROPOSED)) == 2
    heard = send_topic(events.PROPOSED)
    assert {group: len(messages) for group, messages in heard.items()} == {
        address: 1 for address in groups.addresses()
    }


def test_a_returned_precheck_tells_the_comments(fund, fcast, groups_of, send_topic):
    groups = groups_of(fcast.estate)
    project = fund.draft()
    fund.step(fcast.chair, project["id"], "submit")
    fund.step(fcast.township, project["id"], "precheck_return", "报价不足三家，请补充")
    words = _words(send_topic(events.PRECHECKED), groups)
    assert words.startswith("【事前指导退回】") and "指导意见：报价不足三家，请补充" in words

    # Submitted again after the changes: the group is told so, not that it was proposed anew.
    fund.step(fcast.chair, project["id"], "submit")
    words = _words(send_topic(events.PROPOSED), groups)
    assert words.startswith(f"【维修项目重新提交】{fcast.estate.name}“{project['title']}”")
    assert "已按街道指导意见修改，已提交街道事前指导。" in words
    assert "立项" not in words


def test_an_emergency_repair_posts_its_sign_offs_and_a_budget_rise_stops_it(
    fund, fcast, groups_of, send_topic, app
):
    groups = groups_of(fcast.estate)
    fund.fund_in(50_000)
    project = fund.authorised_emergency(category="lift", title="1栋电梯曳引机更换")
    assert project["status"] == "authorised"
    words = _words(send_topic(events.AUTHORISED), groups)
    assert words.startswith(f"【维修项目获批】{fcast.estate.name}“1栋电梯曳引机更换”")
    days = app.config["FUND_EMERGENCY_NOTICE_DAYS"]
    assert "业委会、社区、街道三方签批" in words and f"{days} 日内告知业主" in words

    fund.started(project)
    rise = fund.post(
        fcast.chair,
        fund.project_url(project["id"], "/budget"),
        {"budget_fen": 3_400_000, "reason": "曳引机型号停产，改用新型号"},
    )
    assert rise.status_code == 200, rise.json
    assert rise.json["status"] == "stopped"
    words = _words(send_topic(events.STOPPED), groups)
    assert words.startswith("【维修项目暂停】")
    assert "由 ¥30,000.00 调整为 ¥34,000.00" in words and "上限 ¥33,000.00" in words
    assert "重新应急签批" in words


def test_owners_not_told_of_an_emergency_repair_are_reminded_once_unless_told_meanwhile(
    fund, fcast, groups_of, fake_wechat
):
    from datetime import timedelta

    from backend.funds.models import RepairProject
    from backend.funds.posts import NOTICE_OVERDUE, post_overdue_owner_notices
    from bot.delivery import deliver

    groups = groups_of(fcast.estate)
    untold = fund.prechecked(path="emergency", title="1栋消防水泵更换", category="fire_safety")
    told = fund.prechecked(path="emergency", title="1栋屋面抢修")
    for project in (untold, told):
        for person, kind in (
            (fcast.chair, "committee"),
            (fcast.auditor, "community"),
            (fcast.township, "township"),
        ):
            assert fund.sign(person, project["id"], kind).status_code == 200
    due = db.session.get(RepairProject, untold["id"]).owners_notice_due_on
    assert post_overdue_owner_notices(due + timedelta(days=1)) == 4

    # Told after the reminder was queued, before it went out: its reminder is cancelled.
    fund.post(fcast.chair, fund.project_url(told["id"], "/owners-notice"))
    for row in db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.topic != NOTICE_OVERDUE)
        .order_by(OutboxMessage.id)
    ):
        deliver(row.id)
    before = {m["seq"] for m in fake_wechat.messages()}
    outcomes = sorted((row.subject_id, deliver(row.id)) for row in rows_of(NOTICE_OVERDUE))
    assert outcomes == [(untold["id"], "sent")] * 2 + [(told["id"], "cancelled")] * 2
    heard = {}
    for message in fake_wechat.messages():
        if message["seq"] not in before:
            heard.setdefault(message["group"], []).append(message)
    words = _words(_one_each(heard, groups), groups)
    assert words.startswith(f"【应急维修未按时告知】{fcast.estate.name}“1栋消防水泵更换”")
    assert f"（{due.isoformat()} 前）" in words
