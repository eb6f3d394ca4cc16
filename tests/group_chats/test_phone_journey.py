"""The committee's journey on the phone, through exactly the endpoints the group-chats page
calls: an empty list, a group registered, tested (the message reaches the fake server), its
member count recorded, its join QR uploaded and the poster fetched, then switched off."""

import io

from PIL import Image

from backend.access.roles import Role
from bot.delivery import deliver
from tests.group_chats.test_poster import qr_png

KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"


def test_a_committee_member_registers_tests_and_advertises_the_group(
    client, make, auth, fake_wechat
):
    estate = make.estate(make.community(name="城东社区"), "阳光小区")
    headers = auth(make.member(Role.COMMITTEE_MEMBER, estate))
    liveness = f"/api/v1/estates/{estate.id}/group-chats/liveness"

    first = client.get(liveness, headers=headers).json
    assert (first["items"], first["estate_active"]) == ([], False)

    made = client.post(
        f"/api/v1/estates/{estate.id}/group-chats",
        json={
            "name": "阳光小区业主群",
            "channel": "wecom_robot",
            "address": f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KEY}",
            "profile": "external",
        },
        headers=headers,
    )
    assert made.status_code == 201
    group_id = made.json["id"]

    queued = client.post(f"/api/v1/group-chats/{group_id}/test-messages", headers=headers)
    assert queued.status_code == 201
    assert deliver(queued.json["id"]) == "sent"  # what the relay's job does
    [message] = fake_wechat.messages(f"robot:{KEY}")
    assert "阳光小区" in message["body"]["text"]["content"]

    counted = client.patch(
        f"/api/v1/group-chats/{group_id}", json={"member_count": 120}, headers=headers
    )
    assert counted.status_code == 200
    uploaded = client.post(
        f"/api/v1/group-chats/{group_id}/join-qr",
        data={"file": (io.BytesIO(qr_png()), "tmp_qr.png")},
        content_type="multipart/form-data",
        headers=headers,
    )
    assert uploaded.status_code == 200
    poster = client.get(f"/api/v1/group-chats/{group_id}/poster.png", headers=headers)
    assert poster.status_code == 200
    assert Image.open(io.BytesIO(poster.data)).format == "PNG"

    [shown] = client.get(liveness, headers=headers).json["items"]
    assert shown["group"]["profile_label"] == "外部群（含个人微信业主）"
    assert shown["group"]["has_join_qr"] is True
    assert (shown["members"], shown["members_source"]) == (120, "recorded")
    assert shown["last_test"]["status_label"] == "已送达"

    off = client.patch(f"/api/v1/group-chats/{group_id}", json={"active": False}, headers=headers)
    assert off.status_code == 200
    refused = client.post(f"/api/v1/group-chats/{group_id}/test-messages", headers=headers)
    assert refused.status_code == 409
    [shown] = client.get(liveness, headers=headers).json["items"]
    assert (shown["group"]["active"], shown["is_active"]) == (False, False)
