"""GET /api/v1/outbox/status-counts: each estate's outbox rows by status, for the staff over it
and its committee and manager, and over all of them ("nothing left to send")."""

import itertools

import pytest

from backend.access.roles import Role
from backend.extensions import db
from backend.outbox.models import OutboxMessage

URL = "/api/v1/outbox/status-counts"
_keys = itertools.count(1)
NONE = {"pending": 0, "queued": 0, "retrying": 0, "sent": 0, "dead": 0, "cancelled": 0}


def rows(estate, **by_status):
    for status, count in by_status.items():
        for _ in range(count):
            db.session.add(
                OutboxMessage(
                    estate_id=estate.id,
                    topic="notice.published",
                    subject_id=1,
                    dedupe_key=f"test:{next(_keys)}",
                    payload=[],
                    status=status,
                )
            )
    db.session.commit()


@pytest.fixture
def county(make):
    """Two townships of one county, an estate in each, rows in both; and another county's."""
    north = make.community(make.township(make.county(), "北镇"))
    south = make.community(make.township(make.township_of(north).county, "南镇"))
    a = make.estate(north, "北苑")
    b = make.estate(south, "南苑")
    other = make.estate(name="外县小区")
    rows(a, sent=3, pending=1, dead=1)
    rows(b, sent=2, retrying=1, queued=1, cancelled=1)
    rows(other, pending=5)
    return {"north": north, "south": south, "a": a, "b": b, "other": other}


def get(client, auth, person, **query):
    return client.get(URL, query_string=query, headers=auth(person))


def by_name(body):
    return {item["estate_name"]: item for item in body["items"]}


def test_a_county_officer_sees_every_estate_of_the_county_and_no_other(client, make, auth, county):
    officer = make.member(Role.COUNTY_OFFICER, make.township_of(county["north"]).county)

    response = get(client, auth, officer)

    assert response.status_code == 200, response.json
    body = response.json
    assert (body["page"], body["page_size"], body["total"]) == (1, 20, 2)
    estates = by_name(body)
    assert set(estates) == {"北苑", "南苑"}
    assert estates["北苑"]["counts"] == {**NONE, "sent": 3, "pending": 1, "dead": 1}
    assert (estates["北苑"]["unsent"], estates["北苑"]["total"]) == (1, 5)
    assert estates["南苑"]["counts"] == {
        **NONE,
        "sent": 2,
        "retrying": 1,
        "queued": 1,
        "cancelled": 1,
    }
    assert (estates["南苑"]["unsent"], estates["南苑"]["township_name"]) == (2, "南镇")
    assert body["overall"] == {
        "counts": {
            **NONE,
            "sent": 5,
            "pending": 1,
            "dead": 1,
            "retrying": 1,
            "queued": 1,
            "cancelled": 1,
        },
        "unsent": 3,
        "total": 10,
    }


def test_a_township_officer_sees_the_townships_estates_only(client, make, auth, county):
    officer = make.member(Role.TOWNSHIP_OFFICER, make.township_of(county["south"]))

    body = get(client, auth, officer).json

    assert list(by_name(body)) == ["南苑"]
    assert body["overall"]["total"] == 5


def test_a_property_manager_sees_the_estate_managed_and_nothing_else(client, make, auth, county):
    manager = make.member(Role.PROPERTY_MANAGER, county["a"])

    body = get(client, auth, manager).json

    assert [item["estate_id"] for item in body["items"]] == [county["a"].id]
    assert body["overall"]["unsent"] == 1
    assert get(client, auth, manager, estate_id=county["b"].id).status_code == 404


def test_one_estate_is_asked_by_its_id(client, make, auth, county):
    officer = make.member(Role.COUNTY_OFFICER, make.township_of(county["north"]).county)

    body = get(client, auth, officer, estate_id=county["b"].id).json

    assert [item["estate_name"] for item in body["items"]] == ["南苑"]
    assert body["overall"] == {key: body["items"][0][key] for key in ("counts", "unsent", "total")}
    assert get(client, auth, officer, estate_id=county["other"].id).status_code == 404


def test_nothing_left_to_send_reads_as_zero_unsent(client, make, auth):
    estate = make.estate()
    rows(estate, sent=2, dead=1)
    chair = make.member(Role.COMMITTEE_CHAIR, estate)

    body = get(client, auth, chair).json

    assert (body["overall"]["unsent"], body["overall"]["total"]) == (0, 3)


def test_an_estate_without_rows_shows_zeros(client, make, auth):
    estate = make.estate()
    auditor = make.member(Role.AUDITOR, estate.community)

    [item] = get(client, auth, auditor).json["items"]

    assert item["counts"] == NONE and (item["unsent"], item["total"]) == (0, 0)


def test_an_owner_gets_403_and_an_estate_outside_their_scope_404(client, make, auth, county):
    owner = make.member(Role.OWNER, make.unit(county["a"]))

    response = get(client, auth, owner)
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"
    assert "工作人员" in response.json["error"]["message"]
    assert get(client, auth, owner, estate_id=county["a"].id).status_code == 403
    assert get(client, auth, owner, estate_id=county["b"].id).status_code == 404


def test_an_owner_who_is_also_a_manager_sees_only_the_managed_estate(client, make, auth, county):
    person = make.member(Role.OWNER, make.unit(county["b"]))
    make.member(Role.PROPERTY_MANAGER, county["a"], person)

    assert list(by_name(get(client, auth, person).json)) == ["北苑"]
    assert get(client, auth, person, estate_id=county["b"].id).status_code == 403


def test_estates_come_in_pages(client, make, auth, county):
    officer = make.member(Role.COUNTY_OFFICER, make.township_of(county["north"]).county)

    first = get(client, auth, officer, page=1, page_size=1).json
    second = get(client, auth, officer, page=2, page_size=1).json

    assert (first["total"], len(first["items"]), len(second["items"])) == (2, 1, 1)
    assert first["items"][0]["estate_id"] != second["items"][0]["estate_id"]
    assert first["overall"] == second["overall"]  # over every estate, whatever the page


def test_without_a_token_401_and_bad_paging_422(client, make, auth, county):
    officer = make.member(Role.COUNTY_OFFICER, make.township_of(county["north"]).county)

    assert client.get(URL).status_code == 401
    response = get(client, auth, officer, page_size=500)
    assert response.status_code == 422
    assert "page_size" in response.json["error"]["fields"]
    assert get(client, auth, officer, estate_id="x").status_code == 422
    assert get(client, auth, officer, estate_id=2**31).status_code == 422
