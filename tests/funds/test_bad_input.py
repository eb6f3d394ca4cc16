"""Bad input to the fund's writes is a JSON 422 naming the field, and writes nothing."""

import pytest
from sqlalchemy import func, select

from backend.extensions import db
from backend.funds.models import RepairProject


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"budget_fen": 0}, "budget_fen"),
        ({"budget_fen": 10**15}, "budget_fen"),
        ({"budget_fen": "3000"}, "budget_fen"),
        ({"budget_fen": 12.5}, "budget_fen"),
        ({"title": ""}, "title"),
        ({"title": "长" * 101}, "title"),
        ({"category": "garden"}, "category"),
        ({"path": "fast"}, "path"),
        ({"building_ids": []}, "building_ids"),
        ({"building_ids": ["a"]}, "building_ids"),
        ({"building_ids": [2**40]}, "building_ids"),
        ({"extra": 1}, "extra"),
    ],
)
def test_bad_project_fields_are_422(fund, fields, field):
    response = fund.create(**fields)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert db.session.scalar(select(func.count()).select_from(RepairProject)) == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"paid_on": "1999-12-31"}, "paid_on"),
        ({"paid_on": "2101-01-01"}, "paid_on"),
        ({"paid_on": "2026-02-30"}, "paid_on"),
        ({"amount_fen": -5}, "amount_fen"),
        ({"final": "yes"}, "final"),
        ({"voucher_ids": "1"}, "voucher_ids"),
        ({"payee": ""}, "payee"),
    ],
)
def test_bad_payment_fields_are_422(fund, fcast, fields, field):
    project = fund.draft()
    response = fund.pay(project["id"], **{"voucher_ids": [1], **fields})
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]


def test_a_huge_rating_or_budget_change_is_422(fund, fcast):
    project = fund.draft()
    url = fund.project_url(project["id"])
    assert fund.post(fcast.owner, url + "/ratings", {"score": "5"}).status_code == 422
    body = {"budget_fen": 10**12, "reason": "x"}
    assert fund.post(fcast.chair, url + "/budget", body).status_code == 422
    assert fund.post(fcast.chair, url + "/sign-offs", {"kind": "mayor"}).status_code == 422
    assert fund.post(fcast.chair, url + "/transitions", {"action": "pay"}).status_code == 422


def test_unknown_project_ids_are_404(fund, fcast):
    assert fund.get(fcast.chair, "/repair-projects/999999").status_code == 404
    assert fund.get(fcast.chair, "/repair-projects/1/documents/999999").status_code == 404
