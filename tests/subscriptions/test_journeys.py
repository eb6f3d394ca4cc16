"""The consent journeys the pages drive, through exactly the endpoints they call: the page
loads the moments (GET /subscriptions), the tap posts WeChat's answer (POST /subscriptions)
and does its job; the event later reaches the person once, through the outbox."""

from tests.console.test_console import sign_in
from tests.console.test_estate_page import page_of, table_rows
from tests.ledger_support import STAFF_PASSWORD, give_console_password
from tests.subscriptions.conftest import received, send


def moments(client, auth, person) -> dict:
    response = client.get("/api/v1/subscriptions", headers=auth(person))
    assert response.status_code == 200, response.json
    return response.json["moments"]


def answer(client, auth, person, moment: str, templates: list[str], how="accept"):
    response = client.post(
        "/api/v1/subscriptions",
        json={"moment": moment, "answers": dict.fromkeys(templates, how)},
        headers=auth(person),
    )
    assert response.status_code == 200, response.json


def test_ticket_report_page_reporter_hears_the_reply(client, auth, tickets, tcast, fake_wechat):
    templates = moments(client, auth, tcast.owner)["ticket_reported"]
    answer(client, auth, tcast.owner, "ticket_reported", templates)
    ticket = tickets.report(tcast.owner)

    for action in ("accept", "start"):
        tickets.step(tcast.manager, ticket["id"], action)
    tickets.step(tcast.manager, ticket["id"], "reply", note="已修好")

    assert send("ticket_replied") == ["sent"]
    [message] = received(fake_wechat, tcast.owner)
    assert message["data"]["thing1"]["value"] == f"工单 #{ticket['id']} 已反馈办理结果"


def test_ledger_period_page_owner_hears_the_answer_and_preparer_the_return(
    client, auth, ledger, cast, fake_wechat
):
    published = ledger.publish_period(cast, "2026-09-01")
    answer(
        client,
        auth,
        cast.owner,
        "question_asked",
        moments(client, auth, cast.owner)["question_asked"],
    )
    asked = ledger.post(cast.owner, f"/periods/{published['id']}/questions", {"body": "为何减少？"})
    assert asked.status_code == 201, asked.json
    replied = ledger.post(
        cast.chair, f"/questions/{asked.json['id']}/answer", {"body": "重复记账已冲销。"}
    )
    assert replied.status_code == 200, replied.json

    period = ledger.open_period(cast.manager, "2026-10-01")
    assert ledger.add_entry(cast.manager, period["id"]).status_code == 201
    answer(
        client,
        auth,
        cast.manager,
        "period_submitted",
        moments(client, auth, cast.manager)["period_submitted"],
    )
    assert ledger.act(cast.manager, period["id"], "submit").status_code == 200
    assert ledger.act(cast.chair, period["id"], "return", "缺票据").status_code == 200

    assert send("question_answered") == ["sent"]
    assert send("period_returned") == ["sent"]
    [to_owner] = received(fake_wechat, cast.owner)
    assert to_owner["data"]["thing4"]["value"] == "重复记账已冲销。"
    [to_preparer] = received(fake_wechat, cast.manager)
    assert to_preparer["data"]["thing1"]["value"] == "2026年10月账目被退回"


def test_motion_page_owner_who_asked_hears_the_opening_and_a_refusal_hears_nothing(
    client, auth, votes, vcast, fake_wechat
):
    motion = votes.announce(vcast.chair, vcast.estate.id)
    assert votes.get(vcast.owner, motion["id"]).json["status"] == "announced"
    templates = moments(client, auth, vcast.owner)["motion_announced"]
    answer(client, auth, vcast.owner, "motion_announced", templates)
    answer(client, auth, vcast.owner2, "motion_announced", templates, how="reject")

    votes.open(motion["id"])
    assert votes.get(vcast.owner, motion["id"]).json["status"] == "open"

    assert send("motion_opened") == ["sent"]
    assert len(received(fake_wechat, vcast.owner)) == 1
    assert received(fake_wechat, vcast.owner2) == []


def test_the_console_delivery_log_shows_a_dropped_subscribe_message_and_why(client, tickets, tcast):
    tickets.replied(tcast)  # the reporter never consented
    give_console_password(tcast.auditor, "auditor-subscribe")
    sign_in(client, "auditor-subscribe", STAFF_PASSWORD)

    html = page_of(client, tcast.estate, "?status=cancelled")

    [row] = table_rows(html, "deliveries")
    assert row[1:5] == ["订阅消息：工单已反馈", "个人消息", "—", "已取消"]
    assert "未获订阅授权，未发送" in row
