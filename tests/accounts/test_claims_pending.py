"""Claims on the phone (issue 19 §2): the claims-pending page's journey through exactly the
endpoints it calls — GET /estates/{id}/claims?status=pending, GET /claims/{id},
POST /claims/{id}/verify, POST /claims/{id}/reject — and the register's owner of record."""

import io

import pytest
from sqlalchemy import func, select

from backend.access.models import Membership
from backend.access.roles import Role
from backend.claims.models import Claim, ClaimView
from backend.common import xlsx
from backend.extensions import db
from backend.places.models import Unit


@pytest.fixture
def estate(make):
    return make.estate(name="凤城花园")


@pytest.fixture
def people(make, estate):
    return {
        "chair": make.member(Role.COMMITTEE_CHAIR, estate, make.user(real_name="李建国")),
        "manager": make.member(Role.PROPERTY_MANAGER, estate, make.user(real_name="赵强")),
        "owner": make.member(Role.OWNER, make.unit(estate), make.user(real_name="刘洋")),
        "elsewhere": make.member(Role.OWNER, make.unit(make.estate()), make.user(real_name="陈晨")),
    }


def _register(rows) -> io.BytesIO:
    book = xlsx.new_workbook()
    sheet = book.active
    sheet.append(["楼栋", "房号", "楼层", "建筑面积(㎡)", "开发商未售", "产权人"])
    for row in rows:
        sheet.append(row)
    return io.BytesIO(xlsx.to_bytes(book))


def _import(client, auth, person, estate, rows):
    return client.post(
        f"/api/v1/estates/{estate.id}/units/import",
        data={"file": (_register(rows), "register.xlsx")},
        headers=auth(person),
        content_type="multipart/form-data",
    )


def _claim(client, auth, person, estate, unit, name="张三丰"):
    body = {"unit_id": unit.id, "real_name": name, "phone": "13812341234"}
    response = client.post(f"/api/v1/estates/{estate.id}/claims", json=body, headers=auth(person))
    assert response.status_code == 201, response.json
    return response.json


def _views(claim_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(ClaimView.viewer_id).where(ClaimView.claim_id == claim_id).order_by(ClaimView.id)
        )
    )


def test_a_claim_verified_against_the_owner_of_record(client, auth, make, estate, people):
    imported = _import(
        client, auth, people["chair"], estate, [["1栋", "101", 1, 89.12, "否", "张三丰、王丽"]]
    )
    assert imported.status_code == 200, imported.json
    unit = db.session.scalar(select(Unit).where(Unit.estate_id == estate.id, Unit.number == "101"))
    assert unit.owner_of_record_name == "张三丰、王丽"
    claimant = make.user()
    mine = _claim(client, auth, claimant, estate, unit)

    # The page's list: pending claims, paginated, names masked as in every list.
    listed = client.get(
        f"/api/v1/estates/{estate.id}/claims",
        query_string={"status": "pending", "page": 1, "page_size": 20},
        headers=auth(people["manager"]),
    )
    assert listed.status_code == 200
    row = listed.json["items"][0]
    assert (row["id"], row["unit_label"], row["area_dm2"]) == (mine["id"], "1栋101", 8912)
    assert (row["real_name"], row["phone"]) == ("张**", "138****1234")
    assert _views(mine["id"]) == []  # a list shows nobody in full, so it is not recorded

    # Opening it: the claimant's name and phone in full, compared with the owner of record.
    detail = client.get(f"/api/v1/claims/{mine['id']}", headers=auth(people["manager"]))
    assert detail.status_code == 200, detail.json
    assert (detail.json["real_name"], detail.json["phone"]) == ("张三丰", "13812341234")
    assert detail.json["unit_label"] == "1栋101" and detail.json["area_dm2"] == 8912
    assert detail.json["owner_of_record_match"] == "match"
    assert detail.json["owner_of_record_match_label"] == "匹配"
    assert "王丽" not in detail.get_data(as_text=True)  # the recorded name is never sent
    assert _views(mine["id"]) == [people["manager"].id]

    verified = client.post(f"/api/v1/claims/{mine['id']}/verify", headers=auth(people["chair"]))
    assert verified.status_code == 200 and verified.json["status"] == "verified"
    assert db.session.scalar(
        select(func.count()).where(Membership.user_id == claimant.id, Membership.role == "owner")
    )
    assert db.session.get(type(claimant), claimant.id).real_name == "张三丰"
    after = client.get(
        f"/api/v1/estates/{estate.id}/claims",
        query_string={"status": "pending"},
        headers=auth(people["chair"]),
    )
    assert after.json["total"] == 0


@pytest.mark.parametrize(
    ("recorded", "expected", "label"),
    [
        ("李四", "mismatch", "不匹配"),
        ("张三", "mismatch", "不匹配"),
        ("", "unregistered", "未登记"),
        ("王丽，张三丰", "match", "匹配"),
    ],
)
def test_the_page_says_whether_the_name_matches_the_register(
    client, auth, make, estate, people, recorded, expected, label
):
    unit = make.unit(estate)
    unit.owner_of_record_name = recorded or None
    db.session.commit()
    mine = _claim(client, auth, make.user(), estate, unit)
    detail = client.get(f"/api/v1/claims/{mine['id']}", headers=auth(people["chair"])).json
    assert (detail["owner_of_record_match"], detail["owner_of_record_match_label"]) == (
        expected,
        label,
    )


def test_the_claimant_reads_their_own_claim_but_never_the_register(
    client, auth, make, estate, people
):
    unit = make.unit(estate)
    unit.owner_of_record_name = "李四"
    db.session.commit()
    claimant = make.user()
    mine = _claim(client, auth, claimant, estate, unit)
    own = client.get(f"/api/v1/claims/{mine['id']}", headers=auth(claimant))
    assert own.status_code == 200
    assert (own.json["real_name"], own.json["phone"]) == ("张三丰", "13812341234")
    assert own.json["owner_of_record_match"] is None
    assert "李四" not in own.get_data(as_text=True)
    assert _views(mine["id"]) == []
    me = client.get("/api/v1/me", headers=auth(claimant)).json
    assert me["claims"][0]["real_name"] == "张三丰" and me["claims"][0]["phone"] == "13812341234"


def test_a_rejection_needs_a_reason_the_claimant_then_reads(client, auth, make, estate, people):
    claimant = make.user()
    mine = _claim(client, auth, claimant, estate, make.unit(estate))
    url = f"/api/v1/claims/{mine['id']}/reject"

    missing = client.post(url, json={}, headers=auth(people["manager"]))
    assert missing.status_code == 422 and "reason" in missing.json["error"]["fields"]
    blank = client.post(url, json={"reason": " "}, headers=auth(people["manager"]))
    assert blank.status_code == 422
    assert db.session.get(Claim, mine["id"]).status == "pending"

    rejected = client.post(url, json={"reason": "房号与清册不符"}, headers=auth(people["manager"]))
    assert rejected.status_code == 200 and rejected.json["status"] == "rejected"
    me = client.get("/api/v1/me", headers=auth(claimant)).json
    decided = me["claims"][0]
    assert (decided["status_label"], decided["reason"]) == ("已驳回", "房号与清册不符")


def test_an_owner_of_another_estate_is_refused_and_nothing_is_recorded(
    client, auth, make, estate, people
):
    mine = _claim(client, auth, make.user(), estate, make.unit(estate))
    outsider = people["elsewhere"]
    assert client.get(f"/api/v1/claims/{mine['id']}", headers=auth(outsider)).status_code == 404
    listed = client.get(
        f"/api/v1/estates/{estate.id}/claims?status=pending", headers=auth(outsider)
    )
    assert listed.status_code == 404
    for action, body in (("verify", None), ("reject", {"reason": "不是业主"})):
        url = f"/api/v1/claims/{mine['id']}/{action}"
        answer = client.post(url, json=body, headers=auth(outsider))
        assert answer.status_code == 404
    assert _views(mine["id"]) == []
    assert db.session.get(Claim, mine["id"]).status == "pending"


def test_an_owner_of_the_same_estate_may_not_open_someone_elses_claim(
    client, auth, make, estate, people
):
    mine = _claim(client, auth, make.user(), estate, make.unit(estate))
    answer = client.get(f"/api/v1/claims/{mine['id']}", headers=auth(people["owner"]))
    assert answer.status_code == 403
    assert _views(mine["id"]) == []


def test_every_look_is_recorded_with_who_and_when(client, auth, make, estate, people):
    mine = _claim(client, auth, make.user(), estate, make.unit(estate))
    for person in (people["chair"], people["manager"], people["chair"]):
        assert client.get(f"/api/v1/claims/{mine['id']}", headers=auth(person)).status_code == 200
    assert _views(mine["id"]) == [people["chair"].id, people["manager"].id, people["chair"].id]
    times = db.session.scalars(select(ClaimView.viewed_at).where(ClaimView.claim_id == mine["id"]))
    assert all(t is not None for t in times)


def test_a_register_without_the_owner_column_keeps_what_is_on_record(client, auth, estate, people):
    _import(client, auth, people["chair"], estate, [["1栋", "101", 1, 89.12, "否", "张三丰"]])
    book = xlsx.new_workbook()
    book.active.append(["楼栋", "房号", "楼层", "建筑面积(㎡)", "开发商未售"])
    book.active.append(["1栋", "101", 1, 90, "否"])
    again = client.post(
        f"/api/v1/estates/{estate.id}/units/import",
        data={"file": (io.BytesIO(xlsx.to_bytes(book)), "register.xlsx")},
        headers=auth(people["chair"]),
        content_type="multipart/form-data",
    )
    assert again.status_code == 200, again.json
    unit = db.session.scalar(select(Unit).where(Unit.estate_id == estate.id, Unit.number == "101"))
    assert (unit.area_dm2, unit.owner_of_record_name) == (9000, "张三丰")
