"""API tokens end when they should: a refresh-token replay or a deactivation refuses every
access token issued before it, not only the refresh tokens; a deactivated user cannot log in."""

from sqlalchemy import select

from backend.accounts import sessions
from backend.accounts.models import RefreshToken, User
from backend.extensions import db
from tests.accounts.test_login import login


def me(client, access_token):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {access_token}"})


def refresh(client, refresh_token):
    return client.post("/api/v1/auth/refresh", json={"refresh_token": refresh_token})


def user_by_openid(openid) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.openid == openid))


def test_access_token_issued_before_a_replay_is_401_after_it(client, fake_wechat):
    first = login(client, "replayed").json
    renewed = refresh(client, first["refresh_token"]).json
    assert me(client, renewed["access_token"]).status_code == 200

    # The rotated refresh token comes back: only a stolen copy would be replayed.
    assert refresh(client, first["refresh_token"]).status_code == 401

    for token in (first["access_token"], renewed["access_token"]):
        response = me(client, token)
        assert response.status_code == 401
        assert response.json["error"]["code"] == "invalid_token"
    assert user_by_openid("replayed").token_version == 1


def test_logging_in_again_after_a_replay_gives_a_working_token(client, fake_wechat):
    first = login(client, "replayed-again").json
    refresh(client, first["refresh_token"])
    refresh(client, first["refresh_token"])  # the replay

    again = login(client, "replayed-again").json
    assert me(client, again["access_token"]).status_code == 200
    assert refresh(client, again["refresh_token"]).status_code == 200
    assert me(client, first["access_token"]).status_code == 401


def test_a_replay_leaves_other_users_tokens_alone(client, fake_wechat):
    bystander = login(client, "bystander").json
    victim = login(client, "victim").json
    refresh(client, victim["refresh_token"])
    refresh(client, victim["refresh_token"])
    assert me(client, bystander["access_token"]).status_code == 200
    assert user_by_openid("bystander").token_version == 0


def test_a_deactivated_users_wechat_login_is_403_and_changes_nothing(client, make, fake_wechat):
    person = make.user(openid="gone-away", unionid="union-1")
    sessions.deactivate(person)
    before = db.session.scalar(select(RefreshToken.id).order_by(RefreshToken.id.desc()).limit(1))

    response = login(client, "gone-away")

    assert response.status_code == 403
    assert response.json == {
        "error": {
            "code": "account_deactivated",
            "message": "该账号已被停用，无法登录。如有疑问，请联系社区或住建局工作人员",
            "fields": {},
        }
    }
    after = db.session.scalar(select(RefreshToken.id).order_by(RefreshToken.id.desc()).limit(1))
    assert after == before
    gone = user_by_openid("gone-away")
    assert (gone.is_active, gone.token_version, gone.unionid) == (False, 1, "union-1")


def test_deactivation_ends_every_token_of_the_user(client, fake_wechat):
    session = login(client, "to-deactivate").json
    person = user_by_openid("to-deactivate")

    sessions.deactivate(person)

    assert me(client, session["access_token"]).status_code == 401
    refused = refresh(client, session["refresh_token"])
    assert refused.status_code == 401  # revoked with the deactivation
    live = select(RefreshToken).where(
        RefreshToken.user_id == person.id, RefreshToken.revoked_at.is_(None)
    )
    assert db.session.scalars(live).all() == []


def test_a_deactivated_user_with_a_live_refresh_token_is_403(client, make, fake_wechat):
    session = login(client, "deactivated-by-hand").json
    person = user_by_openid("deactivated-by-hand")
    # As if deactivated outside the service (by SQL): the flag alone still refuses.
    person.is_active = False
    db.session.commit()
    response = refresh(client, session["refresh_token"])
    assert response.status_code == 403
    assert response.json["error"]["code"] == "account_deactivated"
    assert me(client, session["access_token"]).status_code == 401


def test_a_reactivated_user_logs_in_again_but_old_tokens_stay_dead(client, fake_wechat):
    old = login(client, "comes-back").json
    person = user_by_openid("comes-back")
    sessions.deactivate(person)
    sessions.reactivate(user_by_openid("comes-back"))

    fresh = login(client, "comes-back")
    assert fresh.status_code == 200
    assert me(client, fresh.json["access_token"]).status_code == 200
    assert me(client, old["access_token"]).status_code == 401
    assert refresh(client, old["refresh_token"]).status_code == 401
