"""Owners claim units; the estate's committee or property manager verifies or rejects."""

import pytest

from backend.access.models import Membership
from backend.access.roles import Role
from backend.claims.models import Claim
from backend.extensions import db
from tests.concurrency import posts_at_once


@pytest.fixture
def estate(make):
    return make.estate(name="凤城花园")


@pytest.fixture
def unit(make, estate):
    return make.unit(estate, building="3栋", number="1201", area_dm2=8912)


def claim_body(unit, **extra):
    return {"unit_id": unit.id, "real_name": "张三丰", "phone": "13812341234", **extra}


def test_claim_verify_makes_claimant_an_owner(client, make, auth, estate, unit):
    claimant = make.user()
    committee = make.member(Role.COMMITTEE_MEMBER, estate)

    created = client.post(
        f"/api/v1/estates/{estate.id}/claims", json=claim_body(unit), headers=auth(claimant)
    )
    assert created.status_code == 201, created.json
    assert created.json["status"] == "pending"
    assert created.json["unit_label"] == "3栋1201"
    assert created.json["created_at"].endswith("+00:00")  # stored and sent in UTC

    verified = client.post(f"/api/v1/claims/{created.json['id']}/verify", headers=auth(committee))
    assert verified.status_code == 200
    assert verified.json["status"] == "verified"

    me = client.get("/api/v1/me", headers=auth(claimant)).json
    assert [(m["role"], m["scope_id"], m["estate_id"]) for m in me["memberships"]] == [
        ("owner", unit.id, estate.id)
    ]
    assert me["memberships"][0]["scope_name"] == "凤城花园 3栋1201"
    assert client.get(f"/api/v1/estates/{estate.id}", headers=auth(claimant)).status_code == 200


def test_claim_lists_mask_name_and_phone(client, make, auth, estate, unit):
    make.claim(make.user(), unit)
    manager = make.member(Role.PROPERTY_MANAGER, estate)
    listed = client.get(f"/api/v1/estates/{estate.id}/claims", headers=auth(manager)).json
    assert listed["total"] == 1
    assert listed["items"][0]["real_name"] == "张**"
    assert listed["items"][0]["phone"] == "138****1234"


def test_owner_sees_only_own_claims(client, make, auth, estate, unit):
    owner = make.member(Role.OWNER, make.unit(estate))
    make.claim(make.user(), unit)
    make.claim(owner, make.unit(estate))
    listed = client.get(f"/api/v1/estates/{estate.id}/claims", headers=auth(owner)).json
    assert listed["total"] == 1


def test_second_pending_claim_on_same_unit_is_409(client, make, auth, estate, unit):
    claimant = make.user()
    url = f"/api/v1/estates/{estate.id}/claims"
    assert client.post(url, json=claim_body(unit), headers=auth(claimant)).status_code == 201
    again = client.post(url, json=claim_body(unit), headers=auth(claimant))
    assert again.status_code == 409
    assert again.json["error"]["code"] == "claim_pending"
    assert db.session.query(Claim).count() == 1


def test_claim_on_unit_of_another_estate_is_404(client, make, auth, estate):
    other_unit = make.unit(make.estate())
    response = client.post(
        f"/api/v1/estates/{estate.id}/claims",
        json=claim_body(other_unit),
        headers=auth(make.user()),
    )
    assert response.status_code == 404
    assert db.session.query(Claim).count() == 0


@pytest.mark.parametrize(
    "change, field",
    [
        ({"phone": "12345"}, "phone"),
        ({"phone": 13812341234}, "phone"),
        ({"real_name": ""}, "real_name"),
        ({"real_name": "张" * 500}, "real_name"),
        ({"unit_id": "1"}, "unit_id"),
        ({"unit_id": None}, "unit_id"),
    ],
)
def test_bad_claim_bodies_are_422_and_save_nothing(client, make, auth, estate, unit, change, field):
    response = client.post(
        f"/api/v1/estates/{estate.id}/claims",
        json=claim_body(unit, **change),
        headers=auth(make.user()),
    )
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]
    assert db.session.query(Claim).count() == 0


def test_verifier_of_another_estate_gets_404_and_nothing_changes(client, make, auth, unit):
    claim = make.claim(make.user(), unit)
    outsider = make.member(Role.COMMITTEE_CHAIR, make.estate())
    assert (
        client.post(f"/api/v1/claims/{claim.id}/verify", headers=auth(outsider)).status_code == 404
    )
    reject = client.post(
        f"/api/v1/claims/{claim.id}/reject", json={"reason": "不是业主"}, headers=auth(outsider)
    )
    assert reject.status_code == 404
    db.session.refresh(claim)
    assert claim.status == "pending"


def test_owner_of_same_estate_cannot_verify_403(client, make, auth, estate, unit):
    claim = make.claim(make.user(), unit)
    owner = make.member(Role.OWNER, make.unit(estate))
    assert client.post(f"/api/v1/claims/{claim.id}/verify", headers=auth(owner)).status_code == 403
    assert db.session.query(Membership).filter_by(role="owner").count() == 1


def test_auditor_sees_claims_but_cannot_verify(client, make, auth, estate, unit):
    claim = make.claim(make.user(), unit)
    from backend.places.models import Community

    auditor = make.member(Role.AUDITOR, db.session.get(Community, estate.community_id))
    assert (
        client.get(f"/api/v1/estates/{estate.id}/claims", headers=auth(auditor)).json["total"] == 1
    )
    assert (
        client.post(f"/api/v1/claims/{claim.id}/verify", headers=auth(auditor)).status_code == 403
    )


def test_reject_needs_reason_and_is_final(client, make, auth, estate, unit):
    claimant = make.user()
    claim = make.claim(claimant, unit)
    chair = make.member(Role.COMMITTEE_CHAIR, estate)
    url = f"/api/v1/claims/{claim.id}/reject"
    assert client.post(url, json={}, headers=auth(chair)).status_code == 422
    rejected = client.post(url, json={"reason": "房号与清册不符"}, headers=auth(chair))
    assert rejected.status_code == 200 and rejected.json["reason"] == "房号与清册不符"
    verify_after = client.post(f"/api/v1/claims/{claim.id}/verify", headers=auth(chair))
    assert verify_after.status_code == 409
    me = client.get("/api/v1/me", headers=auth(claimant)).json
    assert me["claims"][0]["status_label"] == "已驳回"
    assert me["memberships"] == []


@pytest.mark.committing("threads race, each on a connection of its own")
def test_two_verifiers_at_once_verify_once(app, make, auth, estate, unit):
    url = f"/api/v1/claims/{make.claim(make.user(), unit).id}/verify"
    verifiers = [make.member(Role.COMMITTEE_MEMBER, estate) for _ in range(2)]
    results = posts_at_once(app, auth, [(v, url, None) for v in verifiers])
    statuses = [status for status, _json in results]
    assert sorted(statuses) == [200, 409]
    assert db.session.query(Membership).filter_by(role="owner").count() == 1
