"""Rating closes the loop: 1–5 stars by the reporter only, only once the ticket is replied,
once; a replied ticket nobody rates within 7 days is closed "not rated" by the job, and never
counts as satisfied."""

from datetime import timedelta

import pytest

from backend.common.clock import utcnow
from backend.tickets import escalation
from tests.isolation import once_per_module
from tests.ticket_support import build_tcast
from tests.tickets.helpers import aged, events_of, fresh

_tcast_of_module, tcast = once_per_module("tcast", build_tcast)


def rate(tickets, person, tid, **body):
    return tickets.post(person, f"/tickets/{tid}/rating", body)


def stats(tickets, cast) -> dict:
    response = tickets.get(cast.chair, f"/estates/{cast.estate.id}/tickets/stats")
    assert response.status_code == 200, response.json
    return response.json["total"]


@pytest.mark.parametrize("stars", [1, 2, 3, 4, 5])
def test_the_reporter_rates_a_replied_ticket_and_it_closes(tickets, tcast, stars):
    tid = tickets.replied(tcast)["id"]

    response = rate(tickets, tcast.owner, tid, rating=stars, comment="师傅很负责")

    assert response.status_code == 200, response.json
    detail = response.json
    assert (detail["status"], detail["close_reason"], detail["rating"]) == (
        "closed",
        "rated",
        stars,
    )
    assert detail["rating_comment"] == "师傅很负责"
    assert detail["rated_at"] and detail["closed_at"]
    assert (detail["can_rate"], detail["can_reopen"], detail["allowed_actions"]) == (
        False,
        False,
        [],
    )
    last = detail["events"][-1]
    assert (last["kind"], last["from_status"], last["to_status"]) == ("rated", "replied", "closed")
    assert last["note"] == f"{stars} 星：师傅很负责"
    assert last["actor_label"] == "业主 张**"


def test_a_rating_without_a_comment_is_fine(tickets, tcast):
    tid = tickets.replied(tcast)["id"]

    response = rate(tickets, tcast.owner, tid, rating=3)

    assert response.status_code == 200, response.json
    assert response.json["rating_comment"] is None
    assert response.json["events"][-1]["note"] == "3 星"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner2", 403),
        ("manager", 403),
        ("chair", 403),
        ("auditor", 403),
        ("county", 403),
        ("outsider", 404),
        ("other_manager", 404),
    ],
)
def test_only_the_reporter_rates(tickets, tcast, who, status):
    tid = tickets.replied(tcast)["id"]

    response = rate(tickets, getattr(tcast, who), tid, rating=5)

    assert response.status_code == status, response.json
    assert fresh(tid).status == "replied"
    assert fresh(tid).rating is None


@pytest.mark.parametrize("steps", [[], ["accept"], ["accept", "start"]])
def test_a_ticket_not_yet_replied_cannot_be_rated(tickets, tcast, steps):
    tid = tickets.report(tcast.owner)["id"]
    for action in steps:
        tickets.step(tcast.manager, tid, action)

    response = rate(tickets, tcast.owner, tid, rating=5)

    assert response.status_code == 409, response.json
    assert response.json["error"]["code"] == "invalid_transition"
    assert fresh(tid).rating is None


def test_rating_twice_is_409_and_keeps_the_first(tickets, tcast):
    tid = tickets.replied(tcast)["id"]
    assert rate(tickets, tcast.owner, tid, rating=2).status_code == 200

    response = rate(tickets, tcast.owner, tid, rating=5)

    assert response.status_code == 409, response.json
    assert response.json["error"]["fields"]["status"] == "closed"
    assert fresh(tid).rating == 2
    assert events_of(tid, "rated") == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rating": 0}, "rating"),
        ({"rating": 6}, "rating"),
        ({"rating": "5"}, "rating"),
        ({"rating": 4.5}, "rating"),
        ({"rating": None}, "rating"),
        ({}, "rating"),
        ({"rating": 5, "comment": "好" * 201}, "comment"),
        ({"rating": 5, "stars": 5}, "stars"),
    ],
    ids=["0", "6", "string", "half", "null", "missing", "comment 201", "unknown field"],
)
def test_a_bad_rating_is_422_and_the_ticket_stays_replied(tickets, tcast, body, field):
    tid = tickets.replied(tcast)["id"]

    response = rate(tickets, tcast.owner, tid, **body)

    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert fresh(tid).status == "replied"


def test_a_comment_of_200_characters_is_accepted(tickets, tcast):
    tid = tickets.replied(tcast)["id"]

    response = rate(tickets, tcast.owner, tid, rating=4, comment="好" * 200)

    assert response.status_code == 200, response.json
    assert response.json["rating_comment"] == "好" * 200


def test_rating_after_the_seven_days_is_409(tickets, tcast):
    tid = tickets.replied(tcast)["id"]
    aged(tid, days=8)

    response = rate(tickets, tcast.owner, tid, rating=5)

    assert response.status_code == 409, response.json
    assert fresh(tid).rating is None


# -- the close job --------------------------------------------------------------------------


def test_the_job_closes_tickets_replied_over_seven_days_ago_as_not_rated(tickets, tcast):
    old = tickets.replied(tcast)["id"]
    young = tickets.replied(tcast)["id"]
    aged(old, days=7, hours=1)
    aged(young, days=6, hours=23)
    rated = tickets.replied(tcast)["id"]
    assert rate(tickets, tcast.owner, rated, rating=5).status_code == 200
    before = stats(tickets, tcast)

    assert escalation.close_unrated() == 1

    closed = tickets.get(tcast.owner, f"/tickets/{old}").json
    assert (closed["status"], closed["close_reason"], closed["rating"]) == (
        "closed",
        "not_rated",
        None,
    )
    last = closed["events"][-1]
    assert (last["kind"], last["kind_label"], last["actor_label"]) == (
        "closed_not_rated",
        "超时未评价自动办结",
        "系统",
    )
    assert (last["from_status"], last["to_status"]) == ("replied", "closed")
    assert fresh(young).status == "replied"
    # Never counted as satisfied: the rating figures are those of the one real rating.
    after = stats(tickets, tcast)
    assert after["rating"] == before["rating"] == {"sum": 5, "count": 1, "average": 5.0}
    assert (after["closed"], after["open"]) == (before["closed"] + 1, before["open"] - 1)


def test_the_job_takes_its_now_and_leaves_younger_tickets(tickets, tcast):
    tid = tickets.replied(tcast)["id"]
    replied_at = fresh(tid).replied_at

    assert escalation.close_unrated(replied_at + timedelta(days=6, hours=23)) == 0
    assert escalation.close_unrated(replied_at + timedelta(days=7)) == 1

    assert fresh(tid).close_reason == "not_rated"


def test_running_the_close_job_twice_closes_once(tickets, tcast):
    tid = tickets.replied(tcast)["id"]
    later = utcnow() + timedelta(days=8)

    assert escalation.close_unrated(later) == 1
    assert escalation.close_unrated(later) == 0
    assert escalation.close_unrated(later + timedelta(days=1)) == 0

    assert events_of(tid, "closed_not_rated") == 1
    assert fresh(tid).closed_at == later


def test_a_ticket_closed_not_rated_can_no_longer_be_rated(tickets, tcast):
    tid = tickets.replied(tcast)["id"]
    aged(tid, days=8)
    escalation.close_unrated()

    response = rate(tickets, tcast.owner, tid, rating=5)

    assert response.status_code == 409, response.json
    assert fresh(tid).rating is None
