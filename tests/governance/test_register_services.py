"""The estate register's rules: one live committee per estate (also when two officers record
at once), terms and their default length, members and the derived party-led flag, one chair,
removal that keeps the row, branches, volunteer teams, the company, the candidate pool; scope
(404 outside, 403 for the wrong role in scope) and bad input (422, nothing written)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from backend.accounts.models import User
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.extensions import db
from backend.governance.credit.figures import today
from backend.governance.register import places, services
from backend.governance.register.models import (
    Committee,
    CommitteeCandidate,
    CommitteeMember,
    PartyBranchEstate,
    VolunteerTeam,
)
from tests.concurrency import at_once, in_own_context
from tests.register_support import ago, branch, member, term


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("who", ["auditor_a", "township_a", "county_officer", "admin"])
def test_editors_in_scope_record_a_term(gcast, who):
    committee = term(getattr(gcast, who), gcast.estate_a, formed_on=date(2026, 3, 1))
    assert committee.term_ends_on == date(2031, 3, 1)  # LINLI_COMMITTEE_TERM_YEARS = 5
    assert committee.township_id == gcast.estate_a.township_id
    assert [m.role for m in committee.members] == ["chair"]


def test_a_term_filed_on_29_february_ends_on_28_february(gcast):
    committee = term(gcast.admin, gcast.estate_a, formed_on=date(2024, 2, 29))
    assert committee.term_ends_on == date(2029, 2, 28)


def test_the_term_end_may_be_entered(gcast):
    committee = term(gcast.admin, gcast.estate_a, formed_on=ago(10), term_ends_on=ago(-700))
    assert committee.term_ends_on == ago(-700)


@pytest.mark.parametrize("who", ["township_b", "outsider"])
def test_an_officer_elsewhere_gets_404_and_nothing_is_written(gcast, who):
    with pytest.raises(NotFound):
        term(getattr(gcast, who), gcast.estate_a)
    assert count(Committee) == 0


def test_a_committee_member_who_sees_the_estate_gets_403(make, gcast):
    chair = make.member("committee_chair", gcast.estate_a)
    with pytest.raises(Forbidden):
        term(chair, gcast.estate_a)
    assert count(Committee) == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"formed_on": today() + timedelta(days=1)}, "formed_on"),
        ({"formed_on": ago(10), "term_ends_on": ago(10)}, "term_ends_on"),
        ({"chair_candidate_id": 999}, "chair_candidate_id"),
    ],
)
def test_bad_terms_are_refused_and_write_nothing(gcast, fields, field):
    with pytest.raises(ValidationFailed) as refused:
        term(gcast.admin, gcast.estate_a, **fields)
    assert field in refused.value.fields
    assert count(Committee) == count(CommitteeMember) == 0


def test_a_second_live_term_needs_the_live_one_named(gcast):
    first = term(gcast.admin, gcast.estate_a, formed_on=ago(2000))
    with pytest.raises(Conflict):
        term(gcast.admin, gcast.estate_a, formed_on=ago(5))
    second = term(gcast.admin, gcast.estate_a, formed_on=ago(5), replaces_id=first.id)
    db.session.refresh(first)
    assert first.ended_on == ago(5) and first.end_reason == "换届选举"
    assert services.live_committee(gcast.estate_a.id).id == second.id
    with pytest.raises(Conflict):  # the officer saw the old term: refused, not a third term
        term(gcast.admin, gcast.estate_a, formed_on=ago(1), replaces_id=first.id)
    assert count(Committee) == 2


@pytest.mark.committing("threads race, each on a connection of its own")
def test_two_officers_recording_a_first_term_at_once_record_one(app, gcast):
    ids = (gcast.township_a.id, gcast.county_officer.id)
    estate_id = gcast.estate_a.id

    def record(user_id):
        user = db.session.get(User, user_id)
        args = {"formed_on": ago(3), "chair_name": "林国栋"}
        services.record_committee(user, estate_id, args)
        return "ok"

    results = at_once(*(in_own_context(app, record, uid) for uid in ids))
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "str"], results
    assert count(Committee) == 1 and count(CommitteeMember) == 1


def test_the_database_refuses_a_second_live_term(gcast):
    first = term(gcast.admin, gcast.estate_a)
    db.session.add(
        Committee(
            **services.places_of(gcast.estate_a),
            formed_on=ago(1),
            term_ends_on=ago(-100),
            created_by_id=gcast.admin.id,
        )
    )
    with pytest.raises(Exception, match="uq_committee_live_estate"):
        db.session.commit()
    db.session.rollback()
    assert services.live_committee(gcast.estate_a.id).id == first.id


def test_party_led_is_derived_as_members_change(app, gcast):
    app.config.update(PARTY_LED_RULE="share", PARTY_LED_MIN_SHARE_PERCENT=50)
    try:
        committee = term(gcast.admin, gcast.estate_a, formed_on=ago(100), chair_party=True)
        assert (committee.is_party_led, committee.party_led_since) == (True, ago(100))
        other = member(gcast.admin, committee, "陈美玲", joined_on=ago(50))
        third = member(gcast.admin, committee, "王丽", joined_on=ago(40))
        db.session.refresh(committee)
        assert not committee.is_party_led  # 1 of 3
        member(gcast.admin, committee, "黄志强", party=True, joined_on=ago(30))
        db.session.refresh(committee)
        assert (committee.is_party_led, committee.party_led_since) == (True, ago(30))  # 2 of 4
        services.remove_member(gcast.admin, gcast.estate_a.id, third.id, {"left_on": ago(10)})
        db.session.refresh(committee)
        assert (committee.is_party_led, committee.party_led_since) == (True, ago(30))
        db.session.refresh(other)
        assert other.left_on is None and count(CommitteeMember) == 4  # removal keeps the row
    finally:
        app.config.update(PARTY_LED_RULE="either", PARTY_LED_MIN_SHARE_PERCENT=50)


def test_chair_secretary_rule_and_the_recompute_command(app, gcast, runner):
    committee = term(gcast.admin, gcast.estate_a, chair_party=True, chair_secretary=True)
    for n in range(3):
        member(gcast.admin, committee, f"委员{n}")
    db.session.refresh(committee)
    assert committee.is_party_led  # "either": the chair is party member and secretary
    app.config["PARTY_LED_RULE"] = "share"
    try:
        result = runner.invoke(args=["linli", "recompute-party-led"])
        assert result.exit_code == 0, result.output
        assert "1 changed" in result.output
        db.session.expire_all()
        assert not db.session.get(Committee, committee.id).is_party_led
        app.config["PARTY_LED_RULE"] = "nonsense"
        result = runner.invoke(args=["linli", "recompute-party-led"])
        assert result.exit_code != 0 and "LINLI_PARTY_LED_RULE" in result.output
    finally:
        app.config["PARTY_LED_RULE"] = "either"


def test_one_chair_at_a_time(gcast):
    committee = term(gcast.admin, gcast.estate_a)
    with pytest.raises(Conflict):
        member(gcast.admin, committee, "第二主任", role="chair")
    chair = committee.members[0]
    services.remove_member(gcast.admin, gcast.estate_a.id, chair.id, {"left_on": today()})
    member(gcast.admin, committee, "新主任", role="chair", joined_on=today())
    assert count(CommitteeMember) == 2


def test_removing_twice_is_409_and_bad_dates_are_422(gcast):
    committee = term(gcast.admin, gcast.estate_a, formed_on=ago(100))
    person = member(gcast.admin, committee, joined_on=ago(50))
    with pytest.raises(ValidationFailed):
        services.remove_member(gcast.admin, gcast.estate_a.id, person.id, {"left_on": ago(51)})
    with pytest.raises(ValidationFailed):
        member(gcast.admin, committee, "早于备案", joined_on=ago(101))
    services.remove_member(gcast.admin, gcast.estate_a.id, person.id, {"left_on": ago(1)})
    with pytest.raises(Conflict):
        services.remove_member(gcast.admin, gcast.estate_a.id, person.id, {"left_on": ago(0)})
    with pytest.raises(NotFound):  # a member of another estate's committee
        services.remove_member(gcast.admin, gcast.estate_b.id, person.id, {"left_on": ago(0)})


def test_an_ended_term_takes_no_members(gcast):
    committee = term(gcast.admin, gcast.estate_a, formed_on=ago(100))
    services.end_committee(
        gcast.admin, gcast.estate_a.id, committee.id, {"on": ago(1), "reason": "业主大会决定解散"}
    )
    with pytest.raises(Conflict):
        member(gcast.admin, committee)
    with pytest.raises(Conflict):
        services.end_committee(
            gcast.admin, gcast.estate_a.id, committee.id, {"on": ago(0), "reason": "再次"}
        )


def test_a_candidate_added_as_member_is_elected(gcast):
    community_id = gcast.estate_a.community_id
    args = {"name": "郑海燕", "phone": "", "estate_id": gcast.estate_a.id}
    candidate = places.add_candidate(
        gcast.auditor_a, community_id, {**args, "is_party_member": True, "note": ""}
    )
    committee = term(gcast.admin, gcast.estate_a)
    member(gcast.admin, committee, "郑海燕", candidate_id=candidate.id)
    db.session.refresh(candidate)
    assert candidate.status == "elected"
    with pytest.raises(ValidationFailed):  # not active any more
        member(gcast.admin, committee, "郑海燕", candidate_id=candidate.id)
    with pytest.raises(Conflict):
        places.withdraw_candidate(gcast.auditor_a, community_id, candidate.id)


def test_the_candidate_pool_is_per_community(gcast):
    community_id = gcast.estate_a.community_id
    base = {"name": "郑海燕", "phone": "", "is_party_member": False, "note": ""}
    with pytest.raises(ValidationFailed):  # lives in another community's estate
        places.add_candidate(
            gcast.auditor_a, community_id, {**base, "estate_id": gcast.estate_b.id}
        )
    with pytest.raises(NotFound):
        places.add_candidate(
            gcast.township_b, community_id, {**base, "estate_id": gcast.estate_a.id}
        )
    row = places.add_candidate(
        gcast.township_a, community_id, {**base, "estate_id": gcast.estate_a.id}
    )
    places.withdraw_candidate(gcast.county_officer, community_id, row.id)
    assert db.session.get(CommitteeCandidate, row.id).status == "withdrawn"


def test_a_joint_branch_covers_estates_of_one_community(make, gcast):
    neighbour = make.estate(
        db.session.get(type(gcast.estate_a.community), gcast.estate_a.community_id)
    )
    joint = branch(gcast.auditor_a, gcast.estate_a, others=[neighbour])
    covered = db.session.scalars(
        select(PartyBranchEstate.estate_id).where(PartyBranchEstate.branch_id == joint.id)
    ).all()
    assert sorted(covered) == sorted([gcast.estate_a.id, neighbour.id])
    with pytest.raises(ValidationFailed):
        branch(gcast.admin, gcast.estate_a, others=[gcast.estate_b])
    places.dissolve_branch(gcast.admin, neighbour.id, joint.id, {"dissolved_on": ago(1)})
    with pytest.raises(Conflict):
        places.dissolve_branch(gcast.admin, neighbour.id, joint.id, {"dissolved_on": ago(0)})
    with pytest.raises(NotFound):
        places.dissolve_branch(gcast.admin, gcast.estate_b.id, joint.id, {"dissolved_on": ago(0)})


def test_volunteer_teams_and_future_dates(gcast):
    args = {"name": "夕阳红巡逻队", "leader_name": "李秀英", "leader_phone": "", "member_count": 12}
    places.add_team(gcast.auditor_a, gcast.estate_a.id, {**args, "founded_on": ago(30)})
    with pytest.raises(ValidationFailed):
        places.add_team(gcast.auditor_a, gcast.estate_a.id, {**args, "founded_on": ago(-1)})
    assert count(VolunteerTeam) == 1


def test_only_officers_change_the_company(gcast):
    with pytest.raises(Forbidden):
        places.set_company(gcast.auditor_a, gcast.estate_a.id, gcast.other_company.id)
    places.set_company(gcast.township_a, gcast.estate_a.id, gcast.other_company.id)
    assert gcast.estate_a.property_company_id == gcast.other_company.id
    with pytest.raises(ValidationFailed):
        places.set_company(gcast.township_a, gcast.estate_a.id, 999)


@pytest.mark.committing("threads race, each on a connection of its own")
def test_two_chairs_added_at_once_one_is_refused(app, gcast):
    committee = term(gcast.admin, gcast.estate_a, formed_on=ago(30))
    chair = committee.members[0]
    services.remove_member(gcast.admin, gcast.estate_a.id, chair.id, {"left_on": ago(1)})
    estate_id, committee_id, admin_id = gcast.estate_a.id, committee.id, gcast.admin.id

    def add(name):
        args = {
            "name": name,
            "phone": "",
            "role": "chair",
            "is_party_member": False,
            "is_branch_secretary": False,
            "joined_on": ago(0),
        }
        services.add_member(db.session.get(User, admin_id), estate_id, committee_id, args)
        return "ok"

    results = at_once(*(in_own_context(app, add, n) for n in ("甲", "乙")))
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "str"], results
    assert count(CommitteeMember) == 2
