"""Bad ids and bad text: 404 in a path, 422 in a body, never a database error (500)."""

import pytest

from backend.accounts.models import Claim
from backend.extensions import db

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
    from backend.accounts.roles import Role

    estate = make.estate()
    group = make.group_chat(estate)
    chair = make.member(Role.COMMITTEE_CHAIR, estate)
    response = client.patch(f"/api/v1/group-chats/{group.id}", json=body, headers=auth(chair))
    assert response.status_code == 422, body
    db.session.refresh(group)
    assert (group.name, group.active) == (f"{estate.name}监督群", True)
