from datetime import timedelta

from backend.common.clock import utcnow
from backend.tickets import escalation


def test_full_loop(tickets, tcast):
    ticket = tickets.replied(tcast, building_id=tcast.building.id)
    assert ticket["status"] == "replied"
    rated = tickets.post(tcast.owner, f"/tickets/{ticket['id']}/rating", {"rating": 5})
    assert rated.status_code == 200, rated.json
    assert rated.json["status"] == "closed"


def test_everything_answers(tickets, tcast, make, app):
    make.group_chat(tcast.estate)
    t = tickets.report(tcast.owner, building_id=tcast.building.id, lat=24.9, lng=118.1)
    near = tickets.get(
        tcast.owner2,
        f"/estates/{tcast.estate.id}/tickets/nearby",
        query_string={"category": "lighting", "lat": 24.9002, "lng": 118.1},
    )
    assert near.status_code == 200, near.json
    assert [x["id"] for x in near.json["items"]] == [t["id"]]
    s = tickets.post(tcast.owner2, f"/tickets/{t['id']}/supporters")
    assert s.status_code == 200, s.json
    assert s.json["supporter_count"] == 1
    for path in (
        "/tickets/mine",
        "/tickets/work",
        f"/estates/{tcast.estate.id}/tickets",
        f"/estates/{tcast.estate.id}/tickets/stats",
        f"/counties/{tcast.estate.county_id}/ticket-time-limits",
    ):
        who = (
            tcast.county
            if "counties" in path
            else (tcast.manager if "work" in path else tcast.owner2)
        )
        r = tickets.get(who, path)
        assert r.status_code == 200, (path, r.json)
    wrong = tickets.act(tcast.owner, t["id"], "accept")
    assert wrong.status_code == 403, wrong.json
    later = utcnow() + timedelta(days=3)
    assert escalation.escalate_overdue(later) == 1
    assert escalation.escalate_overdue(later) == 0
    d = tickets.get(tcast.chair, f"/tickets/{t['id']}")
    assert d.json["escalation_level"] == 1, d.json
    assert "accept" in d.json["allowed_actions"]
    bad = tickets.act(tcast.chair, t["id"], "reply", note="x")
    assert bad.status_code == 409 and bad.json["error"]["fields"]["allowed"], bad.json
    assert escalation.weekly_digests(utcnow() + timedelta(days=8)) == 1
    assert escalation.weekly_digests(utcnow() + timedelta(days=8)) == 0
    photo = tickets.get(tcast.owner2, d.json["photos"][0]["thumb_url"].removeprefix("/api/v1"))
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
