"""Announcing, reading, cancelling and closing motions through the API: who may, what bad
input gets, and what each reader sees (turnout while open, results only after closing)."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from backend.access.roles import Role
from backend.common.clock import utcnow
from backend.extensions import db
from backend.outbox.models import OutboxMessage
from backend.votes.models import Motion, MotionAttachment
from tests.download_support import assert_saved
from tests.isolation import once_per_module
from tests.pdf_support import plain_pdf
from tests.test_query_counts import count_queries
from tests.vote_support import build_vcast, motion_row

_vcast_of_module, vcast = once_per_module("vcast", build_vcast)


def motion_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Motion))


def test_the_committee_announces_a_motion_and_its_groups_are_told(vcast, votes, make):
    make.group_chat(vcast.estate)

    response = votes.create(vcast.chair, vcast.estate.id, matter="raise_maintenance_fund")

    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "announced" and body["status_label"] == "公示中"
    assert body["threshold"] == "special"
    assert body["organiser_label"] == "业主委员会"
    assert body["turnout"] is None and body["result"] is None
    assert body["can_vote"] is False and body["can_manage"] is True
    topics = db.session.scalars(select(OutboxMessage.topic)).all()
    assert topics == ["vote.announced"]


@pytest.mark.parametrize("who", ["owner", "manager", "auditor", "township"])
def test_only_the_committee_announces_where_there_is_one(vcast, votes, who):
    response = votes.create(getattr(vcast, who), vcast.estate.id)
    assert response.status_code == 403
    assert motion_count() == 0


def test_the_community_announces_where_the_estate_has_no_committee(make, votes):
    community = make.community()
    estate = make.estate(community)
    auditor = make.member(Role.AUDITOR, community)

    response = votes.create(auditor, estate.id)

    assert response.status_code == 201
    assert response.get_json()["organiser_label"] == "社区居委会"


def test_an_estate_outside_the_callers_scope_is_not_found(vcast, votes):
    response = votes.create(vcast.chair, vcast.outsider.memberships[0].estate_id)
    assert response.status_code == 404
    assert motion_count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"days_to_open": 14}, "opens_at"),  # less than the 15-day notice
        ({"days_open": 0}, "closes_at"),
        ({"days_open": 61}, "closes_at"),
        ({"days_to_open": 76}, "opens_at"),  # beyond the notice period plus a voting period
        ({"days_to_open": 365 * 70}, "opens_at"),
        ({"opens_at": "9999-12-30T09:00:00+08:00"}, "opens_at"),  # was accepted
        ({"opens_at": "9999-12-31T23:00:00-12:00"}, "opens_at"),  # was an OverflowError
        ({"closes_at": "9999-12-31T23:00:00-12:00"}, "closes_at"),
        ({"closes_at": "1999-12-31T23:00:00+08:00"}, "closes_at"),
        ({"matter": "sell_the_estate"}, "matter"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "长" * 101}, "title"),
        ({"body": "x" * 10_001}, "body"),
        ({"title": 12}, "title"),
        ({"opens_at": "2027-01-01T09:00:00"}, "opens_at"),  # no time zone
        ({"opens_at": "next monday"}, "opens_at"),
        ({"attachment_ids": [999_999]}, "attachment_ids"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_motions_are_refused_with_a_reason_and_change_nothing(vcast, votes, change, field):
    response = votes.create(vcast.chair, vcast.estate.id, **change)

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert field in error["fields"] and error["message"]
    assert motion_count() == 0


def test_exactly_the_notice_period_is_enough(vcast, votes, app):
    opens = utcnow() + timedelta(days=app.config["VOTE_NOTICE_DAYS"], minutes=1)
    response = votes.create(
        vcast.chair,
        vcast.estate.id,
        opens_at=opens.isoformat(),
        closes_at=(opens + timedelta(days=3)).isoformat(),
    )
    assert response.status_code == 201


def test_documents_are_attached_and_readable_by_owners_only_in_scope(vcast, votes, client, auth):
    upload = client.post(
        f"/api/v1/estates/{vcast.estate.id}/motion-attachments",
        data={"file": (io.BytesIO(plain_pdf("contract")), "物业合同.pdf")},
        headers=auth(vcast.chair),
    )
    assert upload.status_code == 201
    doc = upload.get_json()

    motion = votes.announce(vcast.chair, vcast.estate.id, attachment_ids=[doc["id"]])

    assert [a["filename"] for a in motion["attachments"]] == ["物业合同.pdf"]
    download = client.get(doc["url"], headers=auth(vcast.owner))
    assert download.data == plain_pdf("contract")
    assert_saved(download, "物业合同.pdf")
    assert client.get(doc["url"], headers=auth(vcast.outsider)).status_code == 404
    # Used once: a second motion cannot take the same document.
    again = votes.create(vcast.chair, vcast.estate.id, attachment_ids=[doc["id"]])
    assert again.status_code == 422


def test_an_owner_cannot_upload_motion_documents(vcast, client, auth):
    response = client.post(
        f"/api/v1/estates/{vcast.estate.id}/motion-attachments",
        data={"file": (io.BytesIO(b"%PDF-1.4"), "a.pdf")},
        headers=auth(vcast.owner),
    )
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(MotionAttachment)) == 0


def test_owners_see_turnout_while_voting_is_open_and_no_result(vcast, votes):
    motion = votes.opened(vcast.chair, vcast.estate.id)
    assert votes.cast(vcast.owner, motion["id"], "no").status_code == 201

    seen = votes.get(vcast.owner2, motion["id"]).get_json()

    assert seen["turnout"] == {
        "owners_total": 2,
        "owners_voted": 1,
        "area_total_dm2": 20_000,
        "area_voted_dm2": 10_000,
    }
    assert seen["result"] is None
    assert seen["can_vote"] is True and seen["my_ballot"] is None
    assert "no" not in str(seen["turnout"])


def test_the_result_appears_when_voting_closes(vcast, votes):
    motion = votes.opened(vcast.chair, vcast.estate.id)
    votes.cast(vcast.owner, motion["id"], "yes")
    votes.cast(vcast.owner2, motion["id"], "abstain")
    votes.end(motion["id"])

    seen = votes.get(vcast.owner, motion["id"]).get_json()

    assert seen["status"] == "closed"
    assert seen["result"]["outcome"] == "rejected"  # 1 yes of 2 voting is not more than half
    assert seen["result"]["participating"] == {"owners": 2, "area_dm2": 20_000}
    assert seen["result"]["yes"] == {"owners": 1, "area_dm2": 10_000}
    assert seen["my_ballot"]["choice"] == "yes"
    assert seen["can_vote"] is False


def test_lists_are_paginated_scoped_and_filtered_by_status(vcast, votes, client, auth):
    first = votes.announce(vcast.chair, vcast.estate.id)
    votes.announce(vcast.chair, vcast.estate.id)
    votes.open(first["id"])
    url = f"/api/v1/estates/{vcast.estate.id}/motions"

    page = client.get(f"{url}?page_size=1", headers=auth(vcast.owner)).get_json()
    assert page["total"] == 2 and len(page["items"]) == 1
    open_only = client.get(f"{url}?status=open", headers=auth(vcast.owner)).get_json()
    assert [m["id"] for m in open_only["items"]] == [first["id"]]
    assert client.get(url, headers=auth(vcast.outsider)).status_code == 404
    assert client.get(f"{url}?status=maybe", headers=auth(vcast.owner)).status_code == 422


def test_the_list_opens_a_motion_due_to_open_before_counting_and_showing_it(
    vcast, votes, client, auth
):
    due = votes.announce(vcast.chair, vcast.estate.id)
    votes.announce(vcast.chair, vcast.estate.id)
    votes.open(due["id"])
    url = f"/api/v1/estates/{vcast.estate.id}/motions?status=open"
    page = client.get(url, headers=auth(vcast.owner)).get_json()
    assert page["total"] == 1 and [m["id"] for m in page["items"]] == [due["id"]]
    assert page["items"][0]["status"] == "open" and page["items"][0]["can_vote"] is True


def test_the_list_runs_a_fixed_number_of_queries(vcast, votes, client, auth, app):
    for _ in range(2):
        votes.opened(vcast.chair, vcast.estate.id)
    url = f"/api/v1/estates/{vcast.estate.id}/motions"
    with count_queries(app) as few:
        client.get(url, headers=auth(vcast.owner))
    for _ in range(4):
        votes.opened(vcast.chair, vcast.estate.id)
    with count_queries(app) as many:
        client.get(url, headers=auth(vcast.owner))
    assert len(many) == len(few)


def test_a_motion_is_cancelled_before_voting_with_a_reason(vcast, votes, client, auth, make):
    make.group_chat(vcast.estate)
    motion = votes.announce(vcast.chair, vcast.estate.id)
    url = f"/api/v1/motions/{motion['id']}/cancel"

    assert client.post(url, json={"reason": "撤回"}, headers=auth(vcast.owner)).status_code == 403
    assert client.post(url, json={"reason": ""}, headers=auth(vcast.chair)).status_code == 422
    response = client.post(url, json={"reason": "合同条款需重新协商"}, headers=auth(vcast.chair))

    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"
    assert "vote.cancelled" in db.session.scalars(select(OutboxMessage.topic)).all()


def test_a_vote_in_progress_cannot_be_cancelled(vcast, votes, client, auth):
    motion = votes.opened(vcast.chair, vcast.estate.id)
    response = client.post(
        f"/api/v1/motions/{motion['id']}/cancel",
        json={"reason": "想撤回"},
        headers=auth(vcast.chair),
    )
    assert response.status_code == 409
    assert motion_row(motion["id"]).status == "open"


def test_closing_on_demand_waits_for_the_end_of_voting(vcast, votes, client, auth):
    motion = votes.opened(vcast.chair, vcast.estate.id)
    url = f"/api/v1/motions/{motion['id']}/close"

    early = client.post(url, headers=auth(vcast.auditor))
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "motion_not_ended"
    assert client.post(url, headers=auth(vcast.owner)).status_code == 403

    votes.end(motion["id"])
    closed = client.post(url, headers=auth(vcast.auditor))
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    assert closed.get_json()["result"]["outcome"] == "no_quorum"
    # Twice is harmless: the tally is not redone.
    closed_at = motion_row(motion["id"]).closed_at
    assert client.post(url, headers=auth(vcast.chair)).status_code == 200
    assert motion_row(motion["id"]).closed_at == closed_at


def test_unknown_motions_are_not_found(vcast, votes):
    assert votes.get(vcast.owner, 999_999).status_code == 404
    motion = votes.announce(vcast.chair, vcast.estate.id)
    assert votes.get(vcast.outsider, motion["id"]).status_code == 404


def test_an_upload_takes_its_name_from_the_filename_field(vcast, client, auth):
    response = client.post(
        f"/api/v1/estates/{vcast.estate.id}/motion-attachments",
        data={"file": (io.BytesIO(plain_pdf("plan")), "tmp_8f3a.pdf"), "filename": "改造方案.pdf"},
        headers=auth(vcast.chair),
    )
    assert response.status_code == 201
    assert response.get_json()["filename"] == "改造方案.pdf"


def test_only_the_organiser_is_told_they_organise(vcast, votes):
    motion = votes.announce(vcast.chair, vcast.estate.id)
    flags = {
        who: (body["can_manage"], body["can_organise"])
        for who in ("chair", "auditor", "township", "owner")
        for body in [votes.get(getattr(vcast, who), motion["id"]).get_json()]
    }
    assert flags == {
        "chair": (True, True),
        "auditor": (True, False),  # supervises; the estate has a committee
        "township": (True, False),
        "owner": (False, False),
    }


def test_voting_opens_at_most_a_voting_period_after_the_notice(vcast, votes, app):
    latest = app.config["VOTE_NOTICE_DAYS"] + app.config["VOTE_MAX_DAYS"]
    opens = utcnow() + timedelta(days=latest, minutes=-1)
    body = {"opens_at": opens.isoformat(), "closes_at": (opens + timedelta(days=3)).isoformat()}
    assert votes.create(vcast.chair, vcast.estate.id, **body).status_code == 201
    opens = utcnow() + timedelta(days=latest, minutes=1)
    body = {"opens_at": opens.isoformat(), "closes_at": (opens + timedelta(days=3)).isoformat()}
    response = votes.create(vcast.chair, vcast.estate.id, **body)
    assert response.status_code == 422
    assert response.json["error"]["fields"]["opens_at"] == [f"最晚在 {latest} 日内开始"]
    assert motion_count() == 1
