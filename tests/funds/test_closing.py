"""After the works: acceptance with photos, owners' ratings (bearing owners, once, within the
window), and no unit below zero without a recorded decision."""

from datetime import timedelta

from backend.extensions import db
from backend.funds.models import RepairPayment, RepairProject
from tests.fund_support import build_fund_cast
from tests.isolation import once_per_module

_fcast_of_module, fcast = once_per_module("fcast", build_fund_cast)


def _paid(fund):
    fund.fund_in()
    project = fund.accepted(fund.started(fund.authorised_by_vote()))
    assert fund.pay(project["id"]).status_code == 201
    return project


def _rate(fund, person, project_id, score=5):
    return fund.post(person, fund.project_url(project_id, "/ratings"), {"score": score})


def test_acceptance_needs_a_photo_and_a_note(fund, fcast):
    project = fund.started(fund.authorised_by_vote())
    assert fund.act(fcast.chair, project["id"], "accept", "合格").status_code == 409
    fund.document(fcast.chair, project["id"], "acceptance_photo")
    assert fund.act(fcast.chair, project["id"], "accept").status_code == 422
    detail = fund.step(fcast.chair, project["id"], "accept", "合格")
    assert detail["status"] == "accepted"
    assert detail["accepted_by_name"] == "李建国"


def test_start_needs_the_contract(fund, fcast):
    project = fund.authorised_by_vote()
    response = fund.act(fcast.chair, project["id"], "start")
    assert response.status_code == 409
    assert "合同" in response.json["error"]["message"]


def test_bearing_owners_rate_once_each(fund, fcast):
    project = _paid(fund)
    assert _rate(fund, fcast.owner, project["id"], 4).status_code == 201
    assert _rate(fund, fcast.owner, project["id"], 5).status_code == 409
    assert _rate(fund, fcast.owner2, project["id"], 5).status_code == 201
    detail = fund.get(fcast.owner, fund.project_url(project["id"])).json
    assert detail["rating"]["count"] == 2
    assert detail["rating"]["average"] == "4.5"
    assert detail["rating"]["my_score"] == 4
    assert "rate" not in detail["actions"]


def test_an_owner_who_does_not_bear_the_cost_cannot_rate(fund, fcast):
    project = _paid(fund)
    assert _rate(fund, fcast.owner3, project["id"]).status_code == 403
    assert _rate(fund, fcast.outsider, project["id"]).status_code == 404


def test_rating_closes_fifteen_days_after_acceptance(fund, fcast):
    project = _paid(fund)
    row = db.session.get(RepairProject, project["id"])
    row.accepted_at = row.accepted_at - timedelta(days=15, minutes=1)
    db.session.commit()
    response = _rate(fund, fcast.owner, project["id"])
    assert response.status_code == 409
    assert "评价期已过" in response.json["error"]["message"]


def test_rating_is_not_open_before_acceptance(fund, fcast):
    project = fund.started(fund.authorised_by_vote())
    assert _rate(fund, fcast.owner, project["id"]).status_code == 409


def test_a_score_outside_one_to_five_is_refused(fund, fcast):
    project = _paid(fund)
    assert _rate(fund, fcast.owner, project["id"], 6).status_code == 422
    assert _rate(fund, fcast.owner, project["id"], 0).status_code == 422


def test_a_unit_going_below_zero_is_refused_without_a_decision(fund, fcast):
    # 1栋 holds 10,000 fen (A 6,667, B 3,333): a 30,000 fen payment takes both below zero.
    fund.import_statement(fcast.chair, [["2026-01-01", "期初余额", "1栋", "", 100, "期初"]])
    project = fund.accepted(fund.started(fund.authorised_by_vote()))
    response = fund.pay(project["id"], amount_fen=30_000)
    assert response.status_code == 409
    assert response.json["error"]["fields"]["units"] == ["1栋101", "1栋102"]
    assert db.session.query(RepairPayment).count() == 0


def test_a_recorded_decision_lets_a_unit_go_below_zero(fund, fcast):
    fund.import_statement(fcast.chair, [["2026-01-01", "期初余额", "1栋", "", 100, "期初"]])
    project = fund.accepted(fund.started(fund.authorised_by_vote()))
    response = fund.pay(
        project["id"], amount_fen=30_000, overdraft_reason="业主大会决定先行垫付，续筹后补足"
    )
    assert response.status_code == 201, response.json
    assert sorted(response.json["overdraft_units"]) == sorted([fcast.unit_a.id, fcast.unit_b.id])
    payment = db.session.get(RepairPayment, response.json["id"])
    assert payment.overdraft_by_id == fcast.chair.id
    assert payment.overdraft_reason == "业主大会决定先行垫付，续筹后补足"
    balances = {a["unit_id"]: a["balance_after_fen"] for a in response.json["allocations"]}
    assert balances == {fcast.unit_a.id: 6_667 - 20_000, fcast.unit_b.id: 3_333 - 10_000}


def test_payment_over_the_budget_left_is_refused(fund, fcast):
    fund.fund_in()
    project = fund.accepted(fund.started(fund.authorised_by_vote()))
    assert fund.pay(project["id"], amount_fen=3_000_001).status_code == 409


def test_payment_needs_a_voucher_of_this_project(fund, fcast):
    fund.fund_in()
    project = fund.accepted(fund.started(fund.authorised_by_vote()))
    assert fund.pay(project["id"], voucher_ids=[]).status_code == 422
    photo = fund.document(fcast.chair, project["id"], "progress_photo").json["id"]
    assert fund.pay(project["id"], voucher_ids=[photo]).status_code == 422


def test_only_the_committee_pays(fund, fcast):
    fund.fund_in()
    project = fund.accepted(fund.started(fund.authorised_by_vote()))
    voucher = fund.voucher(project["id"])
    body = {"amount_fen": 100, "paid_on": "2026-11-02", "payee": "某公司", "voucher_ids": [voucher]}
    url = fund.project_url(project["id"], "/payments")
    assert fund.post(fcast.manager, url, body).status_code == 403
    assert fund.post(fcast.owner, url, body).status_code == 403
