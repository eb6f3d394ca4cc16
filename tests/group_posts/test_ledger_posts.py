"""The accounts' group posts, from their event to one message per active group of the estate
(through the outbox and the fake WeChat server): a question answered, a question unanswered
for 7 days, a period not published in time (days per county)."""

from datetime import date, timedelta

from sqlalchemy import update

from backend.common.clock import utcnow
from backend.extensions import db
from backend.ledger import posts, questions
from backend.ledger.models import LedgerQuestion
from bot.delivery import deliver
from tests.group_posts.conftest import rows_of, text_of


def _ask(cast, period_id, body="10月停车收入为何比9月少？"):
    return questions.ask(cast.owner, cast.estate.id, period_id, body)


def test_an_answered_question_reaches_each_active_group_once(
    ledger, cast, make, groups_of, send_topic
):
    period = ledger.publish_period(cast, "2026-10-01")
    groups = groups_of(cast.estate)
    make.group_chat(make.estate())  # another estate hears nothing
    question = _ask(cast, period["id"])

    questions.answer(cast.chair, cast.estate.id, question.id, "9月有一笔重复记账，已冲销。")
    posts.question_answered(db.session.get(LedgerQuestion, question.id))  # the event again

    assert len(rows_of(posts.QUESTION_ANSWERED)) == 2
    heard = send_topic(posts.QUESTION_ANSWERED)
    assert set(heard) == set(groups.addresses())
    [card] = heard[f"robot:{groups.robot.address}"]
    assert card["body"]["template_card"]["main_title"]["title"] == "【质询已答复】2026年10月账目"
    assert card["body"]["template_card"]["card_action"]["pagepath"] == (
        f"pages/ledger-period/index?estate_id={cast.estate.id}&id={period['id']}"
    )
    [markdown] = heard[f"appchat:{groups.appchat.address}"]
    words = text_of(markdown)
    assert "问：10月停车收入为何比9月少？" in words
    assert "9月有一笔重复记账，已冲销。" in words and "业委会" in words


def test_a_question_unanswered_for_seven_days_is_told_once(ledger, cast, groups_of, send_topic):
    period = ledger.publish_period(cast, "2026-10-01")
    groups = groups_of(cast.estate)
    late = _ask(cast, period["id"], "广告收入的合同在哪里可以看到？")
    _ask(cast, period["id"], "电梯维修费为何这么高？")  # asked just now
    answered = _ask(cast, period["id"], "停车费怎么算？")
    ancient = _ask(cast, period["id"], "去年的结余去哪了？")
    questions.answer(cast.chair, cast.estate.id, answered.id, "按月结算。")
    now = utcnow()
    for question, days in ((late, 8), (answered, 9), (ancient, 7 + posts.CATCH_UP_DAYS + 1)):
        db.session.execute(
            update(LedgerQuestion)
            .where(LedgerQuestion.id == question.id)
            .values(asked_at=now - timedelta(days=days))
        )
    db.session.commit()

    assert posts.post_overdue_questions() == 2
    assert posts.post_overdue_questions() == 0  # the job runs again: nothing new

    # Not the fresh one, the answered one, nor one from before the catch-up window.
    assert {row.subject_id for row in rows_of(posts.QUESTION_OVERDUE)} == {late.id}
    heard = send_topic(posts.QUESTION_OVERDUE)
    assert set(heard) == set(groups.addresses())
    [text] = heard[f"robot:{groups.robot.address}"]
    words = text_of(text)
    assert words.startswith("【质询待答复】") and "超过 7 天未答复" in words
    assert "广告收入的合同在哪里可以看到？" in words


def test_a_question_answered_before_its_reminder_is_sent_is_not_told(
    ledger, cast, groups_of, fake_wechat
):
    period = ledger.publish_period(cast, "2026-10-01")
    groups_of(cast.estate)
    question = _ask(cast, period["id"])
    db.session.execute(
        update(LedgerQuestion)
        .where(LedgerQuestion.id == question.id)
        .values(asked_at=utcnow() - timedelta(days=8))
    )
    db.session.commit()
    posts.post_overdue_questions()
    questions.answer(cast.chair, cast.estate.id, question.id, "已答复。")

    for row in rows_of(posts.QUESTION_OVERDUE):
        assert deliver(row.id) == "cancelled"
    assert not any("质询待答复" in str(m["body"]) for m in fake_wechat.messages())


def test_a_period_not_published_in_time_is_told_once_per_period(
    app, ledger, cast, groups_of, send_topic
):
    groups = groups_of(cast.estate)
    draft = ledger.open_period(cast.manager, "2026-10-01")  # ends 2026-10-31
    ledger.publish_period(cast, "2026-09-01")  # published: never late
    default = app.config["LEDGER_PUBLISH_DAYS"]

    assert posts.post_late_periods(date(2026, 11, 1) + timedelta(days=default - 1)) == 0
    assert posts.post_late_periods(date(2026, 11, 1) + timedelta(days=default)) == 2
    assert posts.post_late_periods(date(2026, 11, 1) + timedelta(days=default + 3)) == 0

    assert {row.subject_id for row in rows_of(posts.LATE)} == {draft["id"]}
    heard = send_topic(posts.LATE)
    assert set(heard) == set(groups.addresses())
    [text] = heard[f"appchat:{groups.appchat.address}"]
    words = text_of(text)
    assert words.startswith(f"【账目逾期未公示】{cast.estate.name}2026年10月账目已于2026-10-31结束")
    assert f"结束后 {default} 天内公示" in words and "草稿" in words


def test_a_county_may_allow_more_days_before_accounts_are_late(
    app, monkeypatch, ledger, cast, groups_of
):
    groups_of(cast.estate)
    ledger.open_period(cast.manager, "2026-10-01")
    county = cast.estate.county_id
    monkeypatch.setitem(app.config, "LEDGER_PUBLISH_DAYS_BY_COUNTY", {county: 25})

    assert posts.post_late_periods(date(2026, 11, 20)) == 0  # the default 15 days have passed
    assert posts.post_late_periods(date(2026, 11, 26)) == 2
    assert posts.publish_days(county) == 25
    assert posts.publish_days(county + 1000) == app.config["LEDGER_PUBLISH_DAYS"]


def test_periods_late_for_longer_than_the_catch_up_window_are_not_told(ledger, cast, groups_of):
    groups_of(cast.estate)
    ledger.open_period(cast.manager, "2026-10-01")
    long_after = date(2026, 11, 1) + timedelta(days=15 + posts.CATCH_UP_DAYS)
    assert posts.post_late_periods(long_after) == 0
