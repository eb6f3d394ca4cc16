"""Each subscribe message from its event to exactly one message, and only to people who
consented: the consent is spent, and without one the message falls back to the estate's
group (a public fact) or is dropped with the reason recorded (a private one)."""

from sqlalchemy import select

from backend.extensions import db
from backend.ledger import posts, questions
from backend.outbox.models import OutboxMessage
from backend.subscriptions import services as subscriptions
from backend.tickets import escalation
from tests.subscriptions.conftest import personal_rows, received, remaining, send
from tests.tickets.helpers import at


def group_rows(topic: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.topic == topic, OutboxMessage.group_chat_id.is_not(None)
        )
    ).all()


# -- question answered (to the asker) ------------------------------------------------------


def test_an_answer_reaches_only_the_asker_who_consented_and_spends_the_consent(
    ledger, cast, make, consent, fake_wechat
):
    period = ledger.publish_period(cast, "2026-10-01")
    other = make.member(cast.owner.memberships[0].role, make.unit(cast.estate))
    assert consent(cast.owner, "question_asked", accept=["question_answered"]).status_code == 200
    mine = questions.ask(cast.owner, cast.estate.id, period["id"], "停车收入为何减少？")
    theirs = questions.ask(other, cast.estate.id, period["id"], "广告收入在哪？")

    questions.answer(cast.chair, cast.estate.id, mine.id, "有一笔重复记账，已冲销。")
    questions.answer(cast.chair, cast.estate.id, theirs.id, "见第 3 笔分录。")

    assert send("question_answered") == ["sent", "cancelled"]
    [message] = received(fake_wechat, cast.owner)
    assert message["template_id"] == "demo-question-answered"
    assert message["data"]["thing1"]["value"] == "您对2026年10月账目的质询已答复"
    assert message["data"]["thing4"]["value"] == "有一笔重复记账，已冲销。"
    assert (
        message["page"] == f"pages/ledger-period/index?estate_id={cast.estate.id}&id={period['id']}"
    )
    assert received(fake_wechat, other) == []
    assert remaining(cast.owner, "question_answered") == 0


def test_a_second_answer_without_a_new_consent_falls_back_to_the_group(
    ledger, cast, make, consent, fake_wechat
):
    group = make.group_chat(cast.estate)
    period = ledger.publish_period(cast, "2026-10-01")
    consent(cast.owner, "question_asked", accept=["question_answered"])
    first = questions.ask(cast.owner, cast.estate.id, period["id"], "停车收入为何减少？")
    second = questions.ask(cast.owner, cast.estate.id, period["id"], "广告收入在哪？")
    questions.answer(cast.chair, cast.estate.id, first.id, "有一笔重复记账。")

    questions.answer(cast.chair, cast.estate.id, second.id, "见第 3 笔分录。")

    [spent, missed] = personal_rows("question_answered")
    assert (spent.subject_id, spent.status) == (first.id, "pending")
    assert (missed.subject_id, missed.status) == (second.id, "cancelled")
    assert missed.last_error == subscriptions.NO_CONSENT_TO_GROUP
    assert {(row.subject_id, row.group_chat_id) for row in group_rows(posts.QUESTION_ANSWERED)} == {
        (first.id, group.id),
        (second.id, group.id),
    }
    assert send("question_answered") == ["sent", "cancelled"]
    assert len(received(fake_wechat, cast.owner)) == 1


# -- owner asked (to the committee who consented) --------------------------------------------


def test_a_question_reaches_the_committee_members_who_consented(ledger, cast, consent, fake_wechat):
    period = ledger.publish_period(cast, "2026-10-01")
    consent(cast.chair, "period_reviewed", accept=["owner_asked"])

    question = questions.ask(cast.owner, cast.estate.id, period["id"], "电梯维修费为何这么高？")

    [row] = personal_rows("owner_asked")
    assert (row.subject_id, row.recipient_id) == (question.id, cast.chair.id)
    assert send("owner_asked") == ["sent"]
    [message] = received(fake_wechat, cast.chair)
    assert message["template_id"] == "demo-owner-asked"
    assert message["data"]["thing1"]["value"] == "业主对2026年10月账目提出质询"
    for silent in (cast.member, cast.member2, cast.manager):
        assert received(fake_wechat, silent) == []
    questions.ask(cast.owner, cast.estate.id, period["id"], "还有一个问题")
    assert len(personal_rows("owner_asked")) == 1  # the chair's one consent is spent


# -- period returned, approved, audited, published (to the preparer) --------------------------


def test_the_preparer_hears_each_step_of_their_period_once_per_consent(
    ledger, cast, consent, fake_wechat
):
    consent(cast.manager, "period_submitted", accept=["period_returned", "period_progress"])
    consent(cast.manager, "period_submitted", accept=["period_progress"])
    period = ledger.open_period(cast.manager, "2026-10-01")
    assert ledger.add_entry(cast.manager, period["id"]).status_code == 201
    steps = [
        (cast.manager, "submit", None),
        (cast.chair, "return", "缺少停车收入的票据"),
        (cast.manager, "submit", None),
        (cast.chair, "approve", None),
        (cast.member, "approve", None),
        (cast.auditor, "audit", None),
        (cast.chair, "publish", None),
    ]
    for person, action, reason in steps:
        response = ledger.act(person, period["id"], action, reason)
        assert response.status_code == 200, (action, response.json)

    assert send("period_returned") == ["sent"]
    assert send("period_progress") == ["sent", "sent", "cancelled"]
    texts = [m["data"]["thing1"]["value"] for m in received(fake_wechat, cast.manager)]
    assert texts == [
        "2026年10月账目被退回",
        "2026年10月账目已通过业委会审批",
        "2026年10月账目已通过社区审核",
    ]
    [returned] = [
        m for m in received(fake_wechat, cast.manager) if "退回" in m["data"]["thing1"]["value"]
    ]
    assert returned["data"]["thing4"]["value"] == "缺少停车收入的票据"
    assert personal_rows("period_progress")[-1].last_error == subscriptions.NO_CONSENT
    assert remaining(cast.manager, "period_progress") == 0


# -- tickets (to the reporter) ---------------------------------------------------------------


def test_a_reply_reaches_the_reporter_who_consented_and_a_later_one_is_dropped(
    tickets, tcast, make, consent, fake_wechat
):
    make.group_chat(tcast.estate)
    consent(tcast.owner, "ticket_reported", accept=["ticket_replied"])
    ticket = tickets.replied(tcast)
    tickets.step(tcast.owner, ticket["id"], "reopen", note="灯还是不亮")
    tickets.step(tcast.manager, ticket["id"], "reply", note="已更换线路")

    assert send("ticket_replied") == ["sent", "cancelled"]
    [message] = received(fake_wechat, tcast.owner)
    assert message["template_id"] == "demo-ticket-replied"
    assert message["data"]["thing1"]["value"] == f"工单 #{ticket['id']} 已反馈办理结果"
    assert message["data"]["thing4"]["value"] == "已更换灯泡"
    assert message["page"] == f"pages/ticket/index?id={ticket['id']}"
    # Private: the reporter's own ticket is not told to the group instead.
    assert personal_rows("ticket_replied")[1].last_error == subscriptions.NO_CONSENT
    assert (
        db.session.scalar(
            select(OutboxMessage.id).where(
                OutboxMessage.group_chat_id.is_not(None), OutboxMessage.topic.like("%replied%")
            )
        )
        is None
    )


def test_an_escalation_reaches_the_reporter_who_consented_once(
    tickets, tcast, consent, fake_wechat
):
    consent(tcast.owner, "ticket_reported", accept=["ticket_escalated"])
    consent(tcast.owner, "ticket_reported", accept=["ticket_escalated"])
    ticket = tickets.report(tcast.owner)
    unheard = tickets.report(tcast.owner2)

    late = max(at(ticket["accept_due_at"]), at(unheard["accept_due_at"]))
    escalation.escalate_overdue(late)
    escalation.escalate_overdue(late)  # the job again: nothing new

    rows = personal_rows("ticket_escalated")
    assert [(r.recipient_id, r.status) for r in rows] == [
        (tcast.owner.id, "pending"),
        (tcast.owner2.id, "cancelled"),
    ]
    assert send("ticket_escalated") == ["sent", "cancelled"]
    [message] = received(fake_wechat, tcast.owner)
    assert message["data"]["thing1"]["value"] == f"工单 #{ticket['id']} 已超时升级"
    assert message["data"]["thing4"]["value"] == "已升级至业委会督办"
    assert received(fake_wechat, tcast.owner2) == []
    assert remaining(tcast.owner, "ticket_escalated") == 1  # one climb, one consent spent


# -- motions (to the electors who consented) --------------------------------------------------


def test_a_vote_opening_and_its_result_reach_only_the_owners_who_consented(
    votes, vcast, consent, fake_wechat
):
    consent(vcast.owner, "motion_announced", accept=["motion_opened", "motion_result"])
    motion = votes.opened(vcast.chair, vcast.estate.id)
    assert votes.cast(vcast.owner, motion["id"]).status_code == 201
    votes.end(motion["id"])
    assert votes.get(vcast.owner, motion["id"]).json["status"] == "closed"

    assert send("motion_opened") == ["sent"]
    assert send("motion_result") == ["sent"]
    opened, result = received(fake_wechat, vcast.owner)
    assert opened["template_id"] == "demo-motion-opened"
    assert opened["data"]["thing1"]["value"] == "表决已开始：续聘安溪物业服务有限公司"
    assert opened["page"] == f"pages/motion/index?id={motion['id']}"
    assert result["template_id"] == "demo-motion-result"
    assert result["page"] == f"pages/motion-result/index?id={motion['id']}"
    assert received(fake_wechat, vcast.owner2) == []
    assert personal_rows("motion_opened")[0].recipient_id == vcast.owner.id


# -- WeChat knows better: 43101 ------------------------------------------------------------


def test_a_43101_kills_the_row_and_forgets_the_consents_wechat_does_not_know(
    ledger, cast, consent, fake_wechat
):
    period = ledger.publish_period(cast, "2026-10-01")
    for _ in range(3):
        consent(cast.owner, "question_asked", accept=["question_answered"])
    question = questions.ask(cast.owner, cast.estate.id, period["id"], "停车收入为何减少？")
    questions.answer(cast.chair, cast.estate.id, question.id, "有一笔重复记账。")
    fake_wechat.inject("no_consent", 1, paths=["/cgi-bin/message/subscribe/send"])

    assert send("question_answered") == ["dead"]

    [row] = personal_rows("question_answered")
    assert "43101" in row.last_error
    assert remaining(cast.owner, "question_answered") == 0
    assert received(fake_wechat, cast.owner) == []
