"""Mini-program login through wechatpy and the fake WeChat server; access and refresh tokens."""

import time
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from backend.accounts.models import RefreshToken, User
from backend.extensions import db


def login(client, openid):
    return client.post("/api/v1/auth/wechat-login", json={"code": f"fake:{openid}"})


def test_login_with_fake_code_creates_user_once_and_returns_tokens(client, fake_wechat):
    first = login(client, "owner-a")
    second = login(client, "owner-a")
    login(client, "owner-b")

    assert first.status_code == 200, first.json
    assert set(first.json) == {"access_token", "refresh_token", "expires_in", "user"}
    assert first.json["user"]["id"] == second.json["user"]["id"]
    assert db.session.query(User).filter_by(openid="owner-a").count() == 1
    assert fake_wechat.calls().get("/sns/jscode2session") == 3
    # One access token per process, not one per login (WeChat caps cgi-bin/token per day).
    assert fake_wechat.calls().get("/cgi-bin/token", 0) <= 1


def test_me_with_access_token(client):
    token = login(client, "owner-b").json["access_token"]
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json["memberships"] == [] and response.json["claims"] == []


def test_code_wechat_refuses_is_401_and_creates_nobody(client):
    response = client.post("/api/v1/auth/wechat-login", json={"code": "not-a-fake-code"})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "invalid_login_code"
    assert db.session.query(User).count() == 0


def test_wechat_down_is_503_with_chinese_message(client, fake_wechat):
    fake_wechat.inject("http_500", count=5)
    response = login(client, "owner-c")
    assert response.status_code == 503
    assert "微信" in response.json["error"]["message"]


@pytest.mark.parametrize(
    "body, status",
    [
        ({}, 422),
        ({"code": ""}, 422),
        ({"code": 12345}, 422),
        ({"code": "x" * 10_000}, 422),
        ({"code": "fake:a", "extra": 1}, 422),
    ],
)
def test_bad_login_bodies_get_json_errors(client, body, status):
    response = client.post("/api/v1/auth/wechat-login", json=body)
    assert response.status_code == status
    assert response.json["error"]["fields"]
    assert db.session.query(User).count() == 0


def test_malformed_json_is_400(client):
    response = client.post(
        "/api/v1/auth/wechat-login", data="{code:", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json["error"]["code"] == "malformed_json"


def test_form_body_is_415(client):
    response = client.post("/api/v1/auth/wechat-login", data={"code": "fake:x"})
    assert response.status_code == 415
    assert response.json["error"]["message"]


def _token(app, **claims):
    now = datetime.now(UTC)
    base = {
        "sub": "1",
        "iss": "linli",
        "aud": "linli-api",
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "ver": 0,
    }
    base.update(claims)
    return jwt.encode(
        {k: v for k, v in base.items() if v is not None},
        app.config["JWT_SECRET"],
        algorithm="HS256",
    )


def _alg_none(user_id):
    header = jwt.utils.base64url_encode(b'{"alg":"none","typ":"JWT"}').decode()
    exp = int(time.time()) + 300
    payload = jwt.utils.base64url_encode(
        f'{{"sub":"{user_id}","iss":"linli","aud":"linli-api","iat":1,"exp":{exp}}}'.encode()
    ).decode()
    return f"{header}.{payload}."


@pytest.mark.parametrize(
    "make_token, code",
    [
        (
            lambda app, uid: _token(
                app, sub=str(uid), exp=datetime.now(UTC) - timedelta(seconds=1)
            ),
            "token_expired",
        ),
        (lambda app, uid: _alg_none(uid), "invalid_token"),
        (lambda app, uid: _token(app, sub=str(uid))[:-3] + "abc", "invalid_token"),
        (lambda app, uid: _token(app, sub=str(uid), aud="someone-else"), "invalid_token"),
        (lambda app, uid: _token(app, sub=str(uid), iss="evil"), "invalid_token"),
        (lambda app, uid: _token(app, sub=str(uid), exp=None), "invalid_token"),
        (lambda app, uid: _token(app, sub=str(uid), ver=None), "invalid_token"),
        (lambda app, uid: _token(app, sub=str(uid), ver="0"), "invalid_token"),
        (lambda app, uid: _token(app, sub=str(uid), ver=1), "invalid_token"),
        (
            lambda app, uid: jwt.encode(
                {"sub": str(uid)}, "a-completely-different-signing-key-0123", algorithm="HS256"
            ),
            "invalid_token",
        ),
        (lambda app, uid: "garbage", "invalid_token"),
    ],
    ids=[
        "expired",
        "alg-none",
        "tampered",
        "audience",
        "issuer",
        "no-exp",
        "no-version",
        "text-version",
        "other-version",
        "other-key",
        "junk",
    ],
)
def test_bad_access_tokens_are_401(app, client, make, make_token, code):
    user = make.user()
    token = make_token(app, user.id)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json["error"]["code"] == code


def test_missing_token_is_401(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "auth_required"


def test_refresh_rotates_and_old_refresh_token_stops_working(client):
    session = login(client, "owner-d").json
    renewed = client.post("/api/v1/auth/refresh", json={"refresh_token": session["refresh_token"]})
    assert renewed.status_code == 200
    assert renewed.json["refresh_token"] != session["refresh_token"]
    me = client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {renewed.json['access_token']}"}
    )
    assert me.status_code == 200

    replay = client.post("/api/v1/auth/refresh", json={"refresh_token": session["refresh_token"]})
    assert replay.status_code == 401


def test_replaying_a_used_refresh_token_revokes_every_session(client):
    session = login(client, "owner-e").json
    renewed = client.post("/api/v1/auth/refresh", json={"refresh_token": session["refresh_token"]})
    client.post("/api/v1/auth/refresh", json={"refresh_token": session["refresh_token"]})

    after_theft = client.post(
        "/api/v1/auth/refresh", json={"refresh_token": renewed.json["refresh_token"]}
    )
    assert after_theft.status_code == 401
    assert db.session.query(RefreshToken).filter(RefreshToken.revoked_at.is_(None)).count() == 0


def test_unknown_refresh_token_is_401(client):
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": "nope"})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "invalid_refresh_token"


def login_from(client, openid, address):
    return client.post(
        "/api/v1/auth/wechat-login",
        json={"code": f"fake:{openid}"},
        environ_base={"REMOTE_ADDR": address},
    )


def test_owners_behind_one_carrier_address_all_log_in(client):
    # A vote announced in the estate's group: owners' phones share a CGNAT address.
    statuses = [login_from(client, f"cgnat-{n}", "100.64.0.1").status_code for n in range(50)]
    assert statuses == [200] * 50
    assert db.session.query(User).filter(User.openid.like("cgnat-%")).count() == 50


def test_one_login_code_hammered_is_limited(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WECHAT_LOGIN_RATE_LIMIT", "3 per minute")
    statuses = [login(client, "hammer").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    blocked = login(client, "hammer")
    assert blocked.json["error"]["code"] == "rate_limited"
    assert login(client, "neighbour").status_code == 200


def test_one_owner_with_fresh_codes_each_time_is_limited(app, client, monkeypatch):
    # wx.login() hands out a new code on every call: the limit follows the owner too.
    monkeypatch.setitem(app.config, "WECHAT_LOGIN_RATE_LIMIT", "3 per minute")
    gateway = app.extensions["linli_wechat_login"]
    exchange = gateway.code_to_session
    monkeypatch.setattr(gateway, "code_to_session", lambda code: exchange("fake:same-owner"))
    statuses = [login(client, f"code-{n}").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert login(client, "code-4").json["error"]["code"] == "rate_limited"
    monkeypatch.setattr(gateway, "code_to_session", exchange)
    assert login(client, "neighbour").status_code == 200


def test_one_address_has_only_a_high_ceiling(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WECHAT_LOGIN_ADDRESS_RATE_LIMIT", "3 per minute")
    statuses = [login_from(client, f"flood-{n}", "198.51.100.9").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert login_from(client, "elsewhere", "198.51.100.10").status_code == 200
    assert db.session.query(User).filter(User.openid.like("flood-%")).count() == 3


def login_via_proxy(client, openid, forwarded_for):
    return client.post(
        "/api/v1/auth/wechat-login",
        json={"code": f"fake:{openid}"},
        headers={"X-Forwarded-For": forwarded_for},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},  # the reverse proxy
    )


def test_behind_a_trusted_proxy_the_ceiling_counts_the_clients_address(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WECHAT_LOGIN_ADDRESS_RATE_LIMIT", "2 per minute")
    monkeypatch.setitem(app.config, "PROXY_HOPS", 1)
    statuses = [
        login_via_proxy(client, f"proxied-{n}", "198.51.100.20").status_code for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    # Another owner behind the same proxy has a ceiling of their own.
    assert login_via_proxy(client, "proxied-other", "198.51.100.21").status_code == 200
    # Only the hop the proxy added is believed: an entry the client wrote itself is not.
    spoofed = "203.0.113.1, 198.51.100.20"
    assert login_via_proxy(client, "proxied-spoof", spoofed).status_code == 429


def test_without_trusted_proxies_a_forwarded_address_is_ignored(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WECHAT_LOGIN_ADDRESS_RATE_LIMIT", "2 per minute")
    statuses = [
        login_via_proxy(client, f"direct-{n}", f"198.51.100.{30 + n}").status_code for n in range(3)
    ]
    assert statuses == [200, 200, 429]


def refresh(client, token, address="100.64.0.1"):
    return client.post(
        "/api/v1/auth/refresh", json={"refresh_token": token}, environ_base={"REMOTE_ADDR": address}
    )


def test_refresh_is_limited_per_user(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REFRESH_RATE_LIMIT", "2 per minute")
    token = login(client, "refresher").json["refresh_token"]
    statuses = []
    for _ in range(3):
        response = refresh(client, token)
        statuses.append(response.status_code)
        token = response.json.get("refresh_token", token)
    assert statuses == [200, 200, 429]
    # A neighbour refreshing from the same address is not held back by that.
    other = login(client, "neighbour").json["refresh_token"]
    assert refresh(client, other).status_code == 200
