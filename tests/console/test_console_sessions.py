"""Console sessions end when they should: at logout (every copy of the cookie, not only the
browser's), after a password change or a deactivation, after 30 idle minutes and 12 hours in
all; the cookie is Secure outside the embedded default."""

import pytest

from backend.access.roles import Role, ScopeKind
from backend.accounts import services as accounts
from backend.accounts import sessions
from backend.accounts.models import User
from backend.extensions import db
from tests.console.test_console import PASSWORD, csrf_token, sign_in
from tests.console.test_console import auditor as auditor  # noqa: F401  (the fixture)


def copy_of(app, client):
    """A second browser holding a copy of ``client``'s session cookie, as saved by a thief."""
    name = app.config["SESSION_COOKIE_NAME"]
    other = app.test_client()
    other.set_cookie(name, client.get_cookie(name).value)
    return other


def signed_in(client) -> bool:
    response = client.get("/console/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def logout(client):
    return client.post("/console/logout", data={"csrf_token": csrf_token(client, "/console/")})


def move_back(client, key, seconds):
    with client.session_transaction() as stored:
        stored[key] -= seconds


def test_cookie_saved_before_logout_is_refused_after_it(app, client, auditor):
    sign_in(client)
    saved = copy_of(app, client)
    assert signed_in(saved)

    logout(client)

    response = saved.get("/console/")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]
    assert not signed_in(client)


def test_logout_ends_every_session_of_the_user(app, client, auditor):
    sign_in(client)
    elsewhere = app.test_client()
    sign_in(elsewhere)
    logout(client)
    assert not signed_in(elsewhere)


def test_signing_in_again_after_logout_works(client, auditor):
    sign_in(client)
    logout(client)
    assert sign_in(client).status_code == 302
    assert signed_in(client)


def test_a_password_change_ends_other_sessions_but_not_this_one(app, client, auditor):
    sign_in(client)
    elsewhere = app.test_client()
    sign_in(elsewhere)

    response = client.post(
        "/console/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a-new-long-password",
            "confirm_password": "a-new-long-password",
            "csrf_token": csrf_token(client, "/console/password"),
        },
    )

    assert response.status_code == 303
    assert signed_in(client)
    assert not signed_in(elsewhere)
    assert sign_in(elsewhere).status_code == 401  # the old password
    assert sign_in(elsewhere, password="a-new-long-password").status_code == 302


@pytest.mark.parametrize(
    "form, field",
    [
        ({"current_password": "not-my-password"}, "current_password"),
        ({"new_password": "short", "confirm_password": "short"}, "new_password"),
        ({"confirm_password": "something-else"}, "confirm_password"),
    ],
)
def test_a_refused_password_change_changes_nothing(app, client, auditor, form, field):
    sign_in(client)
    elsewhere = app.test_client()
    sign_in(elsewhere)
    data = {
        "current_password": PASSWORD,
        "new_password": "a-new-long-password",
        "confirm_password": "a-new-long-password",
        **form,
        "csrf_token": csrf_token(client, "/console/password"),
    }
    response = client.post("/console/password", data=data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert signed_in(elsewhere)
    assert sign_in(app.test_client()).status_code == 302  # the old password still works


def test_a_password_change_needs_the_csrf_token(app, client, auditor):
    sign_in(client)
    response = client.post(
        "/console/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a-new-long-password",
            "confirm_password": "a-new-long-password",
        },
    )
    assert response.status_code == 400
    assert sign_in(app.test_client()).status_code == 302


def test_deactivation_ends_the_users_console_sessions(app, client, auditor):
    sign_in(client)
    saved = copy_of(app, client)
    sessions.deactivate(db.session.get(User, auditor.id))
    assert not signed_in(client)
    assert not signed_in(saved)
    assert sign_in(client).status_code == 401


def test_a_session_idle_for_the_idle_timeout_ends(app, client, auditor):
    sign_in(client)
    idle = app.config["CONSOLE_IDLE_MINUTES"] * 60
    move_back(client, sessions.SEEN_KEY, idle - 5)
    assert signed_in(client)  # and the request counts as activity
    move_back(client, sessions.SEEN_KEY, idle - 5)
    assert signed_in(client)
    move_back(client, sessions.SEEN_KEY, idle)
    assert not signed_in(client)


def test_a_session_ends_at_the_absolute_timeout_however_active(app, client, auditor):
    sign_in(client)
    move_back(client, sessions.SIGNED_IN_KEY, app.config["CONSOLE_MAX_HOURS"] * 3600 - 5)
    assert signed_in(client)
    move_back(client, sessions.SIGNED_IN_KEY, 10)
    assert not signed_in(client)


def test_last_seen_is_written_at_most_once_a_minute(client, auditor):
    sign_in(client)
    client.get("/console/")  # the first page after sign-in stores a fresh CSRF token
    with client.session_transaction() as stored:
        signed_in_at = stored[sessions.SIGNED_IN_KEY]
        stored[sessions.SEEN_KEY] -= 30
        seen = stored[sessions.SEEN_KEY]
    response = client.get("/console/")
    assert "Set-Cookie" not in response.headers  # nothing to write: no new cookie
    with client.session_transaction() as stored:
        assert stored[sessions.SEEN_KEY] == seen
        stored[sessions.SEEN_KEY] -= 60
    client.get("/console/")
    with client.session_transaction() as stored:
        assert stored[sessions.SEEN_KEY] >= seen + 30
        assert stored[sessions.SIGNED_IN_KEY] == signed_in_at


def test_a_session_from_before_versions_is_refused(client, auditor):
    # A cookie written by the previous release held only the user id.
    with client.session_transaction() as stored:
        stored["staff_user_id"] = auditor.id
    assert not signed_in(client)


def test_the_cookie_is_secure_outside_the_embedded_default(app, client, auditor):
    # The tests run on PostgreSQL and Redis, as production does, with no explicit setting.
    assert app.config["SESSION_COOKIE_SECURE"] is True
    cookie = sign_in(client).headers["Set-Cookie"]
    assert "; Secure" in cookie and "; HttpOnly" in cookie


def test_the_cookie_is_not_secure_when_switched_off(app, client, auditor, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", False)
    assert "Secure" not in sign_in(client).headers["Set-Cookie"]


def test_a_staff_member_created_after_sign_in_elsewhere_is_unaffected(app, client, auditor, make):
    other = accounts.create_staff(
        "county1", PASSWORD, Role.COUNTY_OFFICER, ScopeKind.COUNTY, make.county().id, "周敏"
    )
    theirs = app.test_client()
    sign_in(theirs, "county1")
    sign_in(client)
    logout(client)
    assert signed_in(theirs)
    assert db.session.get(User, other.id).session_version == 0
