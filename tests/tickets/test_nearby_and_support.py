"""Before filing, owners are offered open tickets of the same category nearby (same building or
within 50 m, last 14 days); "me too" joins one instead: verified owners, once each, not on
their own ticket, only while it is open, and withdrawn at will."""

import math

import pytest

from backend.access.roles import Role
from backend.tickets.models import TicketSupporter
from tests.concurrency import posts_at_once
from tests.isolation import once_per_module
from tests.ticket_support import TicketApi, build_tcast
from tests.tickets.helpers import aged, count, events_of, fresh

_tcast_of_module, tcast = once_per_module("tcast", build_tcast)

LAT, LNG = 24.9, 118.1
# Due north of (LAT, LNG): one degree of latitude is 111.195 km on the haversine's sphere.
LAT_30M = round(LAT + 30 / 111_195, 6)
LAT_80M = round(LAT + 80 / 111_195, 6)


def nearby(tickets, person, cast, **query):
    return tickets.get(
        person,
        f"/estates/{cast.estate.id}/tickets/nearby",
        query_string={"category": "lighting", **query},
    )


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json
    return [t["id"] for t in response.json["items"]]


def distance_m(lat1, lng1, lat2, lng2) -> float:
    """Haversine on a 6,371 km sphere, written out here to check the test's own points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def test_the_test_points_are_30_and_80_metres_away():
    assert 29 < distance_m(LAT, LNG, LAT_30M, LNG) < 31
    assert 79 < distance_m(LAT, LNG, LAT_80M, LNG) < 81


@pytest.fixture
def around(make, tickets, tcast):
    """Tickets around 3栋 and the point (LAT, LNG), named by why they are or are not near."""
    other_building = make.unit(tcast.estate, building="5栋").building_id
    report = tickets.report
    t = {
        "same building": report(tcast.owner, building_id=tcast.building.id),
        "30 m": report(tcast.owner, lat=LAT_30M, lng=LNG),
        "80 m": report(tcast.owner, lat=LAT_80M, lng=LNG),
        "here, other building": report(tcast.owner, building_id=other_building, lat=LAT, lng=LNG),
        "other category": report(
            tcast.owner, category="cleaning", building_id=tcast.building.id, lat=LAT, lng=LNG
        ),
        "15 days old": report(tcast.owner, building_id=tcast.building.id, lat=LAT, lng=LNG),
        "13 days old": report(tcast.owner, building_id=tcast.building.id),
        "replied": tickets.replied(tcast, building_id=tcast.building.id),
        "closed": tickets.replied(tcast, building_id=tcast.building.id),
        "rejected": report(tcast.owner, building_id=tcast.building.id, lat=LAT, lng=LNG),
    }
    aged(t["15 days old"]["id"], days=15)
    aged(t["13 days old"]["id"], days=13)
    assert tickets.post(tcast.owner, f"/tickets/{t['closed']['id']}/rating", {"rating": 5})
    tickets.step(tcast.manager, t["rejected"]["id"], "reject", reason="重复反映")
    elsewhere = next(m.estate_id for m in tcast.outsider.memberships)
    TicketApi(tickets.client, tickets.auth, elsewhere).report(tcast.outsider, lat=LAT, lng=LNG)
    return {name: ticket["id"] for name, ticket in t.items()}


def test_nearby_by_building_is_open_tickets_of_the_category_in_it_from_14_days(
    tickets, tcast, around
):
    found = ids(nearby(tickets, tcast.owner2, tcast, building_id=tcast.building.id))

    # No point given: newest report first, whatever the ids say ("13 days old" was filed
    # after "same building" but is dated 13 days earlier).
    assert found == [around["replied"], around["same building"], around["13 days old"]]


def test_nearby_by_point_is_within_50_metres(tickets, tcast, around):
    response = nearby(tickets, tcast.owner2, tcast, lat=LAT, lng=LNG)

    assert ids(response) == [around["here, other building"], around["30 m"]]
    assert [t["distance_m"] for t in response.json["items"]] == [0, 30]


def test_nearby_by_building_and_point_is_either_nearest_first(tickets, tcast, around):
    found = ids(
        nearby(tickets, tcast.owner2, tcast, building_id=tcast.building.id, lat=LAT, lng=LNG)
    )

    # Those with a distance first (nearest first), then the rest of the building, newest first.
    assert found == [
        around["here, other building"],
        around["30 m"],
        around["replied"],
        around["same building"],
        around["13 days old"],
    ]


def test_nearby_other_category_is_its_own(tickets, tcast, around):
    found = ids(nearby(tickets, tcast.owner2, tcast, category="cleaning", lat=LAT, lng=LNG))

    assert found == [around["other category"]]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "building_id"),
        ({"lat": LAT}, "building_id"),
        ({"lng": LNG}, "building_id"),
        ({"category": "noise", "building_id": 1}, "category"),
        ({"lat": "abc", "lng": LNG}, "lat"),
        ({"lat": 95, "lng": LNG}, "lat"),
    ],
    ids=["neither", "lat only", "lng only", "bad category", "lat not a number", "lat out of range"],
)
def test_nearby_needs_a_building_or_a_whole_point(tickets, tcast, query, field):
    response = nearby(tickets, tcast.owner2, tcast, **query)

    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]


def test_nearby_without_category_is_422(tickets, tcast):
    response = tickets.get(
        tcast.owner2,
        f"/estates/{tcast.estate.id}/tickets/nearby",
        query_string={"building_id": tcast.building.id},
    )

    assert response.status_code == 422
    assert "category" in response.json["error"]["fields"]


def test_nearby_outside_my_estate_is_404(tickets, tcast):
    response = nearby(tickets, tcast.outsider, tcast, building_id=tcast.building.id)

    assert response.status_code == 404


# -- me too ---------------------------------------------------------------------------------


def support(tickets, person, tid):
    return tickets.post(person, f"/tickets/{tid}/supporters")


def withdraw(tickets, person, tid):
    return tickets.client.delete(f"/api/v1/tickets/{tid}/supporters", headers=tickets.auth(person))


def test_me_too_adds_a_verified_owner_to_the_ticket(tickets, tcast):
    tid = tickets.report(tcast.owner)["id"]
    assert tickets.get(tcast.owner2, f"/tickets/{tid}").json["can_support"] is True

    response = support(tickets, tcast.owner2, tid)

    assert response.status_code == 200, response.json
    assert (response.json["supporter_count"], response.json["i_support"]) == (1, True)
    assert response.json["can_support"] is False  # a second "me too" is not offered
    last = response.json["events"][-1]
    assert (last["kind"], last["kind_label"], last["actor_label"]) == (
        "supported",
        "附议",
        "业主 刘*",
    )
    assert response.json["status"] == "submitted"
    # The reporter sees the count, not themselves as a supporter.
    mine = tickets.get(tcast.owner, f"/tickets/{tid}").json
    assert (mine["supporter_count"], mine["i_support"], mine["can_support"]) == (1, False, False)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 403),
        ("chair", 403),
        ("auditor", 403),
        ("county", 403),
        ("outsider", 404),
        ("other_manager", 404),
    ],
)
def test_only_verified_owners_of_the_estate_say_me_too(tickets, tcast, who, status):
    tid = tickets.report(tcast.owner)["id"]

    response = support(tickets, getattr(tcast, who), tid)

    assert response.status_code == status, response.json
    assert fresh(tid).supporter_count == 0
    assert count(TicketSupporter) == 0


def test_a_pending_claimant_cannot_say_me_too(make, tickets, tcast):
    tid = tickets.report(tcast.owner)["id"]
    claimant = make.user()
    make.claim(claimant, make.unit(tcast.estate))

    assert support(tickets, claimant, tid).status_code == 404
    assert count(TicketSupporter) == 0


def test_the_reporter_cannot_support_their_own_ticket(tickets, tcast):
    tid = tickets.report(tcast.owner)["id"]

    response = support(tickets, tcast.owner, tid)

    assert response.status_code == 409, response.json
    assert count(TicketSupporter) == 0


def test_me_too_twice_is_409_already_supported(tickets, tcast):
    tid = tickets.report(tcast.owner)["id"]
    support(tickets, tcast.owner2, tid)

    response = support(tickets, tcast.owner2, tid)

    assert response.status_code == 409, response.json
    assert response.json["error"]["code"] == "already_supported"
    assert fresh(tid).supporter_count == 1
    assert events_of(tid, "supported") == 1


@pytest.mark.committing("threads race, each on a connection of its own")
def test_two_me_toos_by_the_same_owner_at_once_count_once(app, auth, tickets, tcast):
    tid = tickets.report(tcast.owner)["id"]
    url = f"/api/v1/tickets/{tid}/supporters"

    results = posts_at_once(app, auth, [(tcast.owner2, url, None)] * 2)

    assert sorted(code for code, _json in results) == [200, 409], results
    assert count(TicketSupporter) == 1
    assert fresh(tid).supporter_count == 1


@pytest.mark.committing("threads race, each on a connection of its own")
def test_me_toos_by_different_owners_at_once_all_count(app, auth, make, tickets, tcast):
    tid = tickets.report(tcast.owner)["id"]
    neighbours = [tcast.owner2] + [
        make.member(Role.OWNER, make.unit(tcast.estate), make.user()) for _ in range(3)
    ]
    url = f"/api/v1/tickets/{tid}/supporters"

    results = posts_at_once(app, auth, [(person, url, None) for person in neighbours])

    assert [code for code, _json in results] == [200] * 4, results
    assert count(TicketSupporter) == 4
    assert fresh(tid).supporter_count == 4


def test_withdrawing_me_too_takes_it_back(tickets, tcast):
    tid = tickets.report(tcast.owner)["id"]
    support(tickets, tcast.owner2, tid)

    response = withdraw(tickets, tcast.owner2, tid)

    assert response.status_code == 200, response.json
    assert (response.json["supporter_count"], response.json["i_support"]) == (0, False)
    assert count(TicketSupporter) == 0
    again = withdraw(tickets, tcast.owner2, tid)
    assert again.status_code == 409
    assert again.json["error"]["code"] == "not_supported"
    # And may say it again.
    assert support(tickets, tcast.owner2, tid).json["supporter_count"] == 1


@pytest.mark.parametrize("end", ["rated", "rejected", "duplicate"])
def test_a_ticket_no_longer_open_takes_no_me_too(tickets, tcast, end):
    if end == "rated":
        tid = tickets.replied(tcast)["id"]
        tickets.post(tcast.owner, f"/tickets/{tid}/rating", {"rating": 5})
    else:
        tid = tickets.report(tcast.owner)["id"]
        body = (
            {"reason": "不属于物业服务范围"}
            if end == "rejected"
            else {"duplicate_of_id": tickets.report(tcast.owner)["id"]}
        )
        tickets.step(tcast.manager, tid, "reject" if end == "rejected" else "duplicate", **body)
    assert tickets.get(tcast.owner2, f"/tickets/{tid}").json["can_support"] is False

    response = support(tickets, tcast.owner2, tid)

    assert response.status_code == 409, response.json
    assert fresh(tid).supporter_count == 0


def test_a_replied_ticket_still_takes_me_too(tickets, tcast):
    tid = tickets.replied(tcast)["id"]

    assert support(tickets, tcast.owner2, tid).status_code == 200


def test_a_supported_ticket_is_in_my_tickets(tickets, tcast):
    theirs = tickets.report(tcast.owner)["id"]
    unrelated = tickets.report(tcast.owner)["id"]
    own = tickets.report(tcast.owner2)["id"]
    support(tickets, tcast.owner2, theirs)

    items = tickets.get(tcast.owner2, "/tickets/mine").json["items"]

    assert [(t["id"], t["is_mine"], t["i_support"]) for t in items] == [
        (own, True, False),
        (theirs, False, True),
    ]
    assert unrelated not in [t["id"] for t in items]
    withdraw(tickets, tcast.owner2, theirs)
    assert [t["id"] for t in tickets.get(tcast.owner2, "/tickets/mine").json["items"]] == [own]
