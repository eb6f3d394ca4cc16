"""What the mini-program asks consent for and how WeChat's answer is recorded: each accept
allows one message, reject changes nothing, ban stops the asking, and nothing but the
moment's own templates is taken."""

from tests.subscriptions.conftest import remaining


def moments(client, auth, person) -> dict:
    response = client.get("/api/v1/subscriptions", headers=auth(person))
    assert response.status_code == 200, response.json
    return response.json["moments"]


def test_each_moment_asks_for_its_configured_templates(client, auth, tcast):
    asked = moments(client, auth, tcast.owner)

    assert asked == {
        "ticket_reported": ["demo-ticket-replied", "demo-ticket-escalated"],
        "question_asked": ["demo-question-answered"],
        "motion_announced": ["demo-motion-opened", "demo-motion-result"],
        "ballot_cast": ["demo-motion-result"],
        "period_submitted": ["demo-period-returned", "demo-period-progress"],
        "period_reviewed": ["demo-owner-asked"],
        # Both staff kinds share LINLI_TICKET_TEMPLATE_ID: one template, asked for once.
        "ticket_handling": ["tmpl-ticket-test"],
    }


def test_a_template_without_an_id_is_never_asked_for(app, client, auth, tcast, monkeypatch):
    monkeypatch.setitem(app.config, "SUBSCRIBE_TICKET_ESCALATED_TEMPLATE", "")

    assert moments(client, auth, tcast.owner)["ticket_reported"] == ["demo-ticket-replied"]


def test_each_accept_allows_one_more_message_and_reject_changes_nothing(consent, tcast):
    assert consent(tcast.owner, "ticket_reported", accept=["ticket_replied"]).status_code == 200
    response = consent(
        tcast.owner, "ticket_reported", accept=["ticket_replied"], ticket_escalated="reject"
    )

    assert response.status_code == 200, response.json
    assert remaining(tcast.owner, "ticket_replied") == 2
    assert remaining(tcast.owner, "ticket_escalated") == 0
    assert remaining(tcast.owner2, "ticket_replied") == 0  # consents are one person's


def test_a_ban_stops_the_asking_for_that_template_only(client, auth, consent, tcast):
    response = consent(
        tcast.owner, "ticket_reported", accept=["ticket_replied"], ticket_escalated="ban"
    )

    assert response.json["moments"]["ticket_reported"] == ["demo-ticket-replied"]
    assert moments(client, auth, tcast.owner)["ticket_reported"] == ["demo-ticket-replied"]
    assert moments(client, auth, tcast.owner2)["ticket_reported"] == [
        "demo-ticket-replied",
        "demo-ticket-escalated",
    ]


def test_a_template_the_moment_does_not_ask_for_is_refused(client, auth, consent, tcast):
    response = consent(tcast.owner, "question_asked", accept=["ticket_replied"])

    assert response.status_code == 422
    assert "answers" in response.json["error"]["fields"]
    assert remaining(tcast.owner, "ticket_replied") == 0
    response = client.post(
        "/api/v1/subscriptions",
        json={"moment": "whenever", "answers": {}},
        headers=auth(tcast.owner),
    )
    assert response.status_code == 422
    assert "moment" in response.json["error"]["fields"]


def test_answers_need_a_signed_in_user(client):
    response = client.post(
        "/api/v1/subscriptions", json={"moment": "question_asked", "answers": {}}
    )
    assert response.status_code == 401
    assert client.get("/api/v1/subscriptions").status_code == 401
