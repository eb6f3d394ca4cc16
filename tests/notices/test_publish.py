"""Posting notices: who may post where, the audience, and the outbox rows written with it."""

from sqlalchemy import select

from backend.access.roles import Role
from backend.extensions import db
from backend.notices.models import Notice, NoticeEstate
from backend.outbox.models import OutboxMessage


def _post(client, auth, person, **fields):
    body = {"audience_kind": "estate", "title": "停水通知", "body": "明天 9 点到 12 点停水。"}
    return client.post("/api/v1/notices", json={**body, **fields}, headers=auth(person))


def test_committee_posts_to_its_estate_and_one_outbox_row_per_active_group(client, make, auth):
    estate = make.estate()
    chair = make.member(Role.COMMITTEE_CHAIR, estate)
    robot = make.group_chat(estate)
    make.group_chat(estate, channel="wecom_appchat", address="chat42")
    make.group_chat(estate, active=False)
    other = make.group_chat(make.estate())

    response = _post(client, auth, chair, audience_id=estate.id, pinned=True)

    assert response.status_code == 201, response.json
    notice = response.json
    assert notice["author_label"] == f"{estate.name}业委会"
    assert notice["audience_label"] == estate.name
    assert notice["pinned"] is True and notice["can_withdraw"] is True
    rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [r.group_chat_id for r in rows] == [robot.id, robot.id + 1]
    assert other.id not in {r.group_chat_id for r in rows}
    assert {(r.topic, r.subject_id, r.status) for r in rows} == {
        ("notice.published", notice["id"], "pending")
    }


def test_auditor_posts_to_every_estate_of_the_community(client, make, auth):
    community = make.community()
    estates = [make.estate(community) for _ in range(3)]
    outside = make.estate()
    auditor = make.member(Role.AUDITOR, community)
    for e in estates + [outside]:
        make.group_chat(e)

    response = _post(client, auth, auditor, audience_kind="community", audience_id=community.id)

    assert response.status_code == 201, response.json
    assert response.json["audience_label"] == f"{community.name}全体小区"
    reached = set(db.session.scalars(select(NoticeEstate.estate_id)))
    assert reached == {e.id for e in estates}
    assert set(db.session.scalars(select(OutboxMessage.estate_id))) == reached


def test_owner_may_not_post_403_and_nothing_is_written(client, make, auth):
    estate = make.estate()
    owner = make.member(Role.OWNER, make.unit(estate))
    make.group_chat(estate)

    response = _post(client, auth, owner, audience_id=estate.id)

    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"
    assert db.session.scalar(select(Notice.id)) is None
    assert db.session.scalar(select(OutboxMessage.id)) is None


def test_committee_of_another_estate_gets_404(client, make, auth):
    chair = make.member(Role.COMMITTEE_CHAIR, make.estate())
    response = _post(client, auth, chair, audience_id=make.estate().id)
    assert response.status_code == 404


def test_committee_may_not_post_to_its_whole_community_403(client, make, auth):
    estate = make.estate()
    chair = make.member(Role.COMMITTEE_CHAIR, estate)
    response = _post(
        client, auth, chair, audience_kind="community", audience_id=estate.community_id
    )
    assert response.status_code == 403


def test_same_client_token_twice_posts_once(client, make, auth):
    estate = make.estate()
    chair = make.member(Role.COMMITTEE_CHAIR, estate)
    make.group_chat(estate)

    first = _post(client, auth, chair, audience_id=estate.id, client_token="tap-0123456789")
    again = _post(client, auth, chair, audience_id=estate.id, client_token="tap-0123456789")

    assert first.status_code == again.status_code == 201
    assert first.json["id"] == again.json["id"]
    assert len(db.session.scalars(select(OutboxMessage)).all()) == 1


def test_bad_input_is_422_and_writes_nothing(client, make, auth):
    estate = make.estate()
    chair = make.member(Role.COMMITTEE_CHAIR, estate)
    cases = [
        {"title": ""},
        {"title": "   "},
        {"title": "长" * 61},
        {"body": "字" * 5001},
        {"body": 12},
        {"pinned": "maybe"},
        {"pinned": "yes"},
        {"pinned": 1},
        {"audience_kind": "planet"},
        {"attachment_ids": [999]},
        {"title": "a\x00b"},
    ]
    for fields in cases:
        response = _post(client, auth, chair, audience_id=estate.id, **fields)
        assert response.status_code == 422, (fields, response.json)
        assert response.json["error"]["message"]
    assert db.session.scalar(select(Notice.id)) is None
