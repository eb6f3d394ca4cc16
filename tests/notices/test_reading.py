"""Owners read notices: list per estate (pinned first, unread marker), detail, withdrawal."""

import hashlib
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from backend.access.roles import Role
from backend.extensions import db
from backend.notices import services as notices
from backend.notices.models import NoticeAttachment
from backend.outbox.models import OutboxMessage
from bot.delivery import deliver
from tests import pdf_support
from tests.concurrency import posts_at_once
from tests.download_support import assert_saved
from tests.pdf_support import plain_pdf


def _estate_with_owner(make):
    estate = make.estate()
    owner = make.member(Role.OWNER, make.unit(estate))
    chair = make.member(Role.COMMITTEE_CHAIR, estate)
    return estate, owner, chair


def test_list_shows_pinned_first_then_newest_with_unread_marker(client, make, auth):
    estate, owner, chair = _estate_with_owner(make)
    old = notices.publish(chair, "estate", estate.id, "旧通知", "内容")
    pinned = notices.publish(chair, "estate", estate.id, "置顶通知", "内容", pinned=True)
    new = notices.publish(chair, "estate", estate.id, "新通知", "内容")
    client.get(f"/api/v1/notices/{old.id}", headers=auth(owner))

    response = client.get(f"/api/v1/estates/{estate.id}/notices", headers=auth(owner))

    assert response.status_code == 200
    items = response.json["items"]
    assert [i["id"] for i in items] == [pinned.id, new.id, old.id]
    assert [i["is_read"] for i in items] == [False, False, True]
    assert response.json["total"] == 3


def test_list_is_paginated(client, make, auth):
    estate, owner, chair = _estate_with_owner(make)
    for i in range(5):
        notices.publish(chair, "estate", estate.id, f"通知{i}", "内容")

    page2 = client.get(
        f"/api/v1/estates/{estate.id}/notices?page=2&page_size=2", headers=auth(owner)
    ).json

    assert [i["title"] for i in page2["items"]] == ["通知2", "通知1"]
    assert page2["total"] == 5


def test_notices_of_other_estates_are_404(client, make, auth):
    estate, owner, _ = _estate_with_owner(make)
    elsewhere = make.estate()
    other = notices.publish(
        make.member(Role.COMMITTEE_CHAIR, elsewhere), "estate", elsewhere.id, "别处", "内容"
    )

    assert (
        client.get(f"/api/v1/estates/{elsewhere.id}/notices", headers=auth(owner)).status_code
        == 404
    )
    assert client.get(f"/api/v1/notices/{other.id}", headers=auth(owner)).status_code == 404


def test_community_notice_reaches_owners_of_each_estate(client, make, auth):
    community = make.community()
    estate = make.estate(community)
    owner = make.member(Role.OWNER, make.unit(estate))
    notice = notices.publish(
        make.member(Role.AUDITOR, community), "community", community.id, "社区通知", "内容"
    )

    detail = client.get(f"/api/v1/notices/{notice.id}", headers=auth(owner)).json

    assert detail["audience_label"] == f"{community.name}全体小区"
    assert detail["author_label"] == f"{community.name}居委会"
    assert detail["can_withdraw"] is False


def test_withdraw_keeps_the_notice_and_tells_groups_that_got_it(client, make, auth, fake_wechat):
    estate, owner, chair = _estate_with_owner(make)
    sent_to = make.group_chat(estate)
    notice = notices.publish(chair, "estate", estate.id, "停电通知", "内容")
    deliver(db.session.scalar(select(OutboxMessage.id)))
    unsent_to = make.group_chat(estate)  # joined later: never got it, so no withdrawal line

    response = client.post(
        f"/api/v1/notices/{notice.id}/withdraw", json={"reason": "时间有误"}, headers=auth(chair)
    )

    assert response.status_code == 200
    assert response.json["withdrawn"] is True and response.json["withdraw_reason"] == "时间有误"
    listed = client.get(f"/api/v1/estates/{estate.id}/notices", headers=auth(owner)).json["items"]
    assert [(i["id"], i["withdrawn"]) for i in listed] == [(notice.id, True)]
    withdrawal = db.session.scalars(select(OutboxMessage).filter_by(topic="notice.withdrawn")).all()
    assert [r.group_chat_id for r in withdrawal] == [sent_to.id]
    assert deliver(withdrawal[0].id) == "sent"
    last = fake_wechat.messages(f"robot:{sent_to.address}")[-1]
    assert (
        "撤回" in last["body"]["text"]["content"] and "时间有误" in last["body"]["text"]["content"]
    )
    assert fake_wechat.messages(f"robot:{unsent_to.address}") == []


def test_withdrawing_before_delivery_cancels_the_copies(client, make, auth, fake_wechat):
    estate, _, chair = _estate_with_owner(make)
    make.group_chat(estate)
    notice = notices.publish(chair, "estate", estate.id, "通知", "内容")

    client.post(
        f"/api/v1/notices/{notice.id}/withdraw", json={"reason": "发错了"}, headers=auth(chair)
    )

    [row] = db.session.scalars(select(OutboxMessage)).all()
    db.session.refresh(row)
    assert row.status == "cancelled"
    assert deliver(row.id) == "cancelled"
    assert fake_wechat.messages() == []


def test_only_the_author_withdraws_and_only_once(client, make, auth):
    estate, owner, chair = _estate_with_owner(make)
    other_member = make.member(Role.COMMITTEE_MEMBER, estate)
    notice = notices.publish(chair, "estate", estate.id, "通知", "内容")
    url = f"/api/v1/notices/{notice.id}/withdraw"

    assert client.post(url, json={"reason": "x"}, headers=auth(owner)).status_code == 403
    assert client.post(url, json={"reason": "x"}, headers=auth(other_member)).status_code == 403
    assert client.post(url, json={"reason": ""}, headers=auth(chair)).status_code == 422
    assert client.post(url, json={"reason": "重复"}, headers=auth(chair)).status_code == 200
    again = client.post(url, json={"reason": "重复"}, headers=auth(chair))
    assert again.status_code == 409
    assert again.json["error"]["code"] == "invalid_transition"


PDF = plain_pdf()


def _upload(client, auth, person, name="a.pdf", data=PDF):
    return client.post(
        "/api/v1/notices/attachments",
        data={"file": (io.BytesIO(data), name)},
        headers=auth(person),
        content_type="multipart/form-data",
    )


def _post_with(client, auth, person, estate, attachment_ids):
    return client.post(
        "/api/v1/notices",
        json={
            "audience_kind": "estate",
            "audience_id": estate.id,
            "title": "维修方案公示",
            "body": "详见附件",
            "attachment_ids": attachment_ids,
        },
        headers=auth(person),
    )


def test_attachment_upload_post_and_download(client, make, auth):
    estate, owner, chair = _estate_with_owner(make)
    uploaded = _upload(client, auth, chair, "维修方案.pdf")
    assert uploaded.status_code == 201, uploaded.json
    posted = _post_with(client, auth, chair, estate, [uploaded.json["id"]]).json
    [attachment] = posted["attachments"]
    assert attachment["name"] == "维修方案.pdf" and posted["attachment_count"] == 1

    download = client.get(attachment["url"], headers=auth(owner))
    assert download.status_code == 200
    assert download.data.startswith(b"%PDF-")
    assert_saved(download, "维修方案.pdf")
    stranger = make.member(Role.OWNER, make.unit(make.estate()))
    assert client.get(attachment["url"], headers=auth(stranger)).status_code == 404


def test_attachment_must_be_what_its_name_says(client, make, auth):
    _, _, chair = _estate_with_owner(make)
    for name, data in [("a.pdf", b"MZ\x90\x00"), ("a.exe", b"%PDF-1.4"), ("a.png", b"")]:
        response = _upload(client, auth, chair, name, data)
        assert response.status_code == 422, name
        assert "file" in response.json["error"]["fields"]


ACTIVE_PDF_MESSAGE = (
    "PDF 文件含有脚本、附件或自动动作，出于安全考虑不予接收，请另存为普通 PDF 后再上传"
)


@pytest.mark.parametrize(
    "data, message",
    [
        (pdf_support.pdf_with_open_action_javascript("notice"), ACTIVE_PDF_MESSAGE),
        (pdf_support.pdf_with_page_additional_action("notice"), ACTIVE_PDF_MESSAGE),
        (pdf_support.HTML_BEHIND_PDF_PREFIX, "文件内容与扩展名不符或已损坏"),
    ],
    ids=["open action javascript", "page additional action", "html behind %PDF"],
)
def test_active_or_fake_pdf_attachments_are_refused_and_not_stored(
    app, client, make, auth, data, message
):
    _, _, chair = _estate_with_owner(make)
    response = _upload(client, auth, chair, "通知.pdf", data)
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"file": [message]}
    assert db.session.scalar(select(func.count()).select_from(NoticeAttachment)) == 0
    digest = hashlib.sha256(data).hexdigest()
    assert not (Path(app.config["STORAGE_DIR"]) / digest[:2] / f"{digest}.pdf").exists()


def test_a_pdf_that_opens_at_its_first_page_is_taken(client, make, auth):
    _, _, chair = _estate_with_owner(make)
    data = pdf_support.pdf_opening_at_its_first_page("notice")
    assert _upload(client, auth, chair, "通知.pdf", data).status_code == 201


def test_someone_elses_upload_cannot_be_attached(client, make, auth):
    estate, _, chair = _estate_with_owner(make)
    other = make.member(Role.COMMITTEE_MEMBER, estate)
    uploaded = _upload(client, auth, other).json
    response = _post_with(client, auth, chair, estate, [uploaded["id"]])
    assert response.status_code == 422


@pytest.mark.committing("threads race, each on a connection of its own")
def test_withdrawing_twice_at_once_withdraws_once(app, make, auth, fake_wechat):
    estate, _, chair = _estate_with_owner(make)
    make.group_chat(estate)
    notice = notices.publish(chair, "estate", estate.id, "通知", "内容")
    deliver(db.session.scalar(select(OutboxMessage.id)))
    url = f"/api/v1/notices/{notice.id}/withdraw"
    results = posts_at_once(app, auth, [(chair, url, {"reason": "发错了"})] * 2)
    statuses = [status for status, _json in results]
    assert sorted(statuses) == [200, 409]
    lines = db.session.scalars(select(OutboxMessage).filter_by(topic="notice.withdrawn")).all()
    assert len(lines) == 1
