"""Paying for a repair: only an authorised, accepted project; booked in the fund's hash chain
with its vouchers; apportioned to the bearing units by area; no unit below zero unless someone
records why."""

from sqlalchemy import func, select

from backend.extensions import db
from backend.funds.models import FundAllocation, FundMovement, ProjectStatus, RepairProject
from tests.fund_support import build_fund_cast
from tests.isolation import once_per_module

_fcast_of_module, fcast = once_per_module("fcast", build_fund_cast)


def _balances(fund, person):
    return {u["unit_id"]: u["balance_fen"] for u in fund.get(person, "/fund/units").json["items"]}


def test_paid_project_entries_appear_in_the_verified_chain(fund, fcast):
    fund.fund_in()
    project = fund.accepted(fund.started(fund.authorised_by_vote()))
    response = fund.pay(project["id"])
    assert response.status_code == 201, response.json
    payment = response.json

    verified = fund.get(fcast.owner, "/fund/verify").json
    assert verified["ok"] is True
    assert verified["links_checked"] == 3
    assert verified["head_hash"] == payment["hash"]
    movements = fund.get(fcast.chair, "/fund/movements").json["items"]
    assert movements[0]["id"] == payment["movement_id"]
    assert movements[0]["hash"] == payment["hash"]
    assert movements[0]["amount_fen"] == -3_000_000
    detail = fund.get(fcast.owner, fund.project_url(project["id"])).json
    assert detail["status"] == "paid"
    assert detail["payments"][0]["hash"] == payment["hash"]


def test_a_changed_payment_breaks_the_chain_at_its_link(fund, fcast):
    fund.fund_in()
    project = fund.accepted(fund.started(fund.authorised_by_vote()))
    payment = fund.pay(project["id"]).json
    db.session.execute(
        FundAllocation.__table__.update()
        .where(FundAllocation.movement_id == payment["movement_id"])
        .values(amount_fen=FundAllocation.amount_fen + 1)
    )
    verified = fund.get(fcast.chair, "/fund/verify").json
    assert verified["ok"] is False
    assert verified["broken"]["movement_id"] == payment["movement_id"]


def test_payment_is_apportioned_by_area_and_sums_exactly(fund, fcast):
    fund.fund_in()
    project = fund.accepted(fund.started(fund.authorised_by_vote(budget_fen=1_000_001)))
    payment = fund.pay(project["id"], amount_fen=1_000_001).json
    shares = {a["unit_id"]: a["amount_fen"] for a in payment["allocations"]}
    # 1栋: A 100 m², B 50 m² → 2/3 and 1/3 of 1,000,001 fen = 666,667.33 and 333,333.67.
    assert shares == {fcast.unit_a.id: -666_667, fcast.unit_b.id: -333_334}
    assert sum(shares.values()) == -1_000_001
    assert fcast.unit_c.id not in shares
    balances = _balances(fund, fcast.chair)
    # The opening 5,000,000 fen of 1栋 was split the same way: 3,333,333 and 1,666,667.
    assert balances[fcast.unit_a.id] == 3_333_333 - 666_667
    assert balances[fcast.unit_b.id] == 1_666_667 - 333_334
    assert balances[fcast.unit_c.id] == 5_000_000


def test_payment_without_vote_or_sign_off_is_refused(fund, fcast):
    fund.fund_in()
    project = fund.prechecked()
    # A project that reached acceptance without any approval (written around the workflow).
    row = db.session.get(RepairProject, project["id"])
    row.status = ProjectStatus.ACCEPTED
    db.session.commit()
    voucher = fund.voucher(project["id"])
    response = fund.pay(project["id"], voucher_ids=[voucher])
    assert response.status_code == 409
    assert "未经业主表决通过或应急签批" in response.json["error"]["message"]
    assert db.session.scalar(select(func.count()).select_from(FundMovement)) == 2


def test_owners_see_only_their_own_units_share_of_a_payment(fund, fcast):
    fund.fund_in()
    project = fund.accepted(fund.started(fund.authorised_by_vote()))
    fund.pay(project["id"])
    mine = fund.get(fcast.owner, fund.project_url(project["id"])).json["payments"][0]
    assert [a["unit_id"] for a in mine["allocations"]] == [fcast.unit_a.id]
    staff = fund.get(fcast.auditor, fund.project_url(project["id"])).json["payments"][0]
    assert [a["unit_id"] for a in staff["allocations"]] == [fcast.unit_a.id, fcast.unit_b.id]
