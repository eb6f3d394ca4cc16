"""What authorises a project: a passed use_maintenance_fund vote of exactly the bearing
buildings' owners, or the three emergency sign-offs; and a budget rise over the limit stops
the project until a new approval."""

import pytest

from tests.fund_support import build_fund_cast
from tests.isolation import once_per_module

_fcast_of_module, fcast = once_per_module("fcast", build_fund_cast)


def _cite(fund, project_id, motion_id):
    return fund.post(
        fund.cast.chair, fund.project_url(project_id, "/motion"), {"motion_id": motion_id}
    )


def test_a_motion_of_the_wrong_buildings_is_refused(fund, fcast):
    project = fund.prechecked()  # borne by 1栋
    motion = fund.passed_motion([fcast.b2.id], voters=[fcast.owner3])
    response = _cite(fund, project["id"], motion["id"])
    assert response.status_code == 409
    assert "承担费用" in response.json["error"]["message"]
    assert fund.get(fcast.chair, fund.project_url(project["id"])).json["status"] == "prechecked"


def test_a_motion_of_the_whole_estate_does_not_decide_one_buildings_repair(fund, fcast):
    project = fund.prechecked()
    motion = fund.passed_motion([], voters=[fcast.owner, fcast.owner2, fcast.owner3])
    assert _cite(fund, project["id"], motion["id"]).status_code == 409


def test_a_motion_on_another_matter_is_refused(fund, fcast):
    project = fund.prechecked()
    motion = fund.votes.announce(fcast.chair, fcast.estate.id, matter="other")
    response = _cite(fund, project["id"], motion["id"])
    assert response.status_code == 409
    assert "维修资金" in response.json["error"]["message"]


def test_another_estates_motion_is_not_found(fund, fcast, make):
    from backend.access.roles import Role

    elsewhere = make.estate()
    chair = make.member(Role.COMMITTEE_CHAIR, elsewhere, make.user(real_name="外人"))
    make.unit(elsewhere)
    motion = fund.votes.announce(chair, elsewhere.id, matter="use_maintenance_fund")
    assert _cite(fund, fund.prechecked()["id"], motion["id"]).status_code == 404


def test_a_motion_scoped_to_buildings_has_only_their_owners_as_electors(fund, fcast):
    motion = fund.votes.announce(
        fcast.chair, fcast.estate.id, matter="use_maintenance_fund", building_ids=[fcast.b1.id]
    )
    fund.votes.open(motion["id"])
    opened = fund.votes.get(fcast.chair, motion["id"]).json
    # 1栋: two owners, 150.00 m²; 2栋's owner is not asked.
    assert opened["turnout"]["owners_total"] == 2
    assert opened["turnout"]["area_total_dm2"] == 15_000
    outside = fund.votes.get(fcast.owner3, motion["id"]).json
    assert outside["can_vote"] is False
    assert "承担费用楼栋" in outside["vote_block_reason"]
    assert fund.votes.cast(fcast.owner3, motion["id"]).status_code in (403, 409)
    assert fund.votes.cast(fcast.owner, motion["id"]).status_code == 201


def test_a_building_scope_is_refused_on_other_matters(fund, fcast):
    response = fund.votes.create(
        fcast.chair, fcast.estate.id, matter="other", building_ids=[fcast.b1.id]
    )
    assert response.status_code == 422
    assert "building_ids" in response.json["error"]["fields"]


def test_an_open_motion_waits_then_authorises_once_passed(fund, fcast):
    project = fund.prechecked()
    motion = fund.votes.announce(
        fcast.chair, fcast.estate.id, matter="use_maintenance_fund", building_ids=[fcast.b1.id]
    )
    assert _cite(fund, project["id"], motion["id"]).json["status"] == "prechecked"
    assert fund.act(fcast.chair, project["id"], "authorise").status_code == 409
    fund.votes.open(motion["id"])
    fund.votes.get(fcast.chair, motion["id"])
    for person in (fcast.owner, fcast.owner2):
        fund.votes.cast(person, motion["id"], "yes")
    fund.votes.end(motion["id"])
    fund.votes.get(fcast.chair, motion["id"])
    detail = fund.step(fcast.chair, project["id"], "authorise")
    assert detail["status"] == "authorised"
    assert detail["approved_budget_fen"] == 3_000_000
    assert detail["motion"]["passed"] is True


def test_a_rejected_motion_does_not_authorise(fund, fcast):
    project = fund.prechecked()
    motion = fund.passed_motion([fcast.b1.id], voters=[])  # nobody votes: no quorum
    assert motion["result"]["passed"] is False
    assert _cite(fund, project["id"], motion["id"]).status_code == 409


@pytest.mark.parametrize(
    ("person", "kind"),
    [
        ("owner", "committee"),
        ("chair", "community"),
        ("auditor", "township"),
        ("manager", "committee"),
    ],
)
def test_each_sign_off_needs_its_own_role(fund, fcast, person, kind):
    project = fund.prechecked(path="emergency")
    response = fund.sign(getattr(fcast, person), project["id"], kind)
    assert response.status_code == 403


def test_emergency_path_is_only_for_emergency_categories(fund):
    response = fund.create(path="emergency", category="other")
    assert response.status_code == 422
    assert "category" in response.json["error"]["fields"]


def test_emergency_needs_all_three_sign_offs_and_each_once(fund, fcast):
    project = fund.prechecked(path="emergency")
    assert fund.sign(fcast.chair, project["id"], "committee").json["status"] == "prechecked"
    assert fund.sign(fcast.member, project["id"], "committee").status_code == 409
    assert fund.sign(fcast.auditor, project["id"], "community").json["status"] == "prechecked"
    detail = fund.sign(fcast.township, project["id"], "township").json
    assert detail["status"] == "authorised"
    assert detail["owners_notice_due_on"] is not None
    assert [s["kind"] for s in detail["sign_offs"]] == ["committee", "community", "township"]


def test_emergency_payment_is_refused_until_owners_are_told(fund, fcast):
    fund.fund_in()
    project = fund.prechecked(path="emergency")
    for person, kind in (
        (fcast.chair, "committee"),
        (fcast.auditor, "community"),
        (fcast.township, "township"),
    ):
        fund.sign(person, project["id"], kind)
    fund.accepted(fund.started(project))
    response = fund.pay(project["id"])
    assert response.status_code == 409
    assert "告知业主" in response.json["error"]["message"]
    told = fund.post(fcast.chair, fund.project_url(project["id"], "/owners-notice"))
    assert told.json["owners_notice_id"] is not None
    assert fund.pay(project["id"]).status_code == 201


def test_a_rise_within_the_limit_goes_on(fund, fcast):
    project = fund.started(fund.authorised_by_vote())
    body = {"budget_fen": 3_300_000, "reason": "增加檐口修补"}  # exactly +10 %
    detail = fund.post(fcast.chair, fund.project_url(project["id"], "/budget"), body).json
    assert detail["status"] == "in_progress"
    assert detail["budget_fen"] == 3_300_000


def test_a_rise_over_the_limit_stops_the_project_until_a_new_vote(fund, fcast):
    fund.fund_in()
    project = fund.started(fund.authorised_by_vote())
    first_motion = project["motion"]["id"]
    body = {"budget_fen": 3_300_001, "reason": "发现保温层损坏"}
    detail = fund.post(fcast.chair, fund.project_url(project["id"], "/budget"), body).json
    assert detail["status"] == "stopped"
    # Stopped: no acceptance, so no payment; lowering the budget does not resume it either.
    assert fund.act(fcast.chair, project["id"], "accept", "验收").status_code == 409
    lowered = {"budget_fen": 3_000_000, "reason": "缩小范围"}
    assert (
        fund.post(fcast.chair, fund.project_url(project["id"], "/budget"), lowered).json["status"]
        == "stopped"
    )
    fund.post(fcast.chair, fund.project_url(project["id"], "/budget"), body)
    # The vote that approved the old budget cannot approve the new one.
    assert _cite(fund, project["id"], first_motion).status_code == 409
    motion = fund.passed_motion([fcast.b1.id])
    resumed = _cite(fund, project["id"], motion["id"]).json
    assert resumed["status"] == "in_progress"
    assert resumed["approved_budget_fen"] == 3_300_001
    accepted = fund.accepted(resumed)
    assert fund.pay(accepted["id"], amount_fen=3_300_001).status_code == 201


def test_an_emergency_rise_over_the_limit_needs_three_new_sign_offs(fund, fcast):
    project = fund.started(fund.authorised_emergency())
    body = {"budget_fen": 4_000_000, "reason": "渗漏范围扩大"}
    detail = fund.post(fcast.chair, fund.project_url(project["id"], "/budget"), body).json
    assert detail["status"] == "stopped"
    assert detail["approval_round"] == 2
    fund.sign(fcast.chair, project["id"], "committee")
    assert fund.sign(fcast.auditor, project["id"], "community").json["status"] == "stopped"
    resumed = fund.sign(fcast.township, project["id"], "township").json
    assert resumed["status"] == "in_progress"
    assert resumed["approved_budget_fen"] == 4_000_000
