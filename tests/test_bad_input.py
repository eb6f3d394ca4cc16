"""Bad ids and bad text: 404 in a path, 422 in a body, never a database error (500)."""

import io

import pytest
from sqlalchemy import func, select

from backend.access.roles import Role
from backend.claims.models import Claim
from backend.extensions import db
from backend.votes.models import MotionAttachment

HUGE = 2**40


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", f"/api/v1/estates/{HUGE}"),
        ("get", f"/api/v1/estates/{HUGE}/claims"),
        ("get", f"/api/v1/directory/estates/{2**63}/buildings"),
        ("get", f"/api/v1/directory/buildings/{HUGE}/units"),
        ("post", f"/api/v1/claims/{HUGE}/verify"),
        ("get", f"/api/v1/estates/{HUGE}/notices"),
        ("get", f"/api/v1/notices/{HUGE}"),
        ("post", f"/api/v1/notices/{HUGE}/withdraw"),
        ("get", f"/api/v1/notices/1/attachments/{HUGE}"),
        ("get", f"/api/v1/estates/{HUGE}/group-chats"),
        ("patch", f"/api/v1/group-chats/{HUGE}"),
        ("get", f"/api/v1/estates/{HUGE}/ledger/periods"),
        ("get", f"/api/v1/estates/1/ledger/periods/{HUGE}"),
        ("post", f"/api/v1/estates/1/ledger/periods/{HUGE}/transitions"),
        ("get", f"/api/v1/estates/1/ledger/entries/{HUGE}"),
        ("get", f"/api/v1/estates/1/ledger/vouchers/{HUGE}"),
        ("get", f"/api/v1/estates/{HUGE}/ledger/verify"),
        ("get", f"/api/v1/estates/1/ledger/periods/{2**63}/statement.pdf"),
        ("get", f"/api/v1/estates/{HUGE}/ratings"),
        ("post", f"/api/v1/estate-ratings/{HUGE}/appeals"),
    ],
)
def test_huge_id_in_path_is_404(client, make, auth, method, path):
    response = getattr(client, method)(path, headers=auth(make.user()))
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


@pytest.mark.parametrize("unit_id", [HUGE, 0, -1, 1.5, True])
def test_bad_unit_id_in_body_is_422(client, make, auth, unit_id):
    estate = make.estate()
    body = {"unit_id": unit_id, "real_name": "张三", "phone": "13812341234"}
    response = client.post(f"/api/v1/estates/{estate.id}/claims", json=body,
                           headers=auth(make.user()))  # fmt: skip
    assert response.status_code == 422
    assert "unit_id" in response.json["error"]["fields"]
    assert db.session.query(Claim).count() == 0


def test_openapi_documents_path_ids_as_bounded_integers(client):
    spec = client.get("/api/openapi.json").json
    params = spec["paths"]["/api/v1/estates/{estate_id}"]["parameters"]
    schema = next(p["schema"] for p in params if p["name"] == "estate_id")
    assert schema["type"] == "integer" and schema["maximum"] == 2**31 - 1


def test_control_characters_in_text_are_422_and_save_nothing(client, make, auth):
    estate = make.estate()
    unit = make.unit(estate)
    headers = auth(make.user())
    claim = client.post(
        f"/api/v1/estates/{estate.id}/claims",
        json={"unit_id": unit.id, "real_name": "张三\x00", "phone": "13812341234"},
        headers=headers,
    )
    assert claim.status_code == 422 and "real_name" in claim.json["error"]["fields"]
    search = client.get("/api/v1/directory/estates?q=ab%00c", headers=headers)
    assert search.status_code == 422 and "q" in search.json["error"]["fields"]
    login = client.post("/api/v1/auth/wechat-login", json={"code": "fake:a\x00b"})
    assert login.status_code == 422
    assert db.session.query(Claim).count() == 0


@pytest.mark.parametrize(
    "body",
    [{"active": "yes"}, {"name": ""}, {"name": "群" * 65}, {"address": ""}, {"owner": 1}, []],
)
def test_bad_group_chat_patch_is_422_and_changes_nothing(client, make, auth, body):
    from backend.access.roles import Role

    estate = make.estate()
    group = make.group_chat(estate)
    chair = make.member(Role.COMMITTEE_CHAIR, estate)
    response = client.patch(f"/api/v1/group-chats/{group.id}", json=body, headers=auth(chair))
    assert response.status_code == 422, body
    db.session.refresh(group)
    assert (group.name, group.active) == (f"{estate.name}监督群", True)


# -- dates, times and JSON depth (DESIGN.md, Input bounds) -----------------------------------
# Every one of these was a 500 (OverflowError, ValueError, RecursionError) or, for the far
# future motion, a 201.


def _table_counts() -> tuple:
    from sqlalchemy import func, select

    from backend.ledger.models import LedgerPeriod
    from backend.notices.models import Notice
    from backend.tickets.models import Ticket
    from backend.votes.models import Motion

    db.session.expire_all()
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Claim, Notice, LedgerPeriod, Ticket, Motion)
    )


def _assert_bounds_422(response, field):
    assert response.status_code == 422, response.get_json()
    from backend.common.schemas import DATE_BOUNDS_TEXT

    error = response.json["error"]
    assert error["code"] == "validation_failed" and error["message"]
    assert any(DATE_BOUNDS_TEXT in message for message in error["fields"][field]), error


@pytest.mark.parametrize(
    "query, field",
    [
        ("until=9999-12-31", "until"),
        ("since=0001-01-01", "since"),
        ("since=1999-12-31", "since"),
        ("until=2101-01-01", "until"),
    ],
)
def test_ticket_stats_dates_out_of_bounds_are_422(client, make, auth, query, field):
    from backend.access.roles import Role

    estate = make.estate()
    chair = make.member(Role.COMMITTEE_CHAIR, estate)
    response = client.get(f"/api/v1/estates/{estate.id}/tickets/stats?{query}", headers=auth(chair))
    _assert_bounds_422(response, field)


def test_ticket_stats_dates_at_the_bounds_are_read(client, make, auth):
    from backend.access.roles import Role

    estate = make.estate()
    chair = make.member(Role.COMMITTEE_CHAIR, estate)
    query = "since=2000-01-01&until=2100-12-31"
    response = client.get(f"/api/v1/estates/{estate.id}/tickets/stats?{query}", headers=auth(chair))
    assert response.status_code == 200, response.json


@pytest.mark.parametrize(
    "opens_at",
    [
        "9999-12-31T23:00:00-12:00",  # converting to UTC overflowed
        "9999-12-30T09:00:00+08:00",  # was accepted with 201
        "0001-01-01T00:00:00+14:00",
        "2101-01-01T09:00:00+08:00",
    ],
)
def test_motion_times_out_of_bounds_are_422_and_save_nothing(client, make, auth, opens_at):
    from backend.access.roles import Role

    estate = make.estate()
    chair = make.member(Role.COMMITTEE_CHAIR, estate)
    before = _table_counts()
    body = {
        "matter": "other",
        "title": "增设电动车充电桩",
        "body": "拟在地下车库增设充电桩二十个。",
        "opens_at": opens_at,
        "closes_at": "2027-01-10T09:00:00+08:00",
    }
    response = client.post(f"/api/v1/estates/{estate.id}/motions", json=body, headers=auth(chair))
    _assert_bounds_422(response, "opens_at")
    assert _table_counts() == before


def test_penalty_decided_before_2000_is_422(client, auth, make):
    from backend.access.roles import Role
    from backend.governance.credit.models import CreditPenalty
    from tests.governance_support import args, company

    county = make.county()
    officer = make.member(Role.COUNTY_OFFICER, county)
    firm = company(county, "安溪测试物业有限公司")
    response = client.post(
        f"/api/v1/property-companies/{firm.id}/penalties",
        json=args(decided_on="1999-12-31"),
        headers=auth(officer),
    )
    _assert_bounds_422(response, "decided_on")
    assert db.session.query(CreditPenalty).count() == 0


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


DEEP_BODIES = {
    "notices": "/api/v1/notices",
    "ledger": "/api/v1/estates/{estate}/ledger/periods",
    "tickets": "/api/v1/estates/{estate}/tickets",
    "votes": "/api/v1/estates/{estate}/motions",
    "claims": "/api/v1/estates/{estate}/claims",
    "login": "/api/v1/auth/wechat-login",
}


@pytest.mark.parametrize("path", DEEP_BODIES.values(), ids=DEEP_BODIES.keys())
@pytest.mark.parametrize("depth", [100_000, 65])
def test_json_nested_too_deep_is_400_and_saves_nothing(client, make, auth, path, depth):
    from backend.access.roles import Role

    estate = make.estate()
    chair = make.member(Role.COMMITTEE_CHAIR, estate)
    before = _table_counts()
    response = client.post(
        path.format(estate=estate.id),
        data=_nested(depth),
        content_type="application/json",
        headers=auth(chair),
    )
    assert response.status_code == 400, response.get_json()
    assert response.json["error"]["code"] == "json_too_deep"
    assert "64" in response.json["error"]["message"]
    assert _table_counts() == before


def test_json_nested_to_the_limit_reaches_the_schema(client, make, auth):
    """64 levels is parsed: the schema, not the depth check, refuses a list for an object."""
    from backend.access.roles import Role

    estate = make.estate()
    chair = make.member(Role.COMMITTEE_CHAIR, estate)
    response = client.post(
        "/api/v1/notices", data=_nested(64), content_type="application/json", headers=auth(chair)
    )
    assert response.status_code == 422, response.get_json()


def test_openapi_documents_the_date_bounds(client):
    from backend.common.schemas import DATE_BOUNDS_TEXT

    spec = client.get("/api/openapi.json").json
    stats = spec["paths"]["/api/v1/estates/{estate_id}/tickets/stats"]["get"]["parameters"]
    until = next(p for p in stats if p["name"] == "until")
    assert DATE_BOUNDS_TEXT in until["description"]
    motion = spec["components"]["schemas"]["MotionArgs"]["properties"]["opens_at"]
    assert DATE_BOUNDS_TEXT in motion["description"]


def test_multipart_parts_with_unreadable_names_are_422_and_save_nothing(client, make, auth):
    """A part named "" and one werkzeug cannot name at all (found by the schema fuzzer)."""
    estate = make.estate()
    chair = make.member(Role.COMMITTEE_CHAIR, estate)
    for data in (
        {"": "x", "\r": "y"},
        {"": "x", "\r": "y", "file": (io.BytesIO(b"%PDF"), "a.pdf")},
    ):
        response = client.post(
            f"/api/v1/estates/{estate.id}/motion-attachments",
            data=data,
            headers=auth(chair),
            content_type="multipart/form-data",
        )
        assert response.status_code == 422
        assert response.json["error"]["code"] == "validation_failed"
        assert response.json["error"]["fields"][""] == ["不支持的字段", "不支持的字段"]
    assert db.session.scalar(select(func.count()).select_from(MotionAttachment)) == 0
