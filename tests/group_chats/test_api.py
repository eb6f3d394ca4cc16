"""Registering group chats: committee and officers only, addresses never returned."""

import pytest
from sqlalchemy import select

from backend.access.roles import Role
from backend.extensions import db
from backend.group_chats.models import GroupChat

KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
URL = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KEY}"


def _register(client, auth, person, estate, **fields):
    body = {"name": "阳光小区监督群", "channel": "wecom_robot", "address": URL, **fields}
    return client.post(f"/api/v1/estates/{estate.id}/group-chats", json=body, headers=auth(person))


def test_committee_registers_a_robot_by_pasting_its_webhook_url(client, make, auth):
    estate = make.estate()
    chair = make.member(Role.COMMITTEE_CHAIR, estate)

    response = _register(client, auth, chair, estate)

    assert response.status_code == 201, response.json
    assert response.json["address_hint"] == "••••" + KEY[-4:]
    assert db.session.scalar(select(GroupChat.address)) == KEY
    listed = client.get(f"/api/v1/estates/{estate.id}/group-chats", headers=auth(chair))
    assert listed.status_code == 200
    assert KEY not in listed.get_data(as_text=True)
    assert KEY not in response.get_data(as_text=True)


def test_owner_and_property_manager_may_not_register_403(client, make, auth):
    estate = make.estate()
    for person in (
        make.member(Role.OWNER, make.unit(estate)),
        make.member(Role.PROPERTY_MANAGER, estate),
    ):
        assert _register(client, auth, person, estate).status_code == 403
    assert db.session.scalar(select(GroupChat.id)) is None


def test_outside_scope_is_404(client, make, auth):
    chair = make.member(Role.COMMITTEE_CHAIR, make.estate())
    assert _register(client, auth, chair, make.estate()).status_code == 404


def test_same_address_twice_is_409(client, make, auth):
    estate = make.estate()
    auditor = make.member(Role.AUDITOR, estate.community)
    assert _register(client, auth, auditor, estate).status_code == 201
    again = _register(client, auth, auditor, make.estate(estate.community), address=KEY)
    assert again.status_code == 409
    assert again.json["error"]["fields"]["address"]


def test_bad_addresses_are_422(client, make, auth):
    estate = make.estate()
    chair = make.member(Role.COMMITTEE_CHAIR, estate)
    for fields in (
        {"address": "https://example.com/no-key"},
        {"address": "short"},
        {"address": "has spaces in it"},
        {"channel": "wecom_appchat", "address": "chat-with-dash"},
        {"channel": "sms"},
        {"name": ""},
        {"address": "k" * 301},
    ):
        response = _register(client, auth, chair, estate, **fields)
        assert response.status_code == 422, fields
    assert db.session.scalar(select(GroupChat.id)) is None


def test_switch_off_and_rename(client, make, auth):
    estate = make.estate()
    chair = make.member(Role.COMMITTEE_CHAIR, estate)
    group = make.group_chat(estate)

    response = client.patch(
        f"/api/v1/group-chats/{group.id}",
        json={"active": False, "name": "新群名"},
        headers=auth(chair),
    )

    assert response.status_code == 200
    assert (response.json["active"], response.json["name"]) == (False, "新群名")
    stranger = make.member(Role.COMMITTEE_CHAIR, make.estate())
    assert (
        client.patch(
            f"/api/v1/group-chats/{group.id}", json={"active": True}, headers=auth(stranger)
        ).status_code
        == 404
    )


# -- profile and member count -------------------------------------------------------------


def test_an_unsaid_profile_is_external_and_the_committee_may_choose_internal(client, make, auth):
    estate = make.estate()
    chair = make.member(Role.COMMITTEE_CHAIR, estate)

    owners = _register(client, auth, chair, estate)
    committee = _register(
        client, auth, chair, estate, address="committee-robot-1", profile="internal"
    )

    assert owners.status_code == 201 and committee.status_code == 201
    assert (owners.json["profile"], owners.json["profile_label"]) == (
        "external",
        "外部群（含个人微信业主）",
    )
    assert committee.json["profile"] == "internal"
    profiles = db.session.scalars(select(GroupChat.profile).order_by(GroupChat.id)).all()
    assert profiles == ["external", "internal"]


def test_an_app_chat_is_internal_and_cannot_be_made_external(client, make, auth):
    # The WeCom app's chats hold only the company's members: no owner on personal WeChat.
    estate = make.estate()
    chair = make.member(Role.COMMITTEE_CHAIR, estate)
    app_chat = {"channel": "wecom_appchat", "address": "committeechat01"}

    said_external = _register(client, auth, chair, estate, profile="external", **app_chat)
    assert said_external.status_code == 422
    assert "profile" in said_external.json["error"]["fields"]
    assert db.session.scalar(select(GroupChat.id)) is None

    unsaid = _register(client, auth, chair, estate, **app_chat)
    assert unsaid.status_code == 201, unsaid.json
    assert unsaid.json["profile"] == "internal"
    turned = client.patch(
        f"/api/v1/group-chats/{unsaid.json['id']}",
        json={"profile": "external", "name": "改名"},
        headers=auth(chair),
    )
    assert turned.status_code == 422
    db.session.expire_all()
    group = db.session.get(GroupChat, unsaid.json["id"])
    assert (group.profile, group.name) == ("internal", "阳光小区监督群")


def test_an_unknown_profile_is_422(client, make, auth):
    estate = make.estate()
    chair = make.member(Role.COMMITTEE_CHAIR, estate)
    response = _register(client, auth, chair, estate, profile="personal")
    assert response.status_code == 422
    assert "profile" in response.json["error"]["fields"]


def test_recording_the_member_count_stamps_when(client, make, auth):
    estate = make.estate()
    member = make.member(Role.COMMITTEE_MEMBER, estate)
    group = make.group_chat(estate)

    response = client.patch(
        f"/api/v1/group-chats/{group.id}", json={"member_count": 312}, headers=auth(member)
    )

    assert response.status_code == 200, response.json
    assert response.json["member_count"] == 312
    db.session.refresh(group)
    assert group.member_count == 312 and group.member_count_recorded_at is not None
    assert response.json["member_count_recorded_at"].endswith("+00:00")


def test_switching_the_profile_from_the_phone(client, make, auth):
    estate = make.estate()
    chair = make.member(Role.COMMITTEE_CHAIR, estate)
    group = make.group_chat(estate, profile="internal")
    response = client.patch(
        f"/api/v1/group-chats/{group.id}", json={"profile": "external"}, headers=auth(chair)
    )
    assert response.status_code == 200 and response.json["profile"] == "external"


@pytest.mark.parametrize("count", [-1, 2001, "12", 3.5, True, None])
def test_a_bad_member_count_is_422_and_changes_nothing(client, make, auth, count):
    estate = make.estate()
    chair = make.member(Role.COMMITTEE_CHAIR, estate)
    group = make.group_chat(estate)

    response = client.patch(
        f"/api/v1/group-chats/{group.id}", json={"member_count": count}, headers=auth(chair)
    )

    assert response.status_code == 422
    assert "member_count" in response.json["error"]["fields"]
    db.session.refresh(group)
    assert group.member_count is None and group.member_count_recorded_at is None


def test_owner_and_manager_may_not_record_members_403_and_another_estate_404(client, make, auth):
    estate = make.estate()
    group = make.group_chat(estate)
    body = {"member_count": 10}
    for person in (
        make.member(Role.OWNER, make.unit(estate)),
        make.member(Role.PROPERTY_MANAGER, estate),
    ):
        response = client.patch(f"/api/v1/group-chats/{group.id}", json=body, headers=auth(person))
        assert response.status_code == 403
    stranger = make.member(Role.COMMITTEE_CHAIR, make.estate())
    response = client.patch(f"/api/v1/group-chats/{group.id}", json=body, headers=auth(stranger))
    assert response.status_code == 404
    db.session.refresh(group)
    assert group.member_count is None
