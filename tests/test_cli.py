"""Operator commands: grant, create-staff, seed-demo."""

from datetime import timedelta

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


def test_demo_accounts_form_a_valid_chain_and_fill_every_queue(runner):
    from backend.ledger import services as ledger
    from backend.ledger.models import LedgerPeriod, LedgerQuestion

    runner.invoke(args=["linli", "seed-demo"])
    first = db.session.query(Estate).order_by(Estate.id).first()
    statuses = sorted(s for (s,) in db.session.query(LedgerPeriod.status).all())
    assert statuses == ["committee_approved", "draft", "published", "published", "submitted"]
    assert ledger.verify_chain(first.id)["ok"] is True
    assert ledger.verify_chain(first.id)["periods_checked"] == 2
    assert db.session.query(LedgerQuestion).filter(LedgerQuestion.answer.is_(None)).count() == 1
    auditor = db.session.query(User).filter_by(username="auditor1").one()
    assert ledger.audit_queue(auditor, 1, 20).total == 1
    assert ledger.overdue_questions(auditor)
    verify = runner.invoke(args=["linli", "verify-ledger", str(first.id)])
    assert verify.exit_code == 0 and "OK: 2 published periods" in verify.output


def test_demo_tickets_cover_every_stage_of_the_loop(runner):
    from backend.tickets.models import Ticket, TicketDigest

    runner.invoke(args=["linli", "seed-demo"])
    by_status = {}
    for status, level, reason in db.session.query(
        Ticket.status, Ticket.escalation_level, Ticket.close_reason
    ):
        by_status.setdefault(status, []).append((level, reason))
    assert sorted(by_status["closed"]) == [(0, "not_rated"), (0, "rated")]
    assert by_status["replied"] and by_status["in_progress"]
    assert sorted(level for level, _ in by_status["submitted"]) == [0, 1, 2]  # hotline, lift, road
    assert db.session.query(Ticket).filter_by(channel="hotline").count() == 1
    assert db.session.query(TicketDigest).filter_by(kind="escalation").count() == 3


def test_demo_votes_have_a_decided_an_open_and_an_announced_motion(runner):
    from backend.votes.models import Ballot, Motion, MotionPost

    runner.invoke(args=["linli", "seed-demo"])
    motions = {m.status: m for m in db.session.query(Motion)}
    assert sorted(motions) == ["announced", "closed", "open"]
    decided = motions["closed"]
    assert decided.quorum_met is True and decided.passed is True
    assert decided.owners_total > 100
    channels = {c for (c,) in db.session.query(Ballot.channel).filter_by(motion_id=decided.id)}
    assert channels == {"miniprogram", "paper"}
    assert db.session.query(Ballot).filter_by(motion_id=motions["open"].id).count() == 6
    kinds = {k for (k,) in db.session.query(MotionPost.kind).filter_by(motion_id=decided.id)}
    assert kinds >= {"announced", "opened", "result"}


def test_demo_penalties_cover_every_kind_and_one_is_revoked(runner):
    from backend.governance import credit
    from backend.governance.models import CreditPenalty

    runner.invoke(args=["linli", "seed-demo"])
    penalties = db.session.query(CreditPenalty).all()
    assert {p.kind for p in penalties} == {
        "interview",
        "criticism",
        "deduction",
        "manager_dismissal",
        "project_removal",
    }
    assert [p.kind for p in penalties if p.revoked_at] == ["deduction"]
    county = db.session.query(Estate).first().county_id
    since = credit.today() - timedelta(days=400)
    counted = credit.figures(("county", county), since, credit.today())
    assert (counted.interview, counted.criticism, counted.deduction) == (2, 2, 1)
    assert (counted.manager_dismissal, counted.project_removal) == (1, 1)


def test_demo_register_has_committees_branches_and_one_term_due(runner):
    from backend.governance.credit import today
    from backend.governance.register.figures import RegisterFigures, figures_on
    from backend.governance.register.models import CommitteeCandidate, PartyBranch, VolunteerTeam

    runner.invoke(args=["linli", "seed-demo"])
    county = db.session.query(Estate).first().county_id
    assert figures_on(("county", county), today()) == RegisterFigures(
        estates=8, party_covered=5, committees=7, party_led=4, reelection_due=1
    )
    joint = [b for b in db.session.query(PartyBranch) if len(b.estates) > 1]
    assert len(joint) == 1
    assert db.session.query(VolunteerTeam).count() == 5
    statuses = sorted(c.status for c in db.session.query(CommitteeCandidate))
    assert statuses == ["active"] * 4 + ["elected"]
