"""Binding a verified owner to a WeCom member: a code from the API, "绑定 <code>" sent to the
Linli app, and the limits around it (expiry, replacement, one owner per member, guessing)."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from backend.access.models import Membership
from backend.access.roles import Role
from backend.accounts import wecom
from backend.accounts.models import WecomBinding
from backend.errors import Conflict, Forbidden, ValidationFailed
from backend.extensions import db
from tests.bot import wecom_support
from tests.bot.wecom_support import replies_to

# The test as WeCom's server, and queued handler jobs (shared with tests/bot).
wecom_server = wecom_support.wecom_server
run_jobs = wecom_support.run_jobs

URL = "/api/v1/me/wecom-binding"


@pytest.fixture
def owner(make):
    return make.member(Role.OWNER, make.unit(make.estate()))


def new_code(client, auth, person) -> str:
    response = client.post(URL, headers=auth(person))
    assert response.status_code == 201, response.json
    return response.json["code"]


def test_an_owner_binds_by_sending_the_code_to_the_app(
    client, auth, owner, wecom_server, run_jobs, fake_wechat
):
    issued = client.post(URL, headers=auth(owner))
    assert issued.status_code == 201
    code = issued.json["code"]
    assert len(code) == 6 and code.isdigit()
    assert issued.json["instruction"] == f"请在企业微信“邻里”应用中发送：绑定 {code}"
    assert issued.json["expires_at"].endswith("+00:00")

    wecom_server.text("ZhangSanFeng", f"绑定 {code}")
    run_jobs()

    status = client.get(URL, headers=auth(owner)).json
    assert status["bound"] is True
    assert status["wecom_userid_hint"] == "••••Feng"
    assert status["bound_at"] is not None
    assert replies_to(fake_wechat, "ZhangSanFeng")[0].startswith("绑定成功")
    assert wecom.user_for_wecom("ZhangSanFeng").id == owner.id


def test_the_code_is_stored_hashed_and_expires_in_ten_minutes(client, auth, owner):
    code = new_code(client, auth, owner)

    row = db.session.scalar(select(WecomBinding).where(WecomBinding.user_id == owner.id))
    assert row.code_hash != code and code not in row.code_hash
    assert row.wecom_userid is None
    left = row.code_expires_at - row.created_at
    assert timedelta(minutes=9) < left <= timedelta(minutes=10, seconds=5)


def test_someone_who_is_not_a_verified_owner_gets_403(client, auth, make):
    claimant = make.user()

    response = client.post(URL, headers=auth(claimant))

    assert response.status_code == 403
    assert response.json["error"]["code"] == "not_verified_owner"
    assert "认证" in response.json["error"]["message"]


def test_without_a_token_the_binding_endpoints_are_401(client):
    assert client.get(URL).status_code == 401
    assert client.post(URL).status_code == 401
    assert client.delete(URL).status_code == 401


def test_an_unbound_user_reads_not_bound(client, auth, owner):
    response = client.get(URL, headers=auth(owner))

    assert response.status_code == 200
    assert response.json == {"bound": False, "bound_at": None, "wecom_userid_hint": None}


def test_a_new_code_replaces_the_old_one(client, auth, owner):
    old = new_code(client, auth, owner)
    new = new_code(client, auth, owner)
    if old == new:  # one in a million: draw once more
        new = new_code(client, auth, owner)

    with pytest.raises(ValidationFailed) as refused:
        wecom.bind("zhangsan", old)
    assert refused.value.code == "invalid_bind_code"
    assert wecom.bind("zhangsan", new).id == owner.id


def test_an_expired_code_is_refused_in_the_reply(
    client, auth, owner, wecom_server, run_jobs, fake_wechat
):
    code = new_code(client, auth, owner)
    db.session.execute(
        update(WecomBinding).values(
            code_expires_at=WecomBinding.code_expires_at - timedelta(minutes=11)
        )
    )
    db.session.commit()

    wecom_server.text("zhangsan", f"绑定 {code}")
    run_jobs()

    assert "已过期" in replies_to(fake_wechat, "zhangsan")[0]
    assert client.get(URL, headers=auth(owner)).json["bound"] is False


def test_a_wrong_code_is_refused_in_the_reply(wecom_server, run_jobs, fake_wechat, owner):
    wecom_server.text("zhangsan", "绑定 000000")
    run_jobs()

    assert replies_to(fake_wechat, "zhangsan")[0].startswith("绑定未成功：绑定码不正确")


def test_after_five_attempts_in_ten_minutes_even_the_right_code_is_refused(
    client, auth, owner, wecom_server, run_jobs, fake_wechat
):
    code = new_code(client, auth, owner)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        wecom_server.text("guesser", f"绑定 {wrong}")
    wecom_server.text("guesser", f"绑定 {code}")
    run_jobs()

    replies = replies_to(fake_wechat, "guesser")
    assert len(replies) == 6
    assert "尝试次数过多" in replies[-1]
    assert client.get(URL, headers=auth(owner)).json["bound"] is False


def test_the_attempt_limit_is_per_wecom_member(client, auth, owner):
    code = new_code(client, auth, owner)
    for _ in range(5):
        with pytest.raises(ValidationFailed):
            wecom.bind("guesser", "999999" if code != "999999" else "999998")

    assert wecom.bind("zhangsan", code).id == owner.id


def test_without_redis_the_attempt_limit_is_kept_in_memory(app, client, auth, owner, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "")
    monkeypatch.setitem(app.extensions, "linli_wecom_bind_limiter", None)  # built anew
    code = new_code(client, auth, owner)
    for _ in range(5):
        with pytest.raises(ValidationFailed):
            wecom.bind("guesser", "999999" if code != "999999" else "999998")

    with pytest.raises(wecom.TooManyAttempts):
        wecom.bind("guesser", code)
    assert type(app.extensions["linli_wecom_bind_limiter"].storage).__name__ == "MemoryStorage"


def test_a_wecom_member_bound_to_one_owner_cannot_bind_another(client, auth, owner, make):
    other = make.member(Role.OWNER, make.unit(make.estate()))
    wecom.bind("zhangsan", new_code(client, auth, owner))

    with pytest.raises(Conflict) as refused:
        wecom.bind("zhangsan", new_code(client, auth, other))

    assert refused.value.code == "wecom_bound_elsewhere"
    assert wecom.user_for_wecom("zhangsan").id == owner.id


def test_binding_again_moves_the_owner_to_the_new_wecom_member(client, auth, owner):
    wecom.bind("old-phone", new_code(client, auth, owner))

    wecom.bind("new-phone", new_code(client, auth, owner))

    assert wecom.user_for_wecom("old-phone") is None
    assert wecom.user_for_wecom("new-phone").id == owner.id


def test_unbinding_forgets_the_wecom_member(client, auth, owner):
    wecom.bind("zhangsan", new_code(client, auth, owner))

    response = client.delete(URL, headers=auth(owner))

    assert response.status_code == 204
    assert client.get(URL, headers=auth(owner)).json["bound"] is False
    assert wecom.user_for_wecom("zhangsan") is None
    assert client.delete(URL, headers=auth(owner)).status_code == 204  # nothing left: fine


def test_a_code_drawn_twice_is_drawn_again(client, auth, owner, make, monkeypatch):
    other = make.member(Role.OWNER, make.unit(make.estate()))
    draws = iter([123456, 123456, 654321])
    monkeypatch.setattr(wecom.secrets, "randbelow", lambda _: next(draws))

    first = new_code(client, auth, owner)
    second = new_code(client, auth, other)

    assert (first, second) == ("123456", "654321")
    assert wecom.bind("zhangsan", "654321").id == other.id


def test_an_owner_who_lost_ownership_cannot_bind_with_an_earlier_code(client, auth, owner):
    code = new_code(client, auth, owner)
    db.session.execute(Membership.__table__.delete().where(Membership.user_id == owner.id))
    db.session.commit()

    with pytest.raises(Forbidden) as refused:
        wecom.bind("zhangsan", code)
    assert refused.value.code == "not_verified_owner"
