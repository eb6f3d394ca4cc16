"""What the demo county (`flask linli seed-demo`, loaded by `make run` on first start) holds:
each slice's story is there for a newcomer to click through. The county is loaded once for the
module; each test reads it and rolls back whatever it touches."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from backend.accounts.models import User
from backend.common import storage
from backend.extensions import db
from backend.governance.meetings.figures import figures
from backend.governance.meetings.models import AgendaItem, MeetingMinutes
from backend.governance.meetings.schedule import last_completed
from backend.governance.ratings.figures import StarDistribution, distribution
from backend.places.models import Building, Community, County, Estate


@pytest.fixture
def demo(demo_county, app):
    """The demo county, loaded once for this module."""


def test_demo_accounts_form_a_valid_chain_and_fill_every_queue(demo, runner):
    from backend.ledger import questions, statements, workflow
    from backend.ledger.models import LedgerPeriod, LedgerQuestion

    first = db.session.query(Estate).order_by(Estate.id).first()
    statuses = sorted(s for (s,) in db.session.query(LedgerPeriod.status).all())
    assert statuses == ["committee_approved", "draft", "published", "published", "submitted"]
    assert statements.verify_chain(first.id)["ok"] is True
    assert statements.verify_chain(first.id)["periods_checked"] == 2
    assert db.session.query(LedgerQuestion).filter(LedgerQuestion.answer.is_(None)).count() == 1
    auditor = db.session.query(User).filter_by(username="auditor1").one()
    assert workflow.audit_queue(auditor, 1, 20).total == 1
    assert questions.overdue_questions(auditor)
    verify = runner.invoke(args=["linli", "verify-ledger", str(first.id)])
    assert verify.exit_code == 0 and "OK: 2 published periods" in verify.output


def test_demo_tickets_cover_every_stage_of_the_loop(demo):
    from backend.tickets.models import Ticket, TicketDigest

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


def test_demo_votes_have_a_decided_an_open_and_an_announced_motion(demo):
    from backend.funds.models import RepairProject
    from backend.votes.models import Ballot, Motion, MotionPost

    # The fund's slice adds a motion of one building's owners (see the fund's test below).
    cited = select(RepairProject.motion_id).where(RepairProject.motion_id.is_not(None))
    motions = {m.status: m for m in db.session.query(Motion).filter(Motion.id.not_in(cited))}
    assert sorted(motions) == ["announced", "closed", "open"]
    decided = motions["closed"]
    assert decided.quorum_met is True and decided.passed is True
    assert decided.owners_total > 100
    channels = {c for (c,) in db.session.query(Ballot.channel).filter_by(motion_id=decided.id)}
    assert channels == {"miniprogram", "paper"}
    assert db.session.query(Ballot).filter_by(motion_id=motions["open"].id).count() == 6
    kinds = {k for (k,) in db.session.query(MotionPost.kind).filter_by(motion_id=decided.id)}
    assert kinds >= {"announced", "opened", "result"}


def test_demo_penalties_cover_every_kind_and_one_is_revoked(demo):
    from backend.governance.credit import figures as credit
    from backend.governance.credit.models import CreditPenalty

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


def test_demo_register_has_committees_branches_and_one_term_due(demo):
    from backend.governance.credit.figures import today
    from backend.governance.register.figures import RegisterFigures, figures_on
    from backend.governance.register.models import CommitteeCandidate, PartyBranch, VolunteerTeam

    county = db.session.query(Estate).first().county_id
    assert figures_on(("county", county), today()) == RegisterFigures(
        estates=8, party_covered=5, committees=7, party_led=4, reelection_due=1
    )
    joint = [b for b in db.session.query(PartyBranch) if len(b.estates) > 1]
    assert len(joint) == 1
    assert db.session.query(VolunteerTeam).count() == 5
    statuses = sorted(c.status for c in db.session.query(CommitteeCandidate))
    assert statuses == ["active"] * 4 + ["elected"]


def test_demo_meetings(demo):
    county = db.session.scalar(select(County).where(County.name == "安溪县"))
    months = last_completed()[0].month
    year = last_completed()[0].year
    counted = figures(("county", county.id), date(year, 1, 1), date(year, 12, 31))
    assert counted.meetings_held == 4 * months - 2
    assert counted.communities == 4 and counted.communities_overdue == 1
    assert counted.items_decided > 0 and 0 < counted.disputes_resolved < counted.disputes
    late = db.session.scalar(select(Community).where(Community.name == "砖文社区"))
    assert figures(("community", late.id), date(year, 1, 1), date(year, 12, 31)).communities_overdue
    linked = db.session.scalars(
        select(AgendaItem).where(
            AgendaItem.ticket_id.is_not(None) | AgendaItem.problem_item_id.is_not(None)
        )
    ).all()
    assert len(linked) == 2
    minutes = db.session.scalars(select(MeetingMinutes)).all()
    assert len(minutes) == 4
    with storage.open_file(minutes[0].storage_key) as stored:
        assert stored.read(5) == b"%PDF-"


def test_demo_county_has_a_spread_of_2025_ratings(demo):
    from sqlalchemy import select

    from backend.extensions import db
    from backend.governance.ratings.models import AppealStatus, RatingAppeal
    from backend.places.models import County

    county_id = db.session.scalar(select(County.id).where(County.name == "安溪县"))
    assert distribution(("county", county_id), 2025) == StarDistribution(
        five=1, four=1, three=1, two=1, one=1, no_star=1, unrated=2
    )
    assert db.session.scalar(select(RatingAppeal.status)) == AppealStatus.OPEN


def test_demo_estate_shows_its_whole_public_record_to_an_owner(demo, client, auth):
    from backend.notices.models import Notice

    owner = db.session.scalar(select(User).where(User.openid == "demo-owner-1-2"))
    first = db.session.scalar(select(Estate).order_by(Estate.id).limit(1))
    url = f"/api/v1/estates/{first.id}/public-record"
    body = client.get(url, headers=auth(owner)).json
    assert body["committee"]["members"] and body["committee"]["members"][0]["role_label"] == "主任"
    assert body["company"]["name"] and body["company"]["managers"]
    assert (body["rating"]["year"], body["rating"]["stars"]) == (2025, 5)
    assert body["problems_closed_out"] == 1 and body["problems_open"] == 1
    assert body["decisions"] >= 1
    problems = client.get(
        f"/api/v1/estates/{first.id}/problems",
        headers=auth(owner),
        query_string={"status": "closed_out"},
    ).json
    [photo] = problems["items"][0]["photo_urls"]
    assert client.get(photo, headers=auth(owner)).status_code == 200
    township = db.session.scalar(select(Notice).where(Notice.audience_kind == "township"))
    assert township.attachment_count == 2


def test_every_demo_actor_has_a_real_name_and_claims_meet_the_register(demo):
    from backend.access.models import Membership
    from backend.claims.models import Claim
    from backend.claims.services import owner_of_record_match

    actors = (
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.role != "owner")
        )
        .unique()
        .all()
    )
    assert actors and all(u.real_name and u.real_name != "微信用户" for u in actors)
    names = {u.real_name for u in actors}
    assert len(names) == len({u.id for u in actors})  # one name each: trails tell them apart
    matches = sorted(
        owner_of_record_match(c.real_name, c.unit) for c in db.session.scalars(select(Claim))
    )
    assert set(matches) == {"match", "mismatch"}


def check_demo_fund() -> None:
    """One estate's fund: imported balances, a project passed by its building's owners and
    paid (its payment a link of the verified chain), an emergency repair signed by the three
    parties, and a project waiting for the township's pre-check."""
    from backend.funds import chain
    from backend.funds.models import (
        EmergencySignOff,
        MaintenanceFund,
        RepairPayment,
        RepairProject,
        RepairRating,
    )
    from backend.votes.models import Motion

    first = db.session.scalar(select(Estate).order_by(Estate.id).limit(1))
    fund = db.session.scalar(select(MaintenanceFund).where(MaintenanceFund.estate_id == first.id))
    projects = {p.status: p for p in db.session.scalars(select(RepairProject))}
    assert sorted(projects) == ["in_progress", "paid", "submitted"]

    paid = projects["paid"]
    motion = db.session.get(Motion, paid.motion_id)
    assert (paid.path, motion.matter, motion.status, motion.passed) == (
        "vote",
        "use_maintenance_fund",
        "closed",
        True,
    )
    assert motion.building_ids == [paid.units[0].building_id]
    [payment] = db.session.scalars(select(RepairPayment).where(RepairPayment.project_id == paid.id))
    check = chain.verify(fund)
    assert check["ok"] is True and payment.movement_id in check["movement_ids"]
    assert paid.paid_fen == payment.amount_fen == paid.approved_budget_fen
    assert (paid.paid_at - paid.submitted_at).days >= 60  # weeks of work, for the dashboards
    ratings = db.session.scalars(
        select(RepairRating.score).where(RepairRating.project_id == paid.id)
    )
    assert sorted(ratings) == [3, 4, 4, 5, 5]

    emergency = projects["in_progress"]
    kinds = db.session.scalars(
        select(EmergencySignOff.kind).where(EmergencySignOff.project_id == emergency.id)
    )
    assert emergency.path == "emergency" and emergency.category == "lift"
    assert sorted(kinds) == ["committee", "community", "township"]
    assert emergency.owners_told_at is not None

    waiting = projects["submitted"]
    township = db.session.scalar(select(User).where(User.username == "township1"))
    from backend.console.funds.projects import precheck_queue

    assert [row["id"] for row in precheck_queue(township, {})["projects"]] == [waiting.id]
    # Each building's opening and interest, two deposits, then the payment.
    buildings = db.session.scalar(
        select(func.count()).select_from(Building).where(Building.estate_id == first.id)
    )
    assert fund.chain_length == 2 * buildings + 2 + 1 and fund.balance_fen > 0


def test_demo_fund_has_a_paid_vote_an_emergency_repair_and_one_waiting(demo):
    check_demo_fund()


def test_demo_loads_on_sqlite(sqlite_app):
    from backend.demo import county

    assert county.seed()["loaded"] is True
    check_demo_fund()
