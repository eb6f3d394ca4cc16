"""A group chat checked from the phone: a test message that really reaches the group through
the outbox and the bot's delivery, and each group's liveness (常态化运行) counted by hand."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.access.roles import Role
from backend.accounts.models import WecomBinding
from backend.common.clock import utcnow
from backend.extensions import db
from backend.outbox.group_checks import TEST_TOPIC
from backend.outbox.models import OutboxMessage
from bot.delivery import deliver


def send_test(client, auth, person, group):
    return client.post(f"/api/v1/group-chats/{group.id}/test-messages", headers=auth(person))


def liveness(client, auth, person, estate):
    return client.get(f"/api/v1/estates/{estate.id}/group-chats/liveness", headers=auth(person))


def sent(group, days_ago: float, topic="notice.published", status="sent"):
    """An outbox row to ``group`` delivered ``days_ago`` days ago."""
    when = utcnow() - timedelta(days=days_ago)
    row = OutboxMessage(
        topic=topic,
        subject_id=1,
        dedupe_key=f"{topic}:{days_ago}:{status}:group:{group.id}",
        estate_id=group.estate_id,
        group_chat_id=group.id,
        payload=[{"msgtype": "text"}],
        status=status,
        created_at=when,
        sent_at=when if status == "sent" else None,
    )
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def estate(make):
    return make.estate(make.community(name="中山社区"), "凤城花园")


@pytest.fixture
def chair(make, estate):
    return make.member(Role.COMMITTEE_CHAIR, estate)


# -- the test message ---------------------------------------------------------------------


def test_a_test_message_reaches_an_external_group_as_text(
    client, auth, make, estate, chair, fake_wechat
):
    group = make.group_chat(estate, profile="external")

    response = send_test(client, auth, chair, group)

    assert response.status_code == 201, response.json
    assert (response.json["status"], response.json["status_label"]) == ("pending", "待发送")
    assert deliver(response.json["id"]) == "sent"
    [message] = fake_wechat.messages(f"robot:{group.address}")
    assert message["body"]["msgtype"] == "text"
    text = message["body"]["text"]["content"]
    assert text.startswith("【测试消息】邻里已接通凤城花园的监督群「凤城花园监督群」")
    assert "外部群（含个人微信业主）" in text
    shown = liveness(client, auth, chair, estate).json["items"][0]
    assert shown["last_test"]["status"] == "sent" and shown["last_test"]["sent_at"]
    # A test proves the address works; it does not make the group active.
    assert (shown["delivered_30d"], shown["is_active"]) == (0, False)
    assert shown["last_activity_at"] == shown["last_test"]["sent_at"]


def test_each_test_is_a_message_of_its_own_once_the_last_one_is_out(
    client, auth, make, estate, chair, fake_wechat
):
    group = make.group_chat(estate)
    first = send_test(client, auth, chair, group)
    waiting = send_test(client, auth, chair, group)
    assert first.status_code == 201
    assert waiting.status_code == 409
    assert waiting.json["error"]["message"] == "上一条测试消息还在发送中，请稍后再试"

    assert deliver(first.json["id"]) == "sent"
    second = send_test(client, auth, chair, group)
    assert second.status_code == 201 and second.json["id"] != first.json["id"]
    assert deliver(second.json["id"]) == "sent"

    assert len(fake_wechat.messages(f"robot:{group.address}")) == 2
    keys = db.session.scalars(
        select(OutboxMessage.dedupe_key).where(OutboxMessage.topic == TEST_TOPIC)
    ).all()
    assert sorted(keys) == sorted(
        f"{TEST_TOPIC}:{row_id}:group:{group.id}"
        for row_id in (first.json["id"], second.json["id"])
    )


def test_a_switched_off_group_is_not_tested_409(client, auth, make, estate, chair):
    group = make.group_chat(estate, active=False)
    response = send_test(client, auth, chair, group)
    assert response.status_code == 409
    assert db.session.scalar(select(OutboxMessage.id)) is None


def test_who_may_send_a_test(client, auth, make, estate):
    group = make.group_chat(estate)
    owner = make.member(Role.OWNER, make.unit(estate))
    manager = make.member(Role.PROPERTY_MANAGER, estate)
    stranger = make.member(Role.COMMITTEE_CHAIR, make.estate())
    auditor = make.member(Role.AUDITOR, estate.community)

    statuses = [send_test(client, auth, p, group).status_code for p in (owner, manager, stranger)]

    assert statuses == [403, 403, 404]
    assert db.session.scalar(select(OutboxMessage.id)) is None
    assert send_test(client, auth, auditor, group).status_code == 201
    assert (
        client.post("/api/v1/group-chats/999999/test-messages", headers=auth(auditor)).status_code
        == 404
    )


# -- liveness -----------------------------------------------------------------------------


def test_liveness_counts_what_reached_each_group_in_30_days(client, auth, make, estate, chair):
    busy = make.group_chat(estate, profile="external")
    quiet = make.group_chat(estate, profile="internal")
    off = make.group_chat(estate, active=False)
    for days in (1, 12, 29.9):
        sent(busy, days)
    sent(busy, 31)  # outside the window
    sent(busy, 2, status="dead")  # never delivered
    sent(busy, 3, topic=TEST_TOPIC)  # a test does not count
    sent(quiet, 45)
    sent(off, 5)  # delivered before it was switched off
    busy.member_count = 286
    busy.member_count_recorded_at = utcnow() - timedelta(days=3)
    db.session.commit()
    # Owners bound to WeCom count as members where nobody recorded the size.
    for n in range(2):
        owner = make.member(Role.OWNER, make.unit(estate))
        db.session.add(WecomBinding(user_id=owner.id, wecom_userid=f"wm-{n}", bound_at=utcnow()))
    unbound = make.member(Role.OWNER, make.unit(estate))
    db.session.add(WecomBinding(user_id=unbound.id, code_hash="pending"))
    db.session.commit()

    response = liveness(client, auth, chair, estate)

    assert response.status_code == 200
    body = response.json
    rows = {
        item["group"]["id"]: (
            item["delivered_30d"],
            item["members"],
            item["members_source"],
            item["is_active"],
        )
        for item in body["items"]
    }
    assert rows == {
        busy.id: (3, 286, "recorded", True),
        quiet.id: (0, 2, "bound_owners", False),
        off.id: (1, 2, "bound_owners", False),
    }
    by_id = {item["group"]["id"]: item for item in body["items"]}
    assert by_id[busy.id]["last_activity_at"] is not None
    assert by_id[quiet.id]["members_source_label"] == "已绑定企业微信的业主数"
    assert by_id[busy.id]["last_test"]["status"] == "sent"
    assert by_id[quiet.id]["last_test"] is None
    assert (body["estate_active"], body["window_days"]) == (True, 30)


def test_an_estate_whose_groups_are_quiet_is_not_active(client, auth, make, estate, chair):
    sent(make.group_chat(estate), 40)
    body = liveness(client, auth, chair, estate).json
    assert body["estate_active"] is False
    assert body["items"][0]["last_activity_at"] is not None


def test_liveness_is_for_the_committee_and_officers_only(client, auth, make, estate):
    make.group_chat(estate)
    owner = make.member(Role.OWNER, make.unit(estate))
    stranger = make.member(Role.COMMITTEE_CHAIR, make.estate())
    assert liveness(client, auth, owner, estate).status_code == 403
    assert liveness(client, auth, stranger, estate).status_code == 404
    township = make.member(Role.TOWNSHIP_OFFICER, estate.community.township)
    assert liveness(client, auth, township, estate).status_code == 200
