"""Every group post in both renderings: cards and markdown for internal groups, only text,
images and news (linking a mini-program URL Link) for external groups, whose owners read on
personal WeChat. The scene holds one subject of every group topic in bot.messages.TOPICS, so
a new post that the scene does not cover fails here until it is shown to render both ways."""

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from backend.extensions import db
from backend.funds import events as fund_events
from backend.funds.models import RepairProjectEvent
from backend.funds.posts import NOTICE_OVERDUE
from backend.governance.credit import services as credit
from backend.governance.problems import services as problems
from backend.governance.ratings import services as ratings
from backend.group_chats.models import GroupProfile
from backend.ledger import posts as ledger_posts
from backend.ledger import questions
from backend.notices import services as notices
from backend.outbox import group_checks
from backend.outbox import services as outbox
from backend.tickets.models import TicketDigest
from backend.votes.models import MotionPost
from bot import delivery, messages, subscribe_messages
from bot.channels import channels
from bot.channels.robot import EXTERNAL_MSGTYPES
from bot.delivery import RetryLater, deliver
from bot.fakewechat.api import miniprogram_pages
from bot.vote_messages import RENDERERS
from tests.group_posts.conftest import rows_of
from tests.ledger_support import png_bytes
from tests.meeting_support import decided, hold
from tests.ratings_support import YEAR, manual_sheet, split
from tests.register_support import term

# Sent to one person (subscribe message, WeCom app card), never to a group.
PERSONAL_TOPICS = {"ticket.escalated", "ticket.assigned", "vote.card", *subscribe_messages.TOPICS}
NEUTRAL_TYPES = {"text", "card", "image", "markdown"}


@pytest.fixture
def every_post(gcast, rcast, cast, ledger, vcast, votes, make, fund, fcast) -> dict[str, int]:
    """Group topic -> the id of a subject its renderer posts about (as its event left it)."""
    subjects: dict[str, int] = {}
    notice = notices.publish(vcast.chair, "estate", vcast.estate.id, "停水通知", "明天停水。")
    subjects["notice.published"] = notice.id
    gone = notices.publish(vcast.chair, "estate", vcast.estate.id, "停电通知", "后天停电。")
    subjects["notice.withdrawn"] = notices.withdraw(vcast.chair, gone.id, "时间有变").id

    period = ledger.publish_period(cast, "2026-10-01")
    subjects["ledger.published"] = period["id"]
    answered = questions.ask(cast.owner, cast.estate.id, period["id"], "停车收入为何变少？")
    questions.answer(cast.chair, cast.estate.id, answered.id, "9月有一笔重复记账。")
    subjects[ledger_posts.QUESTION_ANSWERED] = answered.id
    waiting = questions.ask(cast.owner, cast.estate.id, period["id"], "广告合同在哪看？")
    subjects[ledger_posts.QUESTION_OVERDUE] = waiting.id
    subjects[ledger_posts.LATE] = ledger.open_period(cast.manager, "2026-11-01")["id"]

    now = datetime.now(UTC)
    for topic, kind, figures in (
        (
            "ticket.escalations",
            "escalation",
            {
                "tickets": [
                    {
                        "ticket_id": 7,
                        "category": "消防安全",
                        "late_for": "受理",
                        "level_label": "社区",
                    }
                ]
            },
        ),
        ("ticket.weekly", "weekly", {"new": 3, "closed": 2, "overdue": 1, "average_rating": 4.5}),
    ):
        digest = TicketDigest(
            estate_id=cast.estate.id,
            kind=kind,
            period_start=now - timedelta(days=7),
            period_end=now,
            figures=figures,
        )
        db.session.add(digest)
        db.session.flush()
        subjects[topic] = digest.id

    motion = votes.opened(vcast.chair, vcast.estate.id)
    assert votes.cast(vcast.owner, motion["id"]).status_code == 201
    votes.end(motion["id"])
    votes.get(vcast.chair, motion["id"])  # the read tallies it
    figures = {"owners_voted": 1, "owners_total": 2, "area_voted_dm2": 10_000}
    figures["area_total_dm2"] = 20_000
    for kind in RENDERERS:
        post = MotionPost(motion_id=motion["id"], kind=kind, key=f"scene-{kind}", figures=figures)
        db.session.add(post)
        db.session.flush()
        subjects[f"vote.{kind}"] = post.id

    subjects["register.reelection"] = term(gcast.township_a, gcast.estate_a).id

    problem = problems.create_problem(
        gcast.auditor_a,
        {
            "estate_id": gcast.estate_a.id,
            "category": "fire_safety",
            "title": "消防通道堵塞",
            "description": "3 号楼消防通道堆放杂物",
            "plan": "清理杂物",
            "deadline": date.today() + timedelta(days=14),
        },
    )
    problems.close_out(gcast.township_a, problem.id, "杂物已清理", [("a.png", png_bytes())])
    subjects["problem.closed_out"] = problem.id
    meeting = hold(
        gcast.auditor_a,
        gcast.estate_a.community,
        items=[decided("楼道杂物清理", estate_id=gcast.estate_a.id)],
    )
    subjects["meeting.decisions"] = meeting.items[0].id
    manual_sheet(rcast.county_officer)
    ratings.score(rcast.township_a, rcast.estate_a.id, YEAR, split(75), submit=True)
    subjects["rating.confirmed"] = ratings.confirm(rcast.county_officer, rcast.estate_a.id, YEAR).id
    penalty = credit.record_penalty(
        gcast.county_officer,
        gcast.company.id,
        {
            "kind": "deduction",
            "points": 5,
            "reason": "电梯三日未修",
            "decided_on": date(2026, 3, 2),
        },
    )
    subjects["credit.penalty"] = penalty.id
    subjects["claim.waiting"] = make.claim(make.user(), make.unit(cast.estate, number="302")).id
    subjects.update(_repair_project_posts(fund, fcast))
    tested = make.group_chat(cast.estate)
    subjects[group_checks.TEST_TOPIC] = group_checks.send_test_message(cast.chair, tested.id).id
    db.session.commit()
    return subjects


def _repair_project_posts(fund, fcast) -> dict[str, int]:
    """A repair project voted, started, accepted and paid: its events are the subjects of the
    fund's stage posts (a stop after a budget rise is one more event of the same project)."""
    fund.fund_in()
    project = fund.authorised_by_vote()
    fund.accepted(fund.started(project))
    pid = project["id"]
    assert fund.pay(pid).status_code == 201

    def latest(action: str) -> int:
        return db.session.scalars(
            select(RepairProjectEvent.id)
            .where(RepairProjectEvent.project_id == pid, RepairProjectEvent.action == action)
            .order_by(RepairProjectEvent.id.desc())
        ).first()

    stop = RepairProjectEvent(
        estate_id=fcast.estate.id,
        project_id=pid,
        action="stop",
        to_status="stopped",
        actor_id=fcast.chair.id,
        actor_role="committee",
        data={"from_fen": 3_000_000, "to_fen": 3_600_000, "limit_fen": 3_300_000},
    )
    db.session.add(stop)
    db.session.flush()
    return {
        fund_events.PROPOSED: latest("submit"),
        fund_events.PRECHECKED: latest("precheck_pass"),
        fund_events.VOTE_OPENED: latest("cite_motion"),
        fund_events.AUTHORISED: latest("authorise"),
        fund_events.STARTED: latest("start"),
        fund_events.STOPPED: stop.id,
        fund_events.ACCEPTED: latest("accept"),
        fund_events.PAID: latest("pay"),
        NOTICE_OVERDUE: pid,
    }


def test_the_scene_holds_every_group_post(every_post):
    # A topic added to bot.messages without a subject here fails: add it to the scene.
    assert set(every_post) == set(messages.TOPICS) - PERSONAL_TOPICS


def test_every_group_post_renders_for_internal_and_external_groups(app, every_post):
    robot = channels(current_app)["wecom_robot"]
    for topic, subject_id in every_post.items():
        built = messages.render(topic, subject_id)
        assert built, topic
        assert {m["type"] for m in built} <= NEUTRAL_TYPES, topic
        internal = robot.prepare(built, GroupProfile.INTERNAL)
        external = robot.prepare(built, GroupProfile.EXTERNAL)
        assert {p["msgtype"] for p in external} <= EXTERNAL_MSGTYPES, topic
        cards = [m for m in built if m["type"] == "card"]
        assert sum(p["msgtype"] == "template_card" for p in internal) == len(cards), topic
        # Each card is a news article for external groups; each text is sent whole, and
        # followed by an article opening its page when it names one.
        news = [p["news"]["articles"][0] for p in external if p["msgtype"] == "news"]
        assert len(news) == sum(bool(m.get("page")) for m in built), topic
        assert all(a["url"].startswith("https://wxaurl.cn/") for a in news), topic
        titles = {a["title"] for a in news}
        assert {c["title"] for c in cards} <= titles, topic
        words = "".join(p["text"]["content"] for p in external if p["msgtype"] == "text")
        assert all(m["content"] in words for m in built if m["type"] == "text"), topic
        images = sum(m["type"] == "image" for m in built)
        assert sum(p["msgtype"] == "image" for p in external) == images, topic


class Unlimited:
    def acquire(self, destination: str) -> float:
        return 0.0


def test_no_external_group_is_ever_sent_a_type_its_members_cannot_see(
    app, every_post, make, fake_wechat, monkeypatch
):
    # One group hears more than a robot's minute of messages here; the limit has its tests.
    monkeypatch.setattr(delivery, "_limiter", lambda app=None: Unlimited())
    estate = make.estate()
    external = make.group_chat(estate, profile=GroupProfile.EXTERNAL)
    internal = make.group_chat(estate)
    for topic, subject_id in every_post.items():
        outbox.add_for_groups(topic, subject_id, [external, internal])
    db.session.commit()
    for topic in every_post:
        for row in rows_of(topic):
            assert deliver(row.id) == "sent", (topic, row.last_error)

    heard = fake_wechat.messages(f"robot:{external.address}")
    assert {m["msgtype"] for m in heard} <= EXTERNAL_MSGTYPES
    assert len(heard) >= len(every_post)
    # Every page a post names is opened by a news article's URL Link, query and all.
    named = sorted(
        m["page"]
        for topic, subject_id in every_post.items()
        for m in messages.render(topic, subject_id)
        if m.get("page")
    )
    store = fake_wechat.app.extensions["fakewechat"]
    links = [
        store.url_link(m["body"]["news"]["articles"][0]["url"])
        for m in heard
        if m["msgtype"] == "news"
    ]
    assert sorted(f"{link['path']}?{link['query']}" for link in links) == named
    assert {link["path"] for link in links} <= miniprogram_pages()
    sent_inside = {m["msgtype"] for m in fake_wechat.messages(f"robot:{internal.address}")}
    assert "template_card" in sent_inside  # internal groups keep their cards


def test_a_post_whose_link_cannot_be_made_still_goes_out_naming_its_page(
    app,
    vcast,
    make,
    fake_wechat,
):
    group = make.group_chat(vcast.estate, profile=GroupProfile.EXTERNAL)
    fake_wechat.inject("http_500", count=5, paths=["/wxa/generate_urllink"])
    notices.publish(vcast.chair, "estate", vcast.estate.id, "停水通知", "明天 9 点停水。")
    [row] = rows_of("notice.published")

    assert deliver(row.id) == "sent", row.last_error
    [text] = fake_wechat.messages(f"robot:{group.address}")
    assert text["msgtype"] == "text"
    words = text["body"]["text"]["content"]
    assert words.startswith("停水通知\n明天 9 点停水。")
    assert words.endswith("请在微信中打开「邻里」小程序的“公告详情”页面查看。")


def test_a_post_rendered_for_wecom_members_is_rendered_anew_once_the_group_is_external(
    app, vcast, make, fake_wechat
):
    group = make.group_chat(vcast.estate)
    notices.publish(vcast.chair, "estate", vcast.estate.id, "停水通知", "明天 9 点停水。")
    [row] = rows_of("notice.published")
    fake_wechat.inject("http_500", paths=["/cgi-bin/webhook/send"])
    with pytest.raises(RetryLater):
        deliver(row.id)
    [row] = rows_of("notice.published")
    assert [part["msgtype"] for part in row.payload] == ["template_card"]

    group.profile = GroupProfile.EXTERNAL  # owners joined before the retry
    db.session.commit()
    assert deliver(row.id) == "sent"

    [news] = fake_wechat.messages(f"robot:{group.address}")
    assert news["msgtype"] == "news"
    assert news["body"]["news"]["articles"][0]["title"] == "停水通知"
