"""Filing a ticket: verified owners from the mini-program, staff for the group chat or the
desk; 1–9 of the caller's own unused photos of the estate; nothing half-written on any
failure; a retried post is the same ticket; deadlines from the county's time limits; and the
reporter masked for everyone else."""

from datetime import timedelta

import pytest

from backend.access.roles import Role
from backend.extensions import db
from backend.tickets.models import Ticket, TicketEvent
from tests.concurrency import posts_at_once
from tests.isolation import once_per_module
from tests.ticket_support import TicketApi, build_tcast
from tests.tickets.helpers import at, attached_photos, count, ticket_count

_tcast_of_module, tcast = once_per_module("tcast", build_tcast)


def estate_url(cast) -> str:
    return f"/estates/{cast.estate.id}/tickets"


def body(photo_ids, **fields) -> dict:
    return {
        "category": "lighting",
        "description": "3栋楼道灯坏了一周",
        "photo_ids": photo_ids,
        **fields,
    }


def nothing_written(before) -> bool:
    return (ticket_count(), attached_photos(), count(TicketEvent)) == before


def written() -> tuple:
    return ticket_count(), attached_photos(), count(TicketEvent)


# -- who may report -------------------------------------------------------------------------


def test_a_verified_owner_reports_with_photos(tickets, tcast):
    photos = [tickets.photo(tcast.owner) for _ in range(3)]

    response = tickets.post(
        tcast.owner,
        estate_url(tcast),
        body(photos, building_id=tcast.building.id, location_text="3号楼2单元门口"),
    )

    assert response.status_code == 201, response.json
    t = response.json
    assert (t["status"], t["channel"], t["channel_label"], t["category_label"]) == (
        "submitted",
        "miniprogram",
        "小程序",
        "公共照明",
    )
    assert (t["reporter_label"], t["is_mine"], t["photo_count"]) == ("我", True, 3)
    assert [p["id"] for p in t["photos"]] == photos
    assert t["cover_photo"]["id"] == photos[0]
    assert t["location"]["building_name"] == "3栋"
    assert t["location"]["text"] == "3号楼2单元门口"
    [created] = t["events"]
    assert (created["kind"], created["to_status"], created["actor_label"]) == (
        "created",
        "submitted",
        "业主 张三丰",  # the reporter reads their own name unmasked
    )
    assert [p["id"] for p in created["photos"]] == photos
    assert t["estate_name"] == tcast.estate.name


def test_someone_with_only_a_pending_claim_does_not_see_the_estate(make, tickets, tcast):
    claimant = make.user(real_name="陈静")
    make.claim(claimant, make.unit(tcast.estate))
    before = written()

    response = tickets.post(claimant, estate_url(tcast), body([1]))

    assert response.status_code == 404, response.json
    assert tickets.upload(claimant).status_code == 404
    assert nothing_written(before)


@pytest.mark.parametrize(
    ("who", "channel"),
    [
        ("manager", "console"),
        ("chair", "group_chat"),
        ("auditor", "console"),
        ("county", "group_chat"),
    ],
)
def test_staff_enter_a_report_heard_in_the_group_or_at_the_desk(tickets, tcast, who, channel):
    person = getattr(tcast, who)

    t = tickets.report(person, channel=channel)

    assert (t["channel"], t["reporter_label"], t["status"]) == (channel, "我", "submitted")


def test_an_owner_naming_the_console_channel_is_403(tickets, tcast):
    photo = tickets.photo(tcast.owner)
    before = written()

    response = tickets.post(tcast.owner, estate_url(tcast), body([photo], channel="console"))

    assert response.status_code == 403, response.json
    assert nothing_written(before)


def test_staff_without_a_channel_are_not_owners_here(tickets, tcast):
    photo = tickets.photo(tcast.manager)
    before = written()

    response = tickets.post(tcast.manager, estate_url(tcast), body([photo]))

    assert response.status_code == 403, response.json
    assert response.json["error"]["code"] == "owner_not_verified"
    assert nothing_written(before)


def test_an_owner_of_another_estate_gets_404(tickets, tcast):
    response = tickets.post(tcast.outsider, estate_url(tcast), body([1]))

    assert response.status_code == 404, response.json


# -- photos ---------------------------------------------------------------------------------


def _photo_ids(make, tickets, cast, which) -> list[int]:
    if which == "none":
        return []
    if which == "ten":
        return [tickets.photo(cast.owner) for _ in range(10)]
    if which == "someone else's":
        return [tickets.photo(cast.owner), tickets.photo(cast.owner2)]
    if which == "another estate's":
        other = make.estate(make.community())
        make.member(Role.OWNER, make.unit(other), cast.owner)
        return [tickets.photo(cast.owner), tickets.photo(cast.owner, estate_id=other.id)]
    if which == "the same twice":
        photo = tickets.photo(cast.owner)
        return [photo, photo]
    if which == "already used":
        used = tickets.report(cast.owner)["photos"][0]["id"]
        return [tickets.photo(cast.owner), used]
    if which == "no such":
        return [tickets.photo(cast.owner), 99_999]
    raise AssertionError(which)


@pytest.mark.parametrize(
    "which",
    [
        "none",
        "ten",
        "someone else's",
        "another estate's",
        "the same twice",
        "already used",
        "no such",
    ],
)
def test_photos_that_are_not_one_to_nine_of_mine_unused_here_are_422(make, tickets, tcast, which):
    photo_ids = _photo_ids(make, tickets, tcast, which)
    before = written()

    response = tickets.post(tcast.owner, estate_url(tcast), body(photo_ids))

    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "validation_failed"
    assert "photo_ids" in response.json["error"]["fields"]
    assert nothing_written(before)


def test_nine_photos_are_accepted(tickets, tcast):
    t = tickets.report(tcast.owner, photos=9)

    assert t["photo_count"] == 9
    assert len(t["photos"]) == 9


def test_a_refused_report_leaves_its_photos_free_for_the_next_try(tickets, tcast):
    photo = tickets.photo(tcast.owner)
    refused = tickets.post(
        tcast.owner, estate_url(tcast), body([photo], lat=24.9)
    )  # half a coordinate pair
    assert refused.status_code == 422

    response = tickets.post(tcast.owner, estate_url(tcast), body([photo]))

    assert response.status_code == 201, response.json
    assert [p["id"] for p in response.json["photos"]] == [photo]


# -- retries --------------------------------------------------------------------------------


def test_a_retried_post_with_the_same_client_token_is_the_same_ticket(tickets, tcast):
    request = body([tickets.photo(tcast.owner)], client_token="c3a1-0001")

    first = tickets.post(tcast.owner, estate_url(tcast), request)
    again = tickets.post(tcast.owner, estate_url(tcast), request)

    assert (first.status_code, again.status_code) == (201, 201), again.json
    assert again.json["id"] == first.json["id"]
    assert ticket_count() == 1
    # Another person's token is their own.
    other = tickets.post(
        tcast.owner2,
        estate_url(tcast),
        body([tickets.photo(tcast.owner2)], client_token="c3a1-0001"),
    )
    assert other.status_code == 201
    assert other.json["id"] != first.json["id"]


@pytest.mark.committing("threads race, each on a connection of its own")
def test_two_posts_with_the_same_client_token_at_once_file_one_ticket(app, auth, tickets, tcast):
    request = body([tickets.photo(tcast.owner)], client_token="double-tap")
    url = f"/api/v1{estate_url(tcast)}"

    results = posts_at_once(app, auth, [(tcast.owner, url, request)] * 2)

    assert [code for code, _json in results] == [201, 201], results
    assert results[0][1]["id"] == results[1][1]["id"]
    assert ticket_count() == 1
    assert count(TicketEvent, TicketEvent.kind == "created") == 1


@pytest.mark.committing("threads race, each on a connection of its own")
def test_a_retry_that_uploaded_its_photos_again_racing_the_first_is_still_one_ticket(
    app, auth, tickets, tcast
):
    url = f"/api/v1{estate_url(tcast)}"
    calls = [
        (tcast.owner, url, body([tickets.photo(tcast.owner)], client_token="re-uploaded"))
        for _ in range(2)
    ]

    results = posts_at_once(app, auth, calls)

    assert [code for code, _json in results] == [201, 201], results
    assert results[0][1]["id"] == results[1][1]["id"]
    assert ticket_count() == 1
    # The loser's photo stays an unattached upload of its owner.
    assert attached_photos() == 1


# -- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"building_id": "other estate"}, "building_id"),
        ({"lat": 24.9}, "lng"),
        ({"lng": 118.1}, "lat"),
        ({"map_x": 500}, "map_y"),
        ({"description": "灯" * 1001}, "description"),
        ({"description": "   "}, "description"),
        ({"location_text": "门" * 101}, "location_text"),
        ({"category": 5}, "category"),
        ({"category": "noise"}, "category"),
        ({"photo_ids": "1"}, "photo_ids"),
        ({"photo_ids": ["a"]}, "photo_ids"),
        ({"lat": "abc", "lng": 118.1}, "lat"),
        ({"lat": 91, "lng": 118.1}, "lat"),
        ({"map_x": 1.5, "map_y": 2}, "map_x"),
        ({"map_x": 1001, "map_y": 2}, "map_x"),
        ({"client_token": "t" * 65}, "client_token"),
        ({"channel": "hotline"}, "channel"),
        ({"reporter_id": 1}, "reporter_id"),
        ({"status": "closed"}, "status"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_fields_are_422_naming_the_field_and_nothing_is_written(
    make, tickets, tcast, fields, field
):
    if fields.get("building_id") == "other estate":
        fields = {"building_id": make.unit(make.estate()).building_id}
    photo = tickets.photo(tcast.owner)
    before = written()

    response = tickets.post(tcast.owner, estate_url(tcast), {**body([photo]), **fields})

    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"], response.json
    assert response.json["error"]["message"]
    assert nothing_written(before)


@pytest.mark.parametrize("missing", ["category", "description", "photo_ids"])
def test_required_fields_are_named_when_missing(tickets, tcast, missing):
    request = body([tickets.photo(tcast.owner)])
    del request[missing]

    response = tickets.post(tcast.owner, estate_url(tcast), request)

    assert response.status_code == 422, response.json
    assert missing in response.json["error"]["fields"]
    assert ticket_count() == 0


def test_a_description_of_1000_characters_is_accepted(tickets, tcast):
    t = tickets.report(tcast.owner, description="灯" * 1000)

    assert len(t["description"]) == 1000


# -- deadlines ------------------------------------------------------------------------------


def hours_given(ticket: dict) -> tuple[float, float]:
    created = at(ticket["created_at"])
    return (
        (at(ticket["accept_due_at"]) - created) / timedelta(hours=1),
        (at(ticket["reply_due_at"]) - created) / timedelta(hours=1),
    )


def limits_url(cast) -> str:
    return f"/counties/{cast.estate.county_id}/ticket-time-limits"


def put_limits(tickets, person, cast, items):
    return tickets.client.put(
        f"/api/v1{limits_url(cast)}", json={"items": items}, headers=tickets.auth(person)
    )


@pytest.mark.parametrize(
    ("category", "hours"),
    [("elevator", (2, 24)), ("fire_safety", (2, 24)), ("drains", (12, 48)), ("lighting", (24, 72))],
)
def test_deadlines_follow_the_configured_default_hours(tickets, tcast, category, hours):
    t = tickets.report(tcast.owner, category=category)

    assert hours_given(t) == hours


def test_the_county_officer_sets_the_countys_own_hours_for_new_tickets(tickets, tcast):
    earlier = tickets.report(tcast.owner)
    defaults = tickets.get(tcast.county, limits_url(tcast)).json["items"]
    assert {r["category"]: (r["accept_hours"], r["reply_hours"]) for r in defaults}["elevator"] == (
        2,
        24,
    )
    assert all(r["is_default"] for r in defaults)

    response = put_limits(
        tickets,
        tcast.county,
        tcast,
        [{"category": "lighting", "accept_hours": 4, "reply_hours": 36}],
    )

    assert response.status_code == 200, response.json
    rows = {r["category"]: r for r in response.json["items"]}
    assert rows["lighting"] == {
        "category": "lighting",
        "category_label": "公共照明",
        "accept_hours": 4,
        "reply_hours": 36,
        "is_default": False,
    }
    assert rows["elevator"]["is_default"] is True
    assert hours_given(tickets.report(tcast.owner)) == (4, 36)
    assert hours_given(tickets.report(tcast.owner, category="elevator")) == (2, 24)
    # Tickets already filed keep their deadlines.
    assert (
        tickets.get(tcast.owner, f"/tickets/{earlier['id']}").json["accept_due_at"]
        == (earlier["accept_due_at"])
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [("township", 403), ("auditor", 403), ("manager", 403), ("owner", 403), ("other county", 404)],
)
def test_only_the_countys_officers_set_its_hours(make, tickets, tcast, who, status):
    person = (
        make.member(Role.COUNTY_OFFICER, make.county())
        if who == "other county"
        else getattr(tcast, who)
    )

    response = put_limits(
        tickets, person, tcast, [{"category": "lighting", "accept_hours": 4, "reply_hours": 36}]
    )

    assert response.status_code == status, response.json
    assert hours_given(tickets.report(tcast.owner)) == (24, 72)


@pytest.mark.parametrize(
    "items",
    [
        [{"category": "lighting", "accept_hours": 48, "reply_hours": 24}],
        [{"category": "lighting", "accept_hours": 0, "reply_hours": 24}],
        [{"category": "lighting", "accept_hours": 2, "reply_hours": 2161}],
        [{"category": "lighting", "accept_hours": "2", "reply_hours": 24}],
        [{"category": "noise", "accept_hours": 2, "reply_hours": 24}],
        [
            {"category": "lighting", "accept_hours": 2, "reply_hours": 24},
            {"category": "lighting", "accept_hours": 3, "reply_hours": 24},
        ],
        [],
    ],
    ids=["reply shorter", "zero", "too long", "string", "unknown category", "twice", "empty"],
)
def test_bad_time_limits_are_422_and_change_nothing(tickets, tcast, items):
    response = put_limits(tickets, tcast.county, tcast, items)

    assert response.status_code == 422, response.json
    assert response.json["error"]["fields"]
    assert all(r["is_default"] for r in tickets.get(tcast.county, limits_url(tcast)).json["items"])


# -- masking --------------------------------------------------------------------------------


def test_the_reporter_is_masked_for_everyone_else_and_me_for_the_reporter(tickets, tcast):
    t = tickets.report(tcast.owner)

    def label(person):
        [item] = tickets.get(person, estate_url(tcast)).json["items"]
        detail = tickets.get(person, f"/tickets/{t['id']}").json
        assert detail["reporter_label"] == item["reporter_label"]
        return item["reporter_label"], item["is_mine"]

    assert label(tcast.owner) == ("我", True)
    for person in (tcast.owner2, tcast.manager, tcast.chair, tcast.county):
        assert label(person) == ("张**", False)
    listing = tickets.get(tcast.owner2, estate_url(tcast))
    assert "张三丰" not in listing.get_data(as_text=True)


def test_the_reporters_unit_and_phone_never_appear(tickets, tcast):
    tcast.owner.phone = "13812341234"
    db.session.commit()
    t = tickets.report(tcast.owner)

    for path in (estate_url(tcast), f"/tickets/{t['id']}"):
        text = tickets.get(tcast.owner2, path).get_data(as_text=True)
        assert "13812341234" not in text
        assert "张三丰" not in text


def test_a_new_ticket_is_filed_in_its_estates_places(tickets, tcast):
    t = tickets.report(tcast.owner)

    row = db.session.get(Ticket, t["id"])
    estate = tcast.estate
    assert (row.community_id, row.township_id, row.county_id, row.property_company_id) == (
        estate.community_id,
        estate.township_id,
        estate.county_id,
        estate.property_company_id,
    )


def test_the_other_estates_api_is_the_same_for_its_owners(tickets, tcast):
    elsewhere = next(m.estate_id for m in tcast.outsider.memberships)
    other = TicketApi(tickets.client, tickets.auth, elsewhere)

    t = other.report(tcast.outsider)

    assert t["estate_id"] == elsewhere
    assert tickets.get(tcast.owner, f"/tickets/{t['id']}").status_code == 404
    assert tickets.get(tcast.owner, estate_url(tcast)).json["items"] == []


def test_coordinates_are_kept_to_the_exact_microdegree(tickets, tcast):
    from backend.extensions import db
    from backend.tickets.models import Ticket

    ticket = tickets.report(tcast.owner, lat=24.123457, lng=118.000001)

    row = db.session.get(Ticket, ticket["id"])
    assert (row.lat_e6, row.lng_e6) == (24_123_457, 118_000_001)
    assert (ticket["location"]["lat"], ticket["location"]["lng"]) == (24.123457, 118.000001)
