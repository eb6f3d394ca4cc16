"""Operator commands: grant, create-staff, seed-demo."""

from backend.access.models import Membership
from backend.accounts.models import User
from backend.extensions import db
from backend.places.models import Estate, Unit


def test_grant_creates_user_and_role_once(runner, make):
    estate = make.estate()
    args = ["linli", "grant", "wx-openid-1", "committee_member", "estate", str(estate.id)]
    assert runner.invoke(args=[*args, "--real-name", "王芳"]).exit_code == 0
    assert runner.invoke(args=args).exit_code == 0  # the name is on record from the first
    membership = db.session.query(Membership).one()
    assert (membership.role, membership.estate_id) == ("committee_member", estate.id)
    assert membership.user.real_name == "王芳"


def test_grant_of_a_workflow_role_asks_for_a_real_name(runner, make):
    estate = make.estate()
    args = ["linli", "grant", "wx-openid-2", "committee_member", "estate", str(estate.id)]
    result = runner.invoke(args=args)
    assert result.exit_code != 0 and "真实姓名" in result.output and "real_name" in result.output
    assert db.session.query(Membership).count() == 0


def test_grant_refuses_wrong_scope_and_unknown_place(runner, make):
    estate = make.estate()
    named = ["--real-name", "王芳"]
    wrong = runner.invoke(args=["linli", "grant", "x", "auditor", "estate", str(estate.id), *named])
    assert wrong.exit_code != 0 and "角色与范围不匹配" in wrong.output
    missing = runner.invoke(
        args=["linli", "grant", "x", "committee_member", "estate", "999", *named]
    )
    assert missing.exit_code != 0 and "不存在" in missing.output
    assert db.session.query(Membership).count() == 0


def test_create_staff_hashes_password_and_refuses_a_taken_username(runner, make):
    community = make.community()
    args = ["linli", "create-staff", "auditor-x", "auditor", "community", str(community.id),
            "--password", "long-enough-pw", "--real-name", "林慧"]  # fmt: skip
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    user = db.session.query(User).filter_by(username="auditor-x").one()
    assert user.password_hash and "long-enough-pw" not in user.password_hash
    again = runner.invoke(args=args)
    assert again.exit_code != 0 and "已存在" in again.output


def test_create_staff_refuses_short_password_and_owner_role(runner, make):
    community = make.community()
    short = runner.invoke(
        args=[
            "linli",
            "create-staff",
            "a",
            "auditor",
            "community",
            str(community.id),
            "--password",
            "short",
            "--real-name",
            "林慧",
        ]  # fmt: skip
    )
    assert short.exit_code != 0 and "8" in short.output
    owner = runner.invoke(
        args=[
            "linli",
            "create-staff",
            "b",
            "owner",
            "community",
            str(community.id),
            "--password",
            "long-enough-pw",
            "--real-name",
            "林慧",
        ]  # fmt: skip
    )
    assert owner.exit_code != 0
    assert db.session.query(User).count() == 0


def test_seed_demo_loads_once(runner):
    assert "loaded" in runner.invoke(args=["linli", "seed-demo"]).output
    counts = (
        db.session.query(Estate).count(),
        db.session.query(Unit).count(),
        db.session.query(User).count(),
    )
    assert counts[0] == 8 and 1800 <= counts[1] <= 2400
    assert "already" in runner.invoke(args=["linli", "seed-demo"]).output
    assert counts == (
        db.session.query(Estate).count(),
        db.session.query(Unit).count(),
        db.session.query(User).count(),
    )


def _staff(make, username="auditor-z"):
    from backend.accounts import services as accounts

    return accounts.create_staff(
        username, "long-enough-pw", "auditor", "community", make.community().id, "林慧"
    )


def _fresh(user_id) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


def test_deactivate_user_by_username_ends_sessions_and_tokens(runner, make):
    from backend.accounts import login
    from backend.accounts.models import RefreshToken

    staff = _staff(make)
    login.open_session(staff)
    db.session.commit()

    result = runner.invoke(args=["linli", "deactivate-user", "auditor-z"])

    assert result.exit_code == 0, result.output
    assert f"deactivated user {staff.id} (auditor-z)" in result.output
    user = _fresh(staff.id)
    assert (user.is_active, user.session_version, user.token_version) == (False, 1, 1)
    tokens = db.session.query(RefreshToken).filter_by(user_id=staff.id).all()
    assert tokens and all(t.revoked_at is not None for t in tokens)


def test_deactivate_and_reactivate_user_by_id(runner, make):
    owner = make.user(openid="wx-owner-9")
    gone = runner.invoke(args=["linli", "deactivate-user", "--id", str(owner.id)])
    assert gone.exit_code == 0, gone.output
    assert not _fresh(owner.id).is_active

    back = runner.invoke(args=["linli", "reactivate-user", "--id", str(owner.id)])
    assert back.exit_code == 0, back.output
    user = _fresh(owner.id)
    # Back in, but what the deactivation ended stays ended.
    assert (user.is_active, user.token_version) == (True, 1)


def test_reactivate_user_by_username(runner, make):
    staff = _staff(make)
    runner.invoke(args=["linli", "deactivate-user", "auditor-z"])
    result = runner.invoke(args=["linli", "reactivate-user", "auditor-z"])
    assert result.exit_code == 0 and "reactivated" in result.output
    assert _fresh(staff.id).is_active


def test_deactivate_user_refuses_an_unknown_user_or_two_names(runner, make):
    staff = _staff(make)
    unknown = runner.invoke(args=["linli", "deactivate-user", "nobody"])
    assert unknown.exit_code != 0 and "没有这个用户" in unknown.output
    missing = runner.invoke(args=["linli", "deactivate-user", "--id", "999999"])
    assert missing.exit_code != 0 and "没有这个用户" in missing.output
    both = runner.invoke(args=["linli", "deactivate-user", "auditor-z", "--id", str(staff.id)])
    neither = runner.invoke(args=["linli", "deactivate-user"])
    assert both.exit_code == neither.exit_code == 2
    assert _fresh(staff.id).is_active


def test_unlock_user_lifts_a_console_sign_in_lock(app, runner, make):
    from tests.console.test_console import sign_in

    _staff(make)
    client = app.test_client()
    for n in range(int(app.config["LOGIN_LOCKOUT_ATTEMPTS"])):
        sign_in(client, "auditor-z", password="wrong", address=f"10.2.0.{n}")
    assert sign_in(client, "auditor-z", password="long-enough-pw").status_code == 429

    result = runner.invoke(args=["linli", "unlock-user", "auditor-z"])

    assert result.exit_code == 0, result.output
    assert "unlocked user" in result.output and "auditor-z" in result.output
    assert sign_in(client, "auditor-z", password="long-enough-pw").status_code == 302
    again = runner.invoke(args=["linli", "unlock-user", "auditor-z"])
    assert again.exit_code == 0 and "was not locked" in again.output
    unknown = runner.invoke(args=["linli", "unlock-user", "nobody"])
    assert unknown.exit_code != 0 and "没有这个用户" in unknown.output
