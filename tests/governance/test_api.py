"""Recording and revoking penalties, and the public credit page, through the API: who may
(403 for those who see the company, 404 for those who do not), and bad input refused with
422 and nothing written."""

import pytest
from sqlalchemy import func, select

from backend.access.roles import Role
from backend.extensions import db
from backend.governance.credit.models import CreditPenalty
from tests.concurrency import posts_at_once
from tests.governance_support import args, on, penalty


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(CreditPenalty))


def record(client, auth, person, company, **fields):
    return client.post(
        f"/api/v1/property-companies/{company.id}/penalties",
        json=args(**fields),
        headers=auth(person),
    )


# -- who records ------------------------------------------------------------------------------


def test_county_officer_records_a_deduction_and_the_score_drops(client, auth, gcast):
    response = record(
        client, auth, gcast.county_officer, gcast.company, kind="deduction", points=15
    )
    assert response.status_code == 201, response.json
    assert response.json["kind_label"] == "信用扣分" and response.json["points"] == 15
    credit = client.get(
        f"/api/v1/property-companies/{gcast.company.id}/credit", headers=auth(gcast.owner_a)
    )
    assert credit.json["score"] == 85


def test_admin_records_for_the_county(client, auth, gcast):
    assert record(client, auth, gcast.admin, gcast.company).status_code == 201


def test_township_officer_records_naming_an_estate_of_theirs(client, auth, gcast):
    response = record(client, auth, gcast.township_a, gcast.company, estate_id=gcast.estate_a.id)
    assert response.status_code == 201
    assert response.json["estate_id"] == gcast.estate_a.id


def test_township_officer_must_name_the_estate(client, auth, gcast):
    response = record(client, auth, gcast.township_a, gcast.company)
    assert response.status_code == 422
    assert response.json["error"]["fields"]["estate_id"] == ["街道（乡镇）记录惩戒须选择所涉小区"]
    assert count() == 0


def test_township_officer_cannot_name_another_townships_estate(client, auth, gcast):
    response = record(client, auth, gcast.township_a, gcast.company, estate_id=gcast.estate_b.id)
    assert response.status_code == 404
    assert count() == 0


def test_township_officer_of_a_company_serving_no_estate_of_theirs_gets_404(client, auth, gcast):
    response = record(
        client, auth, gcast.township_a, gcast.other_company, estate_id=gcast.estate_c.id
    )
    assert response.status_code == 404


def test_auditor_who_sees_the_company_gets_403(client, auth, gcast):
    response = record(client, auth, gcast.auditor_a, gcast.company, estate_id=gcast.estate_a.id)
    assert response.status_code == 403
    assert response.json["error"]["message"] == "只有县住建局或所涉街道（乡镇）可以记录失信惩戒"


@pytest.mark.parametrize("who", ["owner_a", "manager", "outsider"])
def test_owners_managers_and_other_counties_get_404(client, auth, gcast, who):
    assert record(client, auth, getattr(gcast, who), gcast.company).status_code == 404
    assert count() == 0


def test_unknown_company_is_404(client, auth, gcast):
    response = client.post(
        "/api/v1/property-companies/999999/penalties", json=args(), headers=auth(gcast.admin)
    )
    assert response.status_code == 404
    assert response.json["error"]["message"] == "未找到该物业企业，或您无权查看"


def test_a_dismissal_names_a_manager_of_the_company(client, auth, gcast, make):
    ok = record(
        client,
        auth,
        gcast.county_officer,
        gcast.company,
        kind="manager_dismissal",
        manager_user_id=gcast.manager.id,
    )
    assert ok.status_code == 201 and ok.json["manager_name"] == "王建国"
    nobody = record(client, auth, gcast.county_officer, gcast.company, kind="manager_dismissal")
    assert nobody.status_code == 422 and "manager_name" in nobody.json["error"]["fields"]
    owner = record(
        client, auth, gcast.county_officer, gcast.company, manager_user_id=gcast.owner_a.id
    )
    assert owner.status_code == 422
    assert owner.json["error"]["fields"]["manager_user_id"] == ["该用户不是该企业的物业项目经理"]


def test_an_estate_the_company_does_not_serve_is_refused(client, auth, gcast):
    response = record(
        client, auth, gcast.county_officer, gcast.company, estate_id=gcast.estate_c.id
    )
    assert response.status_code == 422
    assert response.json["error"]["fields"]["estate_id"] == ["该小区不由该物业企业服务"]


# -- bad input: 422, nothing written -----------------------------------------------------------


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"reason": ""}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"reason": "长" * 501}, "reason"),
        ({"reason": 12}, "reason"),
        ({"kind": "fine"}, "kind"),
        ({"kind": "interview", "points": 5}, "points"),
        ({"kind": "deduction"}, "points"),
        ({"kind": "deduction", "points": 0}, "points"),
        ({"kind": "deduction", "points": 101}, "points"),
        ({"kind": "deduction", "points": "5"}, "points"),
        ({"kind": "deduction", "points": 2.5}, "points"),
        ({"decided_on": "2026-13-01"}, "decided_on"),
        ({"decided_on": 20260301}, "decided_on"),
        ({"decided_on": on(-1).isoformat()}, "decided_on"),
        ({"decided_on": "1999-12-31"}, "decided_on"),
        ({"decided_on": "0001-01-01"}, "decided_on"),
        ({"decided_on": "9999-12-31"}, "decided_on"),
        ({"estate_id": "abc"}, "estate_id"),
        ({"manager_name": "名" * 33}, "manager_name"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_input_is_422_and_changes_nothing(client, auth, gcast, fields, field):
    response = record(client, auth, gcast.county_officer, gcast.company, **fields)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert count() == 0


def test_future_date_message_is_chinese(client, auth, gcast):
    response = record(
        client, auth, gcast.county_officer, gcast.company, decided_on=on(-1).isoformat()
    )
    assert response.json["error"]["fields"]["decided_on"] == ["决定日期不能晚于今天"]


def test_huge_body_is_refused(client, auth, gcast):
    response = record(client, auth, gcast.county_officer, gcast.company, reason="字" * 200_000)
    assert response.status_code in (413, 422)
    assert count() == 0


# -- revoking ----------------------------------------------------------------------------------


def revoke(client, auth, person, row, reason="录入错误，企业名称混淆"):
    return client.post(
        f"/api/v1/credit-penalties/{row.id}/revoke", json={"reason": reason}, headers=auth(person)
    )


def test_revoked_deduction_stays_on_record_and_stops_counting(client, auth, gcast):
    row = penalty(gcast.company, "deduction", 3, points=30, recorded_by_id=gcast.admin.id)
    response = revoke(client, auth, gcast.county_officer, row)
    assert response.status_code == 200 and response.json["status_label"] == "已撤销"
    credit = client.get(
        f"/api/v1/property-companies/{gcast.company.id}/credit", headers=auth(gcast.owner_a)
    ).json
    assert credit["score"] == 100
    assert [p["status_label"] for p in credit["penalties"]] == ["已撤销"]
    assert count() == 1
    again = revoke(client, auth, gcast.county_officer, row)
    assert again.status_code == 409 and again.json["error"]["message"] == "该惩戒已撤销"


@pytest.mark.committing("threads race, each on a connection of its own")
def test_two_officers_revoking_at_once_revoke_once(app, auth, gcast):
    row = penalty(gcast.company, recorded_by_id=gcast.admin.id)
    calls = [
        (gcast.county_officer, f"/api/v1/credit-penalties/{row.id}/revoke", {"reason": r})
        for r in ("录入错误甲", "录入错误乙")
    ] * 3

    results = posts_at_once(app, auth, calls)

    assert sorted(status for status, _ in results) == [200] + [409] * 5
    db.session.expire_all()
    winner = next(body for status, body in results if status == 200)
    assert db.session.get(CreditPenalty, row.id).revoke_reason == winner["revoke_reason"]


def test_revoke_needs_a_reason(client, auth, gcast):
    row = penalty(gcast.company, recorded_by_id=gcast.admin.id)
    response = revoke(client, auth, gcast.county_officer, row, reason=" ")
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(CreditPenalty, row.id).revoked_at is None


def test_township_officer_revokes_only_in_their_township(client, auth, gcast):
    in_a = penalty(gcast.company, estate=gcast.estate_a, recorded_by_id=gcast.admin.id)
    county_level = penalty(gcast.company, recorded_by_id=gcast.admin.id)
    in_b = penalty(gcast.company, estate=gcast.estate_b, recorded_by_id=gcast.admin.id)
    assert revoke(client, auth, gcast.township_a, in_a).status_code == 200
    assert revoke(client, auth, gcast.township_a, county_level).status_code == 403
    assert revoke(client, auth, gcast.township_a, in_b).status_code == 403
    assert revoke(client, auth, gcast.outsider, in_b).status_code == 404


# -- the public credit page --------------------------------------------------------------------


def test_credit_page_shows_history_newest_first_masked_without_evidence(client, auth, gcast):
    by = gcast.admin.id
    penalty(gcast.company, "interview", 30, recorded_by_id=by)
    penalty(
        gcast.company,
        "manager_dismissal",
        10,
        manager_name="王建国",
        estate=gcast.estate_a,
        recorded_by_id=by,
    )
    penalty(gcast.company, "deduction", 20, points=6, recorded_by_id=by)
    response = client.get(
        f"/api/v1/property-companies/{gcast.company.id}/credit", headers=auth(gcast.owner_a)
    )
    assert response.status_code == 200
    body = response.json
    assert body["name"] == "安溪宜家物业服务有限公司"
    assert body["credit_code"] == "91350524MA2XXXXX1A"
    assert body["score"] == 94 and body["base_score"] == 100 and body["window_days"] == 365
    kinds = [(p["kind_label"], p["points"]) for p in body["penalties"]]
    assert kinds == [("项目经理清退", 0), ("信用扣分", 6), ("约谈", 0)]
    assert body["penalties"][0]["manager_name"] == "王**"
    assert body["penalties"][0]["estate_name"] == "阳光小区"
    assert "evidence" not in str(body)


@pytest.mark.parametrize(
    "who", ["owner_a", "owner_c", "county_officer", "township_b", "auditor_a", "manager"]
)
def test_credit_page_is_open_to_the_county_and_its_staff(client, auth, gcast, who):
    """owner_c's estate is served by another company of the same county."""
    url = f"/api/v1/property-companies/{gcast.company.id}/credit"
    assert client.get(url, headers=auth(getattr(gcast, who))).status_code == 200


def test_credit_page_is_404_to_other_counties(client, auth, gcast, make):
    url = f"/api/v1/property-companies/{gcast.company.id}/credit"
    owner_elsewhere = make.member(Role.OWNER, make.unit(make.estate()))
    for who in (gcast.outsider, owner_elsewhere):
        assert client.get(url, headers=auth(who)).status_code == 404


def test_credit_page_needs_login(client, gcast):
    assert client.get(f"/api/v1/property-companies/{gcast.company.id}/credit").status_code == 401


def test_estate_detail_names_its_property_company(client, auth, gcast, make):
    body = client.get(f"/api/v1/estates/{gcast.estate_a.id}", headers=auth(gcast.owner_a)).json
    assert body["property_company_id"] == gcast.company.id
    assert body["property_company_name"] == "安溪宜家物业服务有限公司"
    bare = make.estate()
    owner = make.member(Role.OWNER, make.unit(bare))
    body = client.get(f"/api/v1/estates/{bare.id}", headers=auth(owner)).json
    assert body["property_company_id"] is None and body["property_company_name"] is None
