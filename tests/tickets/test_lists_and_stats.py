"""What people read: the estate's tickets (filtered, paginated, newest first), my tickets, the
work list of the tickets I answer for at their rung (nearest deadline first), and the figures
by category — each checked against numbers worked out by hand — at a cost in queries that does
not grow with the page."""

from datetime import timedelta

import pytest

from backend.access.roles import Role
from backend.common.clock import SHANGHAI, utcnow
from backend.extensions import db
from backend.places.models import Estate
from backend.tickets import escalation
from tests.isolation import once_per_module
from tests.test_query_counts import count_queries
from tests.ticket_support import TicketApi, build_tcast
from tests.tickets.helpers import aged, climb

_tcast_of_module, tcast = once_per_module("tcast", build_tcast)


def page(tickets, person, path, **query) -> dict:
    response = tickets.get(person, path, query_string=query)
    assert response.status_code == 200, response.json
    return response.json


def ids(result: dict) -> list[int]:
    return [t["id"] for t in result["items"]]


# -- the estate's tickets -------------------------------------------------------------------


@pytest.fixture
def listed(tickets, tcast):
    """Five tickets in the estate, oldest first, in several states and categories."""
    t = {
        "lighting": tickets.report(tcast.owner)["id"],
        "cleaning": tickets.report(tcast.owner, category="cleaning")["id"],
        "neighbour's": tickets.report(tcast.owner2)["id"],
        "accepted": tickets.report(tcast.owner)["id"],
        "console": tickets.report(tcast.manager, category="elevator", channel="console")["id"],
    }
    tickets.step(tcast.manager, t["accepted"], "accept")
    return t


def test_the_estate_list_is_newest_first_for_every_member(tickets, tcast, listed):
    url = f"/estates/{tcast.estate.id}/tickets"

    for person in (tcast.owner2, tcast.manager, tcast.auditor, tcast.county):
        result = page(tickets, person, url)
        assert ids(result) == sorted(listed.values(), reverse=True)
        assert (result["total"], result["page"], result["page_size"]) == (5, 1, 20)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "submitted"}, ["console", "neighbour's", "cleaning", "lighting"]),
        ({"status": "accepted"}, ["accepted"]),
        ({"status": "closed"}, []),
        ({"category": "lighting"}, ["accepted", "neighbour's", "lighting"]),
        ({"category": "lighting", "status": "submitted"}, ["neighbour's", "lighting"]),
        ({"mine": "1"}, ["accepted", "cleaning", "lighting"]),
        ({"mine": "1", "category": "cleaning"}, ["cleaning"]),
    ],
    ids=lambda v: str(v) if isinstance(v, dict) else None,
)
def test_the_estate_list_filters(tickets, tcast, listed, query, expected):
    result = page(tickets, tcast.owner, f"/estates/{tcast.estate.id}/tickets", **query)

    assert ids(result) == [listed[name] for name in expected]
    assert result["total"] == len(expected)


def test_the_estate_list_pages(tickets, tcast, listed):
    url = f"/estates/{tcast.estate.id}/tickets"
    newest_first = sorted(listed.values(), reverse=True)

    pages = [page(tickets, tcast.owner, url, page=n, page_size=2) for n in (1, 2, 3, 4)]

    assert [ids(p) for p in pages] == [newest_first[:2], newest_first[2:4], newest_first[4:], []]
    assert {p["total"] for p in pages} == {5}


@pytest.mark.parametrize(
    "query",
    [{"status": "done"}, {"category": "noise"}, {"page": 0}, {"page_size": 201}, {"mine": "x"}],
    ids=["status", "category", "page", "page_size", "mine"],
)
def test_bad_list_filters_are_422(tickets, tcast, query):
    response = tickets.get(tcast.owner, f"/estates/{tcast.estate.id}/tickets", query_string=query)

    assert response.status_code == 422, response.json
    assert next(iter(query)) in response.json["error"]["fields"]


def test_another_estates_list_is_404(tickets, tcast):
    response = tickets.get(tcast.outsider, f"/estates/{tcast.estate.id}/tickets")

    assert response.status_code == 404


def test_my_tickets_are_the_ones_i_reported_newest_first(tickets, tcast, listed):
    result = page(tickets, tcast.owner, "/tickets/mine", page_size=2)

    assert ids(result) == [listed["accepted"], listed["cleaning"]]
    assert result["total"] == 3
    assert all(t["is_mine"] and t["reporter_label"] == "我" for t in result["items"])
    assert page(tickets, tcast.chair, "/tickets/mine")["items"] == []


# -- the work list --------------------------------------------------------------------------


def elsewhere_id(cast) -> int:
    """The other estate of the community, where cast.outsider owns a unit."""
    return next(m.estate_id for m in cast.outsider.memberships)


@pytest.fixture
def work(make, tickets, tcast):
    """Tickets on several rungs, some overdue, and one in the manager's other estate."""
    t = {}
    # Each climbs before the next is filed, so the escalation runs touch only it.
    for name, level in (("county", 4), ("community", 2), ("committee", 1)):
        ticket = tickets.report(tcast.owner)
        climb(ticket, level)
        t[name] = ticket["id"]
    # Rung 0 from here on.
    t["lighting"] = tickets.report(tcast.owner)["id"]
    t["elevator"] = tickets.report(tcast.owner, category="elevator")["id"]
    t["overdue"] = tickets.report(tcast.owner)["id"]
    aged(t["overdue"], days=2)
    t["in progress"] = tickets.report(tcast.owner)["id"]
    tickets.step(tcast.manager, t["in progress"], "accept")
    tickets.step(tcast.manager, t["in progress"], "start")
    t["assigned to chair"] = tickets.report(tcast.owner)["id"]
    tickets.step(tcast.manager, t["assigned to chair"], "accept")
    tickets.step(tcast.manager, t["assigned to chair"], "assign", assignee_id=tcast.chair.id)
    t["replied"] = tickets.replied(tcast)["id"]
    elsewhere = db.session.get(Estate, elsewhere_id(tcast))
    make.member(Role.PROPERTY_MANAGER, elsewhere, tcast.manager)
    t["elsewhere"] = TicketApi(tickets.client, tickets.auth, elsewhere.id).report(tcast.outsider)[
        "id"
    ]
    return t


def test_the_manager_works_on_every_open_ticket_nearest_deadline_first(tickets, tcast, work):
    result = page(tickets, tcast.manager, "/tickets/work")

    # Deadlines: the aged one's is two days past; then the elevator's 2 hours to accept,
    # the 24 hours of the other submitted ones in filing order (escalation ran over a
    # simulated clock and moved no deadline), then the 72 hours to reply of those accepted.
    # Replied tickets wait for nobody.
    assert ids(result) == [
        work[name]
        for name in (
            "overdue",
            "elevator",
            "county",
            "community",
            "committee",
            "lighting",
            "elsewhere",
            "in progress",
            "assigned to chair",
        )
    ]


def test_the_committee_sees_escalated_tickets_and_what_is_assigned_to_it(tickets, tcast, work):
    chair = page(tickets, tcast.chair, "/tickets/work")
    member = page(tickets, tcast.member, "/tickets/work")

    assert ids(chair) == [
        work[n] for n in ("county", "community", "committee", "assigned to chair")
    ]
    assert ids(member) == [work[n] for n in ("county", "community", "committee")]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("auditor", ["county", "community"]),
        ("township", ["county"]),
        ("county", ["county"]),
        ("other_auditor", []),
        ("owner", []),
        ("other_manager", ["elsewhere"]),
    ],
)
def test_supervisors_see_only_tickets_that_reached_their_rung(tickets, tcast, work, who, expected):
    result = page(tickets, getattr(tcast, who), "/tickets/work")

    assert ids(result) == [work[name] for name in expected]


def test_the_work_list_filters_overdue_status_and_estate(tickets, tcast, work):
    overdue = page(tickets, tcast.manager, "/tickets/work", overdue=1)
    replied = page(tickets, tcast.manager, "/tickets/work", status="replied")
    here = page(tickets, tcast.manager, "/tickets/work", estate_id=tcast.estate.id)
    elsewhere = page(tickets, tcast.manager, "/tickets/work", estate_id=elsewhere_id(tcast))

    # Escalation ran over a simulated clock days ahead; by the real clock only the aged
    # ticket is past its deadline.
    assert ids(overdue) == [work["overdue"]]
    assert all(t["overdue"] for t in overdue["items"])
    assert ids(replied) == [work["replied"]]
    assert work["elsewhere"] not in ids(here)
    assert len(ids(here)) == 8
    assert ids(elsewhere) == [work["elsewhere"]]


@pytest.mark.parametrize(
    "query", [{"estate_id": "abc"}, {"estate_id": 0}, {"overdue": "maybe"}, {"status": "done"}]
)
def test_bad_work_list_filters_are_422(tickets, tcast, query):
    response = tickets.get(tcast.manager, "/tickets/work", query_string=query)

    assert response.status_code == 422, response.json
    assert next(iter(query)) in response.json["error"]["fields"]


# -- query counts ---------------------------------------------------------------------------


def _file(tickets, cast, n: int) -> None:
    """n varied tickets: two reporters, with and without a building, some supported."""
    for i in range(n):
        reporter = cast.owner if i % 2 else cast.owner2
        fields = {"building_id": cast.building.id} if i % 3 else {"lat": 24.9, "lng": 118.1}
        tid = tickets.report(reporter, **fields)["id"]
        if i % 4 == 0:
            other = cast.owner2 if reporter is cast.owner else cast.owner
            assert tickets.post(other, f"/tickets/{tid}/supporters").status_code == 200


def test_lists_cost_the_same_number_of_queries_for_2_or_20_tickets(app, tickets, tcast):
    paths = [
        (tcast.owner, f"/estates/{tcast.estate.id}/tickets"),
        (tcast.manager, "/tickets/work"),
        (tcast.owner, "/tickets/mine"),
    ]

    def costs(expected_rows):
        result = []
        for person, path in paths:
            headers = tickets.auth(person)  # outside the count: it may reload the test's user
            with count_queries(app) as statements:
                response = tickets.client.get(f"/api/v1{path}", headers=headers)
            assert response.status_code == 200, response.json
            if path in expected_rows:
                assert len(response.json["items"]) == expected_rows[path], path
            result.append(len(statements))
        return result

    _file(tickets, tcast, 2)
    small = costs({paths[0][1]: 2, paths[1][1]: 2})
    _file(tickets, tcast, 18)
    large = costs({paths[0][1]: 20, paths[1][1]: 20})

    # The user with their memberships, [the estate,] and the page with its estates,
    # buildings, reporters, cover photos, the viewer's "me too"s and the list's total joined in.
    assert small == large == [3, 2, 2]


# -- figures --------------------------------------------------------------------------------


@pytest.fixture
def figures_story(tickets, tcast):
    """Five tickets with known outcomes (see the test for the arithmetic)."""

    def rate(tid, stars):
        assert (
            tickets.post(tcast.owner, f"/tickets/{tid}/rating", {"rating": stars}).status_code
            == 200
        )

    on_time = tickets.replied(tcast)["id"]
    rate(on_time, 5)
    reopened = tickets.replied(tcast)["id"]
    tickets.step(tcast.owner, reopened, "reopen", note="还是不亮")
    tickets.step(tcast.manager, reopened, "reply", note="换了整个灯座")
    rate(reopened, 3)
    late = tickets.report(tcast.owner)["id"]
    aged(late, days=2)  # accepted two days after filing: past its 24 hours
    for action, body in (("accept", {}), ("start", {}), ("reply", {"note": "已修好"})):
        tickets.step(tcast.manager, late, action, **body)
    aged(late, days=8)
    assert escalation.close_unrated() == 1
    waiting = tickets.report(tcast.owner)["id"]
    aged(waiting, days=2)
    rejected = tickets.report(tcast.owner, category="elevator")["id"]
    tickets.step(tcast.manager, rejected, "reject", reason="电梯已由维保单位处理")


def stats(tickets, person, cast, **query) -> dict:
    return page(tickets, person, f"/estates/{cast.estate.id}/tickets/stats", **query)


def test_figures_match_the_hand_computed_ones(tickets, tcast, figures_story):
    result = stats(tickets, tcast.owner2, tcast)

    # Replied at least once: on time, reopened, late (3). On time: on time, reopened (2).
    # Reopened: 1 of 3. Ratings: 5 and 3; the late one closed "not rated" is not counted.
    # Open: waiting (overdue). Closed: the three closed and the rejected one.
    total = result["total"]
    assert (total["key"], total["label"]) == ("total", "合计")
    assert (total["total"], total["open"], total["closed"], total["overdue"]) == (5, 1, 4, 1)
    assert total["on_time"] == {"count": 2, "of": 3, "rate": 0.6667}
    assert total["reopened"] == {"count": 1, "of": 3, "rate": 0.3333}
    assert total["rating"] == {"sum": 8, "count": 2, "average": 4.0}
    rows = {r["key"]: r for r in result["by_category"]}
    assert list(rows)[:5] == ["security", "cleaning", "fire_safety", "ebike", "elevator"]
    assert len(rows) == 11
    lighting, elevator = rows["lighting"], rows["elevator"]
    assert lighting["label"] == "公共照明"
    assert (lighting["total"], lighting["open"], lighting["closed"], lighting["overdue"]) == (
        4,
        1,
        3,
        1,
    )
    assert lighting["on_time"] == total["on_time"]
    assert lighting["reopened"] == total["reopened"]
    assert lighting["rating"] == total["rating"]
    assert (elevator["total"], elevator["closed"], elevator["open"]) == (1, 1, 0)
    assert elevator["on_time"] == {"count": 0, "of": 0, "rate": None}
    assert elevator["rating"] == {"sum": 0, "count": 0, "average": None}
    assert rows["cleaning"]["total"] == 0
    assert result["definitions"]["rating"].startswith("平均满意度")


def test_figures_for_a_range_of_days_count_tickets_filed_then(tickets, tcast, figures_story):
    today = utcnow().astimezone(SHANGHAI).date()

    filed_today = stats(tickets, tcast.chair, tcast, since=today.isoformat())["total"]
    before_today = stats(
        tickets, tcast.chair, tcast, until=(today - timedelta(days=1)).isoformat()
    )["total"]

    # Today: on time, reopened, rejected. Before: late (10 days ago), waiting (2 days ago).
    assert (filed_today["total"], filed_today["closed"]) == (3, 3)
    assert filed_today["rating"] == {"sum": 8, "count": 2, "average": 4.0}
    assert (before_today["total"], before_today["open"], before_today["overdue"]) == (2, 1, 1)
    assert before_today["on_time"] == {"count": 0, "of": 1, "rate": 0.0}


def test_figures_are_404_outside_the_estate(tickets, tcast):
    response = tickets.get(tcast.outsider, f"/estates/{tcast.estate.id}/tickets/stats")

    assert response.status_code == 404
