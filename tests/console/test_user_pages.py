"""The admin's staff list: console accounts of the admin's county, each deactivated (停用) or
reactivated (启用) after a confirmation page, by a POST with a CSRF token; other roles get
403, accounts outside the county 404."""

from types import SimpleNamespace

import pytest

from backend.access.roles import Role, ScopeKind
from backend.accounts import login
from backend.accounts import services as accounts
from backend.accounts.models import RefreshToken, User
from backend.extensions import db
from tests.console.test_console import PASSWORD, csrf_token, sign_in


@pytest.fixture
def staff(make):
    county = make.county(name="安溪县")
    township = make.township(county, name="凤城镇")
    community = make.community(township, name="中山社区")
    elsewhere = make.community(make.township(make.county(name="别的县")), name="外县社区")

    def create(username, role, kind, place):
        return accounts.create_staff(username, PASSWORD, role, kind, place.id, "黄伟")

    return SimpleNamespace(
        admin=create("admin1", Role.ADMIN, ScopeKind.COUNTY, county),
        officer=create("county1", Role.COUNTY_OFFICER, ScopeKind.COUNTY, county),
        township=create("township1", Role.TOWNSHIP_OFFICER, ScopeKind.TOWNSHIP, township),
        auditor=create("auditor1", Role.AUDITOR, ScopeKind.COMMUNITY, community),
        outsider=create("auditor9", Role.AUDITOR, ScopeKind.COMMUNITY, elsewhere),
    )


@pytest.fixture
def as_admin(client, staff):
    assert sign_in(client, "admin1").status_code == 302
    return client


def fresh(user) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def post_action(client, user, action, token=True):
    path = f"/console/users/{user.id}/{action}"
    data = {"csrf_token": csrf_token(client, path)} if token else {}
    return client.post(path, data=data)


def test_admin_sees_the_staff_of_the_county_only(as_admin):
    response = as_admin.get("/console/users")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for username in ("admin1", "county1", "township1", "auditor1"):
        assert username in page
    assert "auditor9" not in page
    assert "账号管理" in as_admin.get("/console/").get_data(as_text=True)


def test_the_confirmation_page_says_what_will_happen_and_changes_nothing(as_admin, staff):
    response = as_admin.get(f"/console/users/{staff.auditor.id}/deactivate")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "停用后，「auditor1」将立即退出控制台和小程序的所有登录" in page
    assert 'method="post"' in page and "确认停用" in page
    assert fresh(staff.auditor).is_active


def test_admin_deactivates_a_staff_member_and_every_session_ends(app, as_admin, staff):
    theirs = app.test_client()
    assert sign_in(theirs, "auditor1").status_code == 302
    assert theirs.get("/console/").status_code == 200

    response = post_action(as_admin, staff.auditor, "deactivate")

    assert response.status_code == 303 and response.headers["Location"].endswith("/console/users")
    after = fresh(staff.auditor)
    assert not after.is_active
    assert (after.session_version, after.token_version) == (1, 1)
    assert theirs.get("/console/").status_code == 302
    assert sign_in(theirs, "auditor1").status_code == 401
    assert "已停用账号「auditor1」" in as_admin.get("/console/users").get_data(as_text=True)


def test_deactivation_revokes_the_users_refresh_tokens(as_admin, staff, client):
    login.open_session(fresh(staff.auditor))
    db.session.commit()
    post_action(as_admin, staff.auditor, "deactivate")
    rows = db.session.query(RefreshToken).filter_by(user_id=staff.auditor.id).all()
    assert rows and all(row.revoked_at is not None for row in rows)


def test_admin_reactivates_and_the_user_signs_in_again(app, as_admin, staff):
    post_action(as_admin, staff.auditor, "deactivate")
    page = as_admin.get(f"/console/users/{staff.auditor.id}/reactivate").get_data(as_text=True)
    assert "启用后，「auditor1」可以重新登录" in page

    assert post_action(as_admin, staff.auditor, "reactivate").status_code == 303

    assert fresh(staff.auditor).is_active
    assert sign_in(app.test_client(), "auditor1").status_code == 302


def test_without_the_csrf_token_nothing_changes(as_admin, staff):
    response = post_action(as_admin, staff.auditor, "deactivate", token=False)
    assert response.status_code == 400
    assert response.json["error"]["code"] == "csrf_failed"
    assert fresh(staff.auditor).is_active


@pytest.mark.parametrize("username", ["county1", "township1", "auditor1"])
def test_other_roles_get_403(client, staff, username):
    assert sign_in(client, username).status_code == 302
    assert client.get("/console/users").status_code == 403
    assert client.get(f"/console/users/{staff.auditor.id}/deactivate").status_code == 403
    # The token from a page they may see: only the role is missing.
    token = csrf_token(client, "/console/")
    path = f"/console/users/{staff.auditor.id}/deactivate"
    response = client.post(path, data={"csrf_token": token})
    assert response.status_code == 403
    assert "账号管理" not in client.get("/console/").get_data(as_text=True)
    assert fresh(staff.auditor).is_active


def test_an_account_outside_the_admins_county_is_404(as_admin, staff):
    assert as_admin.get(f"/console/users/{staff.outsider.id}/deactivate").status_code == 404
    assert post_action(as_admin, staff.outsider, "deactivate").status_code == 404
    assert fresh(staff.outsider).is_active


def test_a_mini_program_user_is_not_on_the_list_and_is_404(as_admin, make):
    owner = make.user()
    assert post_action(as_admin, owner, "deactivate").status_code == 404


def test_an_admin_cannot_deactivate_themselves(as_admin, staff):
    response = post_action(as_admin, staff.admin, "deactivate")
    assert response.status_code == 409
    assert "不能停用自己的账号" in response.get_data(as_text=True)
    assert fresh(staff.admin).is_active


def test_the_action_is_post_only(as_admin, staff):
    response = as_admin.put(f"/console/users/{staff.auditor.id}/deactivate")
    assert response.status_code == 405
    assert fresh(staff.auditor).is_active


def test_signed_out_visitors_go_to_sign_in(client, staff):
    response = client.get("/console/users")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]


def lock(app, username):
    locked_out = app.test_client()
    for n in range(int(app.config["LOGIN_LOCKOUT_ATTEMPTS"])):
        sign_in(locked_out, username, password="wrong", address=f"10.1.0.{n}")
    assert sign_in(locked_out, username).status_code == 429
    return locked_out


def unlock(client, user, token=True):
    # No confirmation page: the token comes from a page every signed-in officer sees.
    data = {"csrf_token": csrf_token(client, "/console/")} if token else {}
    return client.post(f"/console/users/{user.id}/unlock", data=data)


def test_admin_lifts_a_sign_in_lock(app, as_admin, staff):
    theirs = lock(app, "auditor1")
    page = as_admin.get("/console/users").get_data(as_text=True)
    assert "已锁定" in page and "解除锁定" in page

    assert unlock(as_admin, staff.auditor, token=False).status_code == 400
    assert sign_in(theirs, "auditor1").status_code == 429
    response = unlock(as_admin, staff.auditor)

    assert response.status_code == 303 and response.headers["Location"].endswith("/console/users")
    assert "已解除账号「auditor1」的登录锁定" in as_admin.get("/console/users").get_data(
        as_text=True
    )
    assert sign_in(theirs, "auditor1").status_code == 302


def test_only_an_admin_lifts_a_lock_and_only_in_their_county(app, client, as_admin, staff):
    lock(app, "auditor9")
    assert unlock(as_admin, staff.outsider).status_code == 404
    officer = app.test_client()
    assert sign_in(officer, "county1").status_code == 302
    lock(app, "auditor1")
    assert unlock(officer, staff.auditor).status_code == 403
    assert sign_in(app.test_client(), "auditor1").status_code == 429
