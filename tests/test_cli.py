"""Operator commands: grant, create-staff, seed-demo."""

from backend.accounts.models import Membership, User
from backend.extensions import db
from backend.places.models import Estate, Unit


def test_grant_creates_user_and_role_once(runner, make):
    estate = make.estate()
    args = ["linli", "grant", "wx-openid-1", "committee_member", "estate", str(estate.id)]
    assert runner.invoke(args=args).exit_code == 0
    assert runner.invoke(args=args).exit_code == 0
    membership = db.session.query(Membership).one()
    assert (membership.role, membership.estate_id) == ("committee_member", estate.id)


def test_grant_refuses_wrong_scope_and_unknown_place(runner, make):
    estate = make.estate()
    wrong = runner.invoke(args=["linli", "grant", "x", "auditor", "estate", str(estate.id)])
    assert wrong.exit_code != 0 and "角色与范围不匹配" in wrong.output
    missing = runner.invoke(args=["linli", "grant", "x", "committee_member", "estate", "999"])
    assert missing.exit_code != 0 and "不存在" in missing.output
    assert db.session.query(Membership).count() == 0


def test_create_staff_hashes_password_and_refuses_a_taken_username(runner, make):
    community = make.community()
    args = ["linli", "create-staff", "auditor-x", "auditor", "community", str(community.id),
            "--password", "long-enough-pw"]  # fmt: skip
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
