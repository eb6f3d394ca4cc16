"""Staff sign in to the console with a password; forms carry CSRF tokens; attempts are limited
per username (with a per-address ceiling), and wrong passwords lock the username a while."""

import re
import time

import pytest

from backend.access.roles import Role, ScopeKind
from backend.accounts import services as accounts

PASSWORD = "correct-horse-battery"


@pytest.fixture
def auditor(make):
    community = make.community(name="中山社区")
    make.estate(community, "凤城花园")
    make.estate(make.community(name="别的社区"), "别人的小区")
    return accounts.create_staff(
        "auditor1", PASSWORD, Role.AUDITOR, ScopeKind.COMMUNITY, community.id, "林慧"
    )


def csrf_token(client, path="/console/login"):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client, username="auditor1", password=PASSWORD, token=None, address="127.0.0.1"):
    return client.post(
        "/console/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": token if token is not None else csrf_token(client),
        },
        environ_base={"REMOTE_ADDR": address},
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


def test_login_attempts_are_limited_per_username_not_per_address(app, client, auditor, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    monkeypatch.setitem(app.config, "LOGIN_LOCKOUT_ATTEMPTS", 100)  # the limit, not the lock
    statuses = [sign_in(client, password="wrong-password").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    blocked = sign_in(client)
    assert blocked.status_code == 429 and blocked.json["error"]["code"] == "rate_limited"
    # Colleagues behind the same office address still sign in.
    assert sign_in(client, username="someone-else", password="x").status_code == 401


def test_one_address_has_only_a_high_ceiling(app, client, auditor, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_RATE_LIMIT", "3 per minute")
    statuses = [sign_in(client, username=f"user{n}").status_code for n in range(4)]
    assert statuses == [401, 401, 401, 429]
    assert sign_in(client, address="10.0.0.2").status_code == 302


LOCKED = "密码错误次数过多，该账号已被临时锁定"


def fail_from_many_addresses(client, username, times):
    return [
        sign_in(client, username=username, password="wrong", address=f"10.0.0.{n}")
        for n in range(1, times + 1)
    ]


@pytest.mark.parametrize("username", ["auditor1", "nobody-here"])
def test_wrong_passwords_from_any_address_lock_the_username(client, auditor, username):
    failures = fail_from_many_addresses(client, username, 5)
    assert [r.status_code for r in failures] == [401, 401, 401, 401, 429]
    assert "用户名或密码错误" in failures[0].get_data(as_text=True)
    assert LOCKED in failures[-1].get_data(as_text=True)

    # Locked for the right password too, from yet another address; an unknown username reads
    # exactly the same, so the lock tells nobody whether the account exists.
    again = sign_in(client, username=username, address="192.0.2.7")
    assert again.status_code == 429 and LOCKED in again.get_data(as_text=True)
    assert "15 分钟后再试" in again.get_data(as_text=True)
    assert client.get("/console/").status_code == 302
    # Other accounts are not affected.
    assert sign_in(client, username="someone-else", password="x").status_code == 401


def test_the_lock_lifts_after_its_period(app, client, auditor, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LOCKOUT_MINUTES", 1 / 60)  # one second
    fail_from_many_addresses(client, "auditor1", 5)
    assert sign_in(client).status_code == 429
    time.sleep(1.1)
    assert sign_in(client).status_code == 302


def test_a_successful_sign_in_clears_the_failures(client, auditor):
    assert [r.status_code for r in fail_from_many_addresses(client, "auditor1", 4)] == [401] * 4
    assert sign_in(client).status_code == 302
    assert [r.status_code for r in fail_from_many_addresses(client, "auditor1", 4)] == [401] * 4
    assert sign_in(client).status_code == 302


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
    from backend.console.estates.pages import TOPIC_LABELS
    from bot.messages import TOPICS

    assert set(TOPICS) - set(TOPIC_LABELS) == set()
