"""Staff sign in to the console with a password; forms carry CSRF tokens; attempts are limited."""

import re

import pytest

from backend.accounts import services as accounts
from backend.accounts.roles import Role, ScopeKind

PASSWORD = "correct-horse-battery"


@pytest.fixture
def auditor(make):
    community = make.community(name="中山社区")
    make.estate(community, "凤城花园")
    make.estate(make.community(name="别的社区"), "别人的小区")
    return accounts.create_staff(
        "auditor1", PASSWORD, Role.AUDITOR, ScopeKind.COMMUNITY, community.id
    )


def csrf_token(client, path="/console/login"):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client, username="auditor1", password=PASSWORD, token=None):
    return client.post(
        "/console/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": token if token is not None else csrf_token(client),
        },
    )


def test_auditor_signs_in_and_sees_only_supervised_estates(client, auditor):
    response = sign_in(client)
    assert response.status_code == 302
    page = client.get("/console/").get_data(as_text=True)
    assert "凤城花园" in page and "别人的小区" not in page
    assert "社区业账监管员" in page


def test_pages_need_sign_in(client):
    response = client.get("/console/")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]


def test_wrong_password_is_refused_with_one_message(client, auditor):
    wrong = sign_in(client, password="nope-nope-nope")
    unknown = sign_in(client, username="nobody")
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码错误" in wrong.get_data(as_text=True)
    assert client.get("/console/").status_code == 302


def test_form_without_csrf_token_is_refused(client, auditor):
    response = sign_in(client, token="")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "csrf_failed"
    assert client.get("/console/").status_code == 302


def test_logout_needs_csrf_token(client, auditor):
    sign_in(client)
    assert client.post("/console/logout").status_code == 400
    assert client.get("/console/").status_code == 200
    client.post("/console/logout", data={"csrf_token": csrf_token(client, "/console/")})
    assert client.get("/console/").status_code == 302


def test_login_attempts_are_rate_limited(app, client, auditor):
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    statuses = [sign_in(client, password="wrong-password").status_code for _ in range(limit + 1)]
    assert statuses[:limit] == [401] * limit
    assert statuses[-1] == 429
    blocked = sign_in(client)
    assert blocked.status_code == 429 and blocked.json["error"]["code"] == "rate_limited"


def test_redirect_after_login_stays_on_console(client, auditor):
    token = csrf_token(client)
    response = client.post(
        "/console/login?next=https://evil.example/",
        data={"username": "auditor1", "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"].endswith("/console/")


def test_control_characters_in_login_are_a_wrong_password(client, auditor):
    assert sign_in(client, username="auditor1\x00").status_code == 401


def test_every_outbox_topic_has_a_chinese_label_in_the_delivery_log():
    from backend.console.services import TOPIC_LABELS
    from bot.messages import TOPICS

    assert set(TOPICS) - set(TOPIC_LABELS) == set()
