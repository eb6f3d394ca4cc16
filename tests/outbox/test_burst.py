"""A delivery burst: many rows in one job, each sent once and in order, a failed row left to
the relay's retry while the rest go on, and the rows it did not start handed back at once."""

from collections import Counter

import pytest
import redis

from backend.outbox import services as outbox
from bot import delivery
from bot.delivery import deliver_burst


def _groups_with_notices(make, post, groups=3, notices=2):
    """``notices`` notices to each of ``groups`` estates' robot groups; the groups' ids."""
    addresses = []
    for _ in range(groups):
        estate = make.estate()
        addresses.append(f"robot:{make.group_chat(estate).address}")
        for n in range(notices):
            post(estate, title=f"通知{n}")
    return addresses


def _queued(rows):
    ids = [r.id for r in rows()]
    for row in rows():
        row.status = "queued"
    outbox.db.session.commit()
    return ids


def test_one_burst_sends_every_row_once_and_each_group_in_order(app, make, post, rows, fake_wechat):
    groups = _groups_with_notices(make, post)
    ids = _queued(rows)

    assert deliver_burst(ids) == "sent 6"

    assert Counter(m["group"] for m in fake_wechat.messages()) == {g: 2 for g in groups}
    for group in groups:
        titles = [
            m["body"]["template_card"]["main_title"]["title"] for m in fake_wechat.messages(group)
        ]
        assert titles == ["通知0", "通知1"]
    assert {r.status for r in rows()} == {"sent"}
    assert deliver_burst(ids) == "sent 6"  # a burst run twice sends nothing more
    assert len(fake_wechat.messages()) == 6


def test_a_500_leaves_its_row_retrying_and_the_burst_goes_on(app, make, post, rows, fake_wechat):
    _groups_with_notices(make, post, groups=3, notices=1)
    ids = _queued(rows)
    fake_wechat.inject("http_500", 1, paths=["/cgi-bin/webhook/send"])

    assert deliver_burst(ids) == "retrying 1, sent 2"

    assert [(r.status, r.attempts) for r in rows()] == [
        ("retrying", 1),
        ("sent", 0),
        ("sent", 0),
    ]
    assert len(fake_wechat.messages()) == 2


def test_past_half_the_job_timeout_the_rest_is_handed_back_due_now(
    app, make, post, rows, fake_wechat, monkeypatch
):
    monkeypatch.setitem(
        app.config, "DELIVERY_JOB_TIMEOUT", 0
    )  # the budget is spent after the first row
    _groups_with_notices(make, post, groups=3, notices=1)
    ids = _queued(rows)

    assert deliver_burst(ids) == "released 2, sent 1"

    assert [r.status for r in rows()] == ["sent", "pending", "pending"]
    assert [r.lease_until for r in rows()[1:]] == [None, None]
    assert len(fake_wechat.messages()) == 1
    assert outbox.relay(lambda new, stale: None) == 2  # the relay takes them at once


def test_redis_away_mid_burst_hands_back_the_rows_not_started(
    app, make, post, rows, fake_wechat, monkeypatch
):
    _groups_with_notices(make, post, groups=3, notices=1)
    ids = _queued(rows)
    real = delivery.deliver

    def deliver_until_redis_goes(outbox_id):
        if outbox_id == ids[1]:
            raise redis.ConnectionError("Redis is away")
        return real(outbox_id)

    monkeypatch.setattr(delivery, "deliver", deliver_until_redis_goes)

    with pytest.raises(redis.ConnectionError):
        deliver_burst(ids)

    # The row it hit waits for its lease (it may have been sent); the next is due now.
    assert [r.status for r in rows()] == ["sent", "queued", "pending"]
    assert len(fake_wechat.messages()) == 1


def test_a_burst_renders_each_notice_once_for_all_its_groups(
    app, make, post, rows, fake_wechat, monkeypatch
):
    estate = make.estate()
    groups = [f"robot:{make.group_chat(estate).address}" for _ in range(3)]
    post(estate, title="通知0")
    post(estate, title="通知1")
    ids = _queued(rows)
    rendered = Counter()
    real = delivery.messages.render

    def counting_render(topic, subject_id):
        rendered[subject_id] += 1
        return real(topic, subject_id)

    monkeypatch.setattr(delivery.messages, "render", counting_render)

    assert deliver_burst(ids) == "sent 6"

    assert sorted(rendered.values()) == [1, 1]  # two notices, six rows
    assert Counter(m["group"] for m in fake_wechat.messages()) == {g: 2 for g in groups}
