"""The delivery job against the fake WeChat server over HTTP: once per part, in order,
retried with backoff, dead after the last try, throttled per group."""

from datetime import timedelta

import pytest

from backend.common.clock import as_utc, utcnow
from backend.extensions import db
from backend.outbox import sending
from bot.delivery import RetryLater, deliver


def test_robot_group_gets_one_card_that_opens_the_notice_page(app, make, post, rows, fake_wechat):
    estate = make.estate()
    group = make.group_chat(estate)
    notice = post(estate)
    [row] = rows()

    assert deliver(row.id) == "sent"

    [message] = fake_wechat.messages(f"robot:{group.address}")
    card = message["body"]["template_card"]
    assert card["main_title"]["title"] == "停水通知"
    assert card["card_action"] == {
        "type": 2,
        "appid": app.config["WECHAT_APPID"],
        "pagepath": f"pages/notice/index?id={notice.id}",
    }
    assert "停水" in card["sub_title_text"]
    [row] = rows()
    assert (row.status, row.parts_sent, row.attempts) == ("sent", 1, 0)
    assert row.sent_at is not None


def test_running_the_job_again_sends_nothing_more(app, one_row, rows, fake_wechat):
    row = one_row()

    deliver(row.id)
    assert deliver(row.id) == "sent"

    assert len(fake_wechat.messages()) == 1


def test_long_body_goes_to_an_app_chat_in_numbered_parts_in_order(
    app, make, post, rows, fake_wechat, app_chat
):
    estate = make.estate()
    group = make.group_chat(estate, channel="wecom_appchat", address=app_chat())
    body = "\n".join(
        f"第{i}条：业主大会议事规则第{i}条的内容，请各位业主仔细阅读。" for i in range(120)
    )
    post(estate, body=body)
    [row] = rows()

    assert deliver(row.id) == "sent"

    parts = [
        m["body"]["markdown"]["content"] for m in fake_wechat.messages(f"appchat:{group.address}")
    ]
    assert len(parts) > 1
    assert all(len(p.encode()) <= 2048 for p in parts)
    assert parts[0].startswith("**停水通知**\n")
    assert all(f"（{i}/{len(parts)}）" in p for i, p in enumerate(parts, 1))
    joined = "".join(p for p in parts)
    for i in (0, 60, 119):
        assert f"第{i}条：" in joined
    assert "小程序" in parts[-1]
    assert rows()[0].parts_sent == len(parts)


def test_http_500_is_retried_with_backoff_then_sent_once(app, one_row, rows, fake_wechat):
    row = one_row()
    fake_wechat.inject("http_500", 1, paths=["/cgi-bin/webhook/send"])

    with pytest.raises(RetryLater):
        deliver(row.id)

    [row] = rows()
    assert (row.status, row.attempts) == ("retrying", 1)
    assert "HTTP 500" in row.last_error
    wait = as_utc(row.available_at) - utcnow()
    base = app.config["OUTBOX_RETRY_BASE_SECONDS"]
    assert timedelta(seconds=base - 2) < wait <= timedelta(seconds=base)
    assert fake_wechat.messages() == []

    assert deliver(row.id) == "sent"
    assert len(fake_wechat.messages()) == 1


def test_after_the_last_try_the_row_is_dead_with_its_error(app, one_row, rows, fake_wechat):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    row = one_row()
    fake_wechat.inject("http_500", 3, paths=["/cgi-bin/webhook/send"])

    waits = []
    for _ in range(2):
        with pytest.raises(RetryLater):
            deliver(row.id)
        waits.append(as_utc(rows()[0].available_at) - utcnow())
    assert deliver(row.id) == "dead"

    [row] = rows()
    assert (row.status, row.attempts) == ("dead", 3)
    assert "HTTP 500" in row.last_error
    assert waits[1] > waits[0] * 1.5  # exponential, not constant
    assert deliver(row.id) == "dead"  # nothing more happens on its own
    assert fake_wechat.messages() == []


def test_unknown_app_chat_is_dead_at_once(app, make, post, rows, fake_wechat):
    estate = make.estate()
    make.group_chat(estate, channel="wecom_appchat", address="nosuchchat")
    post(estate)
    [row] = rows()

    assert deliver(row.id) == "dead"

    [row] = rows()
    assert row.attempts == 0
    assert "86003" in row.last_error


def test_rate_limit_answer_defers_without_using_a_try(app, one_row, rows, fake_wechat):
    row = one_row()
    fake_wechat.inject("rate_limit", 1, paths=["/cgi-bin/webhook/send"])

    assert deliver(row.id) == "throttled"

    [row] = rows()
    assert (row.status, row.attempts) == ("pending", 0)
    assert as_utc(row.available_at) > utcnow() + timedelta(seconds=30)
    assert "45009" in row.last_error


def test_per_group_limit_defers_the_extra_message(app, make, post, rows, fake_wechat, monkeypatch):
    # Restored after the test: the app is shared, and a limit of 2 would throttle later tests.
    monkeypatch.setitem(app.config, "GROUP_MESSAGES_PER_MINUTE", 2)
    monkeypatch.delitem(app.extensions, "linli_send_limiter", raising=False)
    estate = make.estate()
    group = make.group_chat(estate)
    busy_neighbour = make.group_chat(make.estate())
    for title in ("一", "二", "三"):
        post(estate, title=title)
    post(busy_neighbour.estate)

    outcomes = [deliver(row.id) for row in rows()]

    assert outcomes == ["sent", "sent", "throttled", "sent"]
    assert len(fake_wechat.messages(f"robot:{group.address}")) == 2
    third = rows()[2]
    assert third.status == "pending"
    assert utcnow() < as_utc(third.available_at) <= utcnow() + timedelta(seconds=61)
    app.extensions.pop("linli_send_limiter", None)


def test_a_later_message_waits_for_an_earlier_one_to_the_same_group(app, make, post, rows):
    estate = make.estate()
    make.group_chat(estate)
    post(estate, title="先")
    post(estate, title="后")
    first, second = rows()

    assert deliver(second.id) == "waiting"
    assert deliver(first.id) == "sent"
    assert deliver(second.id) == "sent"


def test_switched_off_group_is_cancelled_not_sent(app, make, post, rows, fake_wechat):
    estate = make.estate()
    group = make.group_chat(estate)
    post(estate)
    group.active = False
    db.session.commit()

    assert deliver(rows()[0].id) == "cancelled"
    assert fake_wechat.messages() == []


def test_a_part_keeps_the_rows_lease_and_its_last_part_ends_it(app, one_row, rows):
    row = one_row()
    lease = utcnow() + timedelta(minutes=5)
    parts = [{"msgtype": "text", "text": {"content": f"第{i}段"}} for i in (1, 2)]
    row.status, row.lease_until, row.payload = "queued", lease, parts
    db.session.flush()

    assert sending.part_sent(sending.lock(row.id), parts) == "queued"
    [row] = rows()
    assert (row.parts_sent, row.status, as_utc(row.lease_until), row.sent_at) == (
        1,
        "queued",
        lease,
        None,
    )

    assert sending.part_sent(sending.lock(row.id), parts) == "sent"
    [row] = rows()
    assert (row.parts_sent, row.status, row.lease_until) == (2, "sent", None)
    assert row.sent_at is not None


def test_a_deferred_row_keeps_its_last_error_unless_given_a_new_one(app, one_row, rows):
    row = one_row()
    row.last_error = "HTTP 500"
    db.session.flush()

    sending.defer(sending.lock(row.id), 30, [])
    [row] = rows()
    assert (row.status, row.last_error, row.lease_until) == ("pending", "HTTP 500", None)
    assert as_utc(row.available_at) > utcnow() + timedelta(seconds=25)

    sending.defer(sending.lock(row.id), 30, [], "发送过于频繁")
    assert rows()[0].last_error == "发送过于频繁"
