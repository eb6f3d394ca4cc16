"""The audience chooser of the notice-compose page (GET /notices/audiences), and the journey it
serves: an officer picks a township, attaches a file, posts; an owner in one of its estates
reads the notice and its attachment, an owner of another township cannot."""

import io

from backend.access.roles import Role
from tests.pdf_support import plain_pdf
from tests.ticket_support import jpeg_bytes

AUDIENCES = "/api/v1/notices/audiences"


def choices(client, auth, person, kind, **query):
    response = client.get(AUDIENCES, query_string={"kind": kind, **query}, headers=auth(person))
    assert response.status_code == 200, response.json
    return [(a["name"], a["label"], a["estate_count"]) for a in response.json["items"]]


def places(make):
    county = make.county("安溪县")
    ta, tb = make.township(county, "凤城镇"), make.township(county, "城厢镇")
    ca1, ca2 = make.community(ta, "中山社区"), make.community(ta, "东岳社区")
    cb = make.community(tb)
    estates = [make.estate(ca1, "凤城花园"), make.estate(ca1, "茶都新苑")]
    estates.append(make.estate(ca2, "蓝溪湾"))
    return county, ta, ca1, estates, make.estate(cb, "城厢名都")


def test_a_township_officer_chooses_among_the_places_of_the_township(client, auth, make):
    county, township, community, estates, _ = places(make)
    officer = make.member(Role.TOWNSHIP_OFFICER, township)
    assert choices(client, auth, officer, "township") == [("凤城镇", "凤城镇全体小区", 3)]
    assert choices(client, auth, officer, "community") == [
        ("东岳社区", "东岳社区全体小区", 1),
        ("中山社区", "中山社区全体小区", 2),
    ]
    assert [name for name, _, _ in choices(client, auth, officer, "estate")] == [
        "凤城花园",
        "茶都新苑",
        "蓝溪湾",
    ]
    assert choices(client, auth, officer, "estate", q="花园") == [("凤城花园", "凤城花园", 1)]
    assert choices(client, auth, officer, "county") == []


def test_a_committee_chooses_only_its_own_estate(client, auth, make):
    _, _, _, estates, _ = places(make)
    chair = make.member(Role.COMMITTEE_CHAIR, estates[0])
    make.member(Role.OWNER, make.unit(estates[1]), chair)  # owning elsewhere posts nowhere
    assert choices(client, auth, chair, "estate") == [("凤城花园", "凤城花园", 1)]
    assert choices(client, auth, chair, "community") == []


def test_a_county_officer_reaches_every_estate_of_the_county(client, auth, make):
    county, *_ = places(make)
    officer = make.member(Role.COUNTY_OFFICER, county)
    assert choices(client, auth, officer, "county") == [("安溪县", "安溪县全体小区", 4)]
    assert len(choices(client, auth, officer, "estate")) == 4


def test_an_unknown_kind_is_422(client, auth, make):
    person = make.user()
    response = client.get(AUDIENCES, query_string={"kind": "unit"}, headers=auth(person))
    assert response.status_code == 422
    assert response.json["error"]["fields"]["kind"] == ["发布范围应为小区、社区、街道或县"]


def test_officer_sends_a_notice_to_a_township_with_an_attachment_and_an_owner_reads_it(
    client, auth, make
):
    _, township, _, estates, elsewhere = places(make)
    officer = make.member(Role.TOWNSHIP_OFFICER, township)
    owner = make.member(Role.OWNER, make.unit(estates[2]))
    outsider = make.member(Role.OWNER, make.unit(elsewhere))
    [(name, label, count)] = choices(client, auth, officer, "township")
    assert count == 3
    files = []
    # The phone's part is named after its temp file; the person's name comes as a field.
    for filename, data in (("整治方案.pdf", plain_pdf()), ("现场.jpg", jpeg_bytes())):
        uploaded = client.post(
            "/api/v1/notices/attachments",
            data={"file": (io.BytesIO(data), "tmp_8f3a" + filename[-4:]), "filename": filename},
            headers=auth(officer),
            content_type="multipart/form-data",
        )
        assert uploaded.status_code == 201, uploaded.json
        files.append(uploaded.json["id"])
    posted = client.post(
        "/api/v1/notices",
        json={
            "audience_kind": "township",
            "audience_id": township.id,
            "title": "关于开展消防通道整治的通知",
            "body": "　　详见附件。",
            "attachment_ids": files,
            "client_token": "compose-0001",
        },
        headers=auth(officer),
    )
    assert posted.status_code == 201, posted.json
    assert posted.json["audience_label"] == label == "凤城镇全体小区"

    listed = client.get(f"/api/v1/estates/{estates[2].id}/notices", headers=auth(owner)).json
    [notice] = listed["items"]
    assert notice["title"] == "关于开展消防通道整治的通知" and notice["attachment_count"] == 2
    assert notice["is_read"] is False
    detail = client.get(f"/api/v1/notices/{notice['id']}", headers=auth(owner)).json
    assert [a["name"] for a in detail["attachments"]] == ["整治方案.pdf", "现场.jpg"]
    photo = client.get(detail["attachments"][1]["url"], headers=auth(owner))
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert b"Exif" not in photo.data[:64]  # stored re-encoded, no EXIF
    assert client.get(f"/api/v1/notices/{notice['id']}", headers=auth(outsider)).status_code == 404
    theirs = client.get(f"/api/v1/estates/{elsewhere.id}/notices", headers=auth(outsider)).json
    assert theirs["items"] == []
