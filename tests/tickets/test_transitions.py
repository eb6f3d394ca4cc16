"""The closed loop's state machine through the HTTP API: who may take each step (403 inside the
estate's scope, 404 outside, and nothing changes), from which states (409 naming exactly what
is allowed now), what each step writes, how escalation widens who may act, and the reporter's
week to reopen. Time moves by ageing the ticket in the database (see tests/tickets/helpers.py)."""

from datetime import timedelta

import pytest

from backend.common.clock import utcnow
from backend.extensions import db
from backend.outbox.models import OutboxMessage
from backend.tickets import escalation
from backend.tickets.models import TicketEvent, TicketSupporter
from tests.concurrency import posts_at_once
from tests.isolation import once_per_module
from tests.ticket_support import build_tcast
from tests.tickets.helpers import aged, at, climb, count, events_of

ACTIONS = ("accept", "assign", "start", "reply", "reject", "duplicate", "reopen")
# The state each action is taken from when the question is only "who".
SOURCE = {
    "accept": "submitted",
    "assign": "accepted",
    "start": "accepted",
    "reply": "in_progress",
    "reject": "submitted",
    "duplicate": "submitted",
    "reopen": "replied",
}
STAFF_AND_NEIGHBOURS = ("owner2", "chair", "member", "auditor", "township", "county")
OUTSIDE = ("outsider", "other_manager", "other_auditor")
# What the property manager (a handler at rung 0, not the reporter) may do in each state.
MANAGER_ALLOWED = {
    "submitted": ["accept", "reject", "duplicate"],
    "accepted": ["assign", "start", "reject", "duplicate"],
    "assigned": ["assign", "start", "reject"],
    "in_progress": ["reply"],
    "replied": [],
    "closed": [],
    "rejected": [],
    "duplicate": [],
}
# Who answers for a ticket from which rung on (tests/ticket_support.py's cast).
RUNG_OF = {"manager": 0, "chair": 1, "member": 1, "auditor": 2, "township": 3, "county": 4}


_tcast_of_module, tcast = once_per_module("tcast", build_tcast)


def body_for(action: str, cast, original_id: int | None = None) -> dict:
    """A complete, valid body for ``action``: a refusal is then about who or when only."""
    return {
        "accept": {},
        "assign": {"assignee_id": cast.member.id},
        "start": {},
        "reply": {"note": "已更换灯泡"},
        "reject": {"reason": "不属于物业服务范围"},
        "duplicate": {"duplicate_of_id": original_id},
        "reopen": {"note": "灯还是不亮"},
    }[action]


def ticket_in(tickets, cast, status: str) -> int:
    """A ticket reported by cast.owner and taken to ``status`` by the right people."""
    if status == "duplicate":
        original = tickets.report(cast.owner2)["id"]
        tid = tickets.report(cast.owner)["id"]
        tickets.step(cast.manager, tid, "duplicate", duplicate_of_id=original)
        return tid
    if status in ("replied", "closed"):
        tid = tickets.replied(cast)["id"]
        if status == "closed":
            response = tickets.post(cast.owner, f"/tickets/{tid}/rating", {"rating": 4})
            assert response.status_code == 200, response.json
        return tid
    tid = tickets.report(cast.owner)["id"]
    path = {
        "submitted": [],
        "accepted": ["accept"],
        "assigned": ["accept", "assign"],
        "in_progress": ["accept", "start"],
        "rejected": ["reject"],
    }[status]
    for action in path:
        tickets.step(cast.manager, tid, action, **body_for(action, cast))
    return tid


def seen(tickets, cast, tid: int) -> dict:
    """The ticket as its property manager reads it (status, events, everything)."""
    response = tickets.get(cast.manager, f"/tickets/{tid}")
    assert response.status_code == 200, response.json
    return response.json


def ready_for(tickets, cast, action: str) -> tuple[int, dict]:
    original = tickets.report(cast.owner2)["id"] if action == "duplicate" else None
    return ticket_in(tickets, cast, SOURCE[action]), body_for(action, cast, original)


# -- who ------------------------------------------------------------------------------------


def _wrong_people():
    for action in ACTIONS:
        # Only the reporter (owner) reopens; at rung 0 only the manager takes the other steps.
        right = "owner" if action == "reopen" else "manager"
        inside = [who for who in ("owner", "manager", *STAFF_AND_NEIGHBOURS) if who != right]
        for who in inside:
            yield pytest.param(action, who, 403, "forbidden", id=f"{action}-{who}-403")
        for who in OUTSIDE:
            yield pytest.param(action, who, 404, "not_found", id=f"{action}-{who}-404")


@pytest.mark.parametrize(("action", "who", "status", "code"), list(_wrong_people()))
def test_a_person_who_may_not_take_the_step_is_refused_and_nothing_changes(
    tickets, tcast, action, who, status, code
):
    tid, body = ready_for(tickets, tcast, action)
    before = seen(tickets, tcast, tid)

    response = tickets.act(getattr(tcast, who), tid, action, **body)

    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]
    assert seen(tickets, tcast, tid) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_the_right_person_in_the_right_state_may_take_every_step(tickets, tcast, action):
    tid, body = ready_for(tickets, tcast, action)
    person = tcast.owner if action == "reopen" else tcast.manager
    before = len(seen(tickets, tcast, tid)["events"])

    response = tickets.act(person, tid, action, **body)

    assert response.status_code == 200, response.json
    assert len(response.json["events"]) == before + 1


# -- when -----------------------------------------------------------------------------------


def _illegal():
    for status, allowed in MANAGER_ALLOWED.items():
        for action in ACTIONS:
            if action != "reopen" and action not in allowed:
                yield pytest.param(status, action, "manager", allowed, id=f"{status}-{action}")
        if status != "replied":
            # The reporter may reopen only a replied ticket, and may do nothing else.
            yield pytest.param(status, "reopen", "owner", [], id=f"{status}-reopen")


@pytest.mark.parametrize(("status", "action", "who", "allowed"), list(_illegal()))
def test_a_step_from_the_wrong_state_is_409_naming_what_is_allowed_now(
    tickets, tcast, status, action, who, allowed
):
    tid = ticket_in(tickets, tcast, status)
    original = tickets.report(tcast.owner2)["id"]
    before = seen(tickets, tcast, tid)

    response = tickets.act(getattr(tcast, who), tid, action, **body_for(action, tcast, original))

    assert response.status_code == 409, response.json
    error = response.json["error"]
    assert error["code"] == "invalid_transition"
    assert error["fields"] == {"status": status, "allowed": allowed}
    assert seen(tickets, tcast, tid) == before


@pytest.mark.parametrize("status", list(MANAGER_ALLOWED))
def test_allowed_actions_in_each_state_are_what_the_manager_may_do(tickets, tcast, status):
    tid = ticket_in(tickets, tcast, status)

    detail = seen(tickets, tcast, tid)

    assert detail["status"] == status
    assert detail["allowed_actions"] == MANAGER_ALLOWED[status]
    reporter = tickets.get(tcast.owner, f"/tickets/{tid}").json
    assert reporter["allowed_actions"] == (["reopen"] if status == "replied" else [])
    assert reporter["can_rate"] is (status == "replied")


@pytest.mark.committing("threads race, each on a connection of its own")
def test_the_same_step_twice_at_once_is_taken_once(app, auth, tickets, tcast):
    tid = ticket_in(tickets, tcast, "submitted")
    url = f"/api/v1/tickets/{tid}/transitions"

    results = posts_at_once(app, auth, [(tcast.manager, url, {"action": "accept"})] * 2)

    assert sorted(code for code, _json in results) == [200, 409], results
    assert events_of(tid, "accepted") == 1


@pytest.mark.committing("threads race, each on a connection of its own")
def test_accept_and_reject_at_once_leave_one_outcome(app, auth, tickets, tcast):
    tid = ticket_in(tickets, tcast, "submitted")
    url = f"/api/v1/tickets/{tid}/transitions"
    calls = [
        (tcast.manager, url, {"action": "accept"}),
        (tcast.manager, url, {"action": "reject", "reason": "不属于物业服务范围"}),
    ]

    results = posts_at_once(app, auth, calls)

    # Accept then reject (both 200, from accepted), or reject then accept (409): the history
    # always tells the one story the ticket went through.
    codes = [code for code, _json in results]
    assert codes in ([200, 200], [409, 200]), results
    events = seen(tickets, tcast, tid)["events"]
    assert [(e["from_status"], e["to_status"]) for e in events][-1][1] == "rejected"
    assert count(TicketEvent, TicketEvent.ticket_id == tid) == len(events) == 1 + codes.count(200)


# -- what each step writes ------------------------------------------------------------------


def test_each_step_writes_one_event_with_its_actor_note_and_statuses(tickets, tcast):
    tid = tickets.report(tcast.owner)["id"]
    steps = [
        (tcast.manager, "accept", {"note": "今天处理"}, "今天处理"),
        (
            tcast.manager,
            "assign",
            {"assignee_id": tcast.member.id, "note": "请跟进"},
            "转交 王*：请跟进",
        ),
        (tcast.member, "start", {"note": "已到现场"}, "已到现场"),
        (tcast.member, "reply", {"note": "已更换灯泡"}, "已更换灯泡"),
        (tcast.owner, "reopen", {"note": "第二天又坏了"}, "第二天又坏了"),
    ]
    expected = [
        ("created", None, "submitted", "业主 张**", None),
    ]
    status = "submitted"
    for person, action, body, note in steps:
        detail = tickets.step(person, tid, action, **body)
        label = {
            tcast.manager.id: "物业项目经理 赵*",
            tcast.member.id: "业委会委员 王*",
            tcast.owner.id: "业主 张**",
        }[person.id]
        kind = {
            "accept": "accepted",
            "assign": "assigned",
            "start": "started",
            "reply": "replied",
            "reopen": "reopened",
        }[action]
        expected.append((kind, status, detail["status"], label, note))
        status = detail["status"]
        got = [
            (e["kind"], e["from_status"], e["to_status"], e["actor_label"], e["note"])
            for e in detail["events"]
        ]
        assert got == expected, action

    assert status == "in_progress"
    events = seen(tickets, tcast, tid)["events"]
    assert [e["kind_label"] for e in events] == [
        "提交",
        "受理",
        "转办",
        "开始办理",
        "反馈结果",
        "重新办理",
    ]
    assert all(e["created_at"] and e["escalation_level"] == 0 for e in events)


def test_reject_needs_a_reason_and_records_it(tickets, tcast):
    tid = ticket_in(tickets, tcast, "submitted")
    before = seen(tickets, tcast, tid)

    for body in ({}, {"reason": "   "}):
        response = tickets.act(tcast.manager, tid, "reject", **body)
        assert response.status_code == 422, response.json
        assert "reason" in response.json["error"]["fields"]
        assert seen(tickets, tcast, tid) == before

    detail = tickets.step(tcast.manager, tid, "reject", reason="属于市政道路，已告知业主拨打12345")
    assert detail["status"] == "rejected"
    assert detail["reject_reason"] == "属于市政道路，已告知业主拨打12345"
    assert detail["closed_at"] is not None
    last = detail["events"][-1]
    assert (last["kind"], last["note"]) == ("rejected", "属于市政道路，已告知业主拨打12345")


def test_reply_needs_a_note(tickets, tcast):
    tid = ticket_in(tickets, tcast, "in_progress")
    before = seen(tickets, tcast, tid)

    for note in (None, "", "  "):
        response = tickets.act(
            tcast.manager, tid, "reply", **({} if note is None else {"note": note})
        )
        assert response.status_code == 422, response.json
        assert "note" in response.json["error"]["fields"]
    assert seen(tickets, tcast, tid) == before


def test_reply_photos_attach_to_the_reply_event_not_to_the_report(tickets, tcast):
    tid = ticket_in(tickets, tcast, "in_progress")
    report_photos = seen(tickets, tcast, tid)["photos"]
    done = [tickets.photo(tcast.manager) for _ in range(2)]

    detail = tickets.step(tcast.manager, tid, "reply", note="已更换灯泡", photo_ids=done)

    reply = detail["events"][-1]
    assert reply["kind"] == "replied"
    assert [p["id"] for p in reply["photos"]] == done
    assert detail["photos"] == report_photos
    assert detail["photo_count"] == 1
    # Attached, a reply photo is seen by whoever sees the ticket.
    shown = tickets.get(tcast.owner2, f"/ticket-photos/{done[0]}")
    assert shown.status_code == 200
    assert shown.mimetype == "image/jpeg"


@pytest.mark.parametrize("which", ["someone else's", "ten", "already used"])
def test_reply_with_photos_that_are_not_the_handlers_to_give_is_422(tickets, tcast, which):
    tid = ticket_in(tickets, tcast, "in_progress")
    if which == "someone else's":
        photo_ids = [tickets.photo(tcast.owner2)]
    elif which == "ten":
        photo_ids = [tickets.photo(tcast.manager) for _ in range(10)]
    else:
        other = ticket_in(tickets, tcast, "in_progress")
        photo_ids = [tickets.photo(tcast.manager)]
        tickets.step(tcast.manager, other, "reply", note="已处理", photo_ids=photo_ids)
    before = seen(tickets, tcast, tid)

    response = tickets.act(tcast.manager, tid, "reply", note="已处理", photo_ids=photo_ids)

    assert response.status_code == 422, response.json
    assert "photo_ids" in response.json["error"]["fields"]
    assert seen(tickets, tcast, tid) == before


# -- duplicates -----------------------------------------------------------------------------


def test_marking_a_duplicate_makes_its_reporter_a_supporter_of_the_original(tickets, tcast):
    original = tickets.report(tcast.owner)["id"]
    copy = tickets.report(tcast.owner2)["id"]

    detail = tickets.step(
        tcast.manager, copy, "duplicate", duplicate_of_id=original, note="同一盏灯"
    )

    assert detail["status"] == "duplicate"
    assert detail["duplicate_of_id"] == original
    assert detail["closed_at"] is not None
    assert detail["events"][-1]["note"] == f"与工单 #{original} 重复：同一盏灯"
    mine = tickets.get(tcast.owner2, f"/tickets/{original}").json
    assert (mine["supporter_count"], mine["i_support"]) == (1, True)
    listed = tickets.get(tcast.owner2, "/tickets/mine").json["items"]
    assert [t["id"] for t in listed] == [copy, original]


def test_a_duplicate_of_my_own_ticket_does_not_make_me_its_supporter(tickets, tcast):
    original = tickets.report(tcast.owner)["id"]
    again = tickets.report(tcast.owner)["id"]

    tickets.step(tcast.manager, again, "duplicate", duplicate_of_id=original)

    mine = tickets.get(tcast.owner, f"/tickets/{original}").json
    assert (mine["supporter_count"], mine["i_support"]) == (0, False)
    assert count(TicketSupporter) == 0


def _other_estate_ticket(tickets, tcast):
    from tests.ticket_support import TicketApi

    elsewhere = next(m.estate_id for m in tcast.outsider.memberships)
    return TicketApi(tickets.client, tickets.auth, elsewhere).report(tcast.outsider)["id"]


@pytest.mark.parametrize("original", ["missing", "itself", "closed", "another estate's", "no such"])
def test_a_duplicate_needs_an_open_ticket_of_the_same_estate(tickets, tcast, original):
    tid = ticket_in(tickets, tcast, "submitted")
    original_id = {
        "missing": lambda: None,
        "itself": lambda: tid,
        "closed": lambda: ticket_in(tickets, tcast, "closed"),
        "another estate's": lambda: _other_estate_ticket(tickets, tcast),
        "no such": lambda: 99_999,
    }[original]()
    before = seen(tickets, tcast, tid)

    response = tickets.act(tcast.manager, tid, "duplicate", duplicate_of_id=original_id)

    assert response.status_code == 422, response.json
    assert "duplicate_of_id" in response.json["error"]["fields"]
    assert seen(tickets, tcast, tid) == before


# -- assigning ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager", "chair", "member"])
def test_a_ticket_is_assigned_to_a_manager_or_committee_member_of_the_estate(
    make, tickets, tcast, who
):
    tid = ticket_in(tickets, tcast, "accepted")
    assignee = getattr(tcast, who)
    make.consent(assignee)

    detail = tickets.step(tcast.manager, tid, "assign", assignee_id=assignee.id)

    assert detail["status"] == "assigned"
    # The manager who assigns reads names masked, except their own (backend.accounts.naming).
    masked = assignee.real_name[0] + "*" * (len(assignee.real_name) - 1)
    assert detail["assignee_label"] == (assignee.real_name if who == "manager" else masked)
    # Someone other than the one assigning is told (TICKET_TEMPLATE_ID is set in tests), with
    # the consent they gave.
    told = count(OutboxMessage, OutboxMessage.topic == "ticket.assigned")
    assert told == (0 if who == "manager" else 1)


def test_an_assignee_who_never_consented_is_not_messaged_and_the_reason_is_kept(tickets, tcast):
    tid = ticket_in(tickets, tcast, "accepted")

    tickets.step(tcast.manager, tid, "assign", assignee_id=tcast.chair.id)

    [row] = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.topic == "ticket.assigned")
    ).all()
    assert (row.recipient_id, row.status) == (tcast.chair.id, "cancelled")
    assert row.last_error == "未获订阅授权，未发送"


@pytest.mark.parametrize(
    "who", ["owner2", "auditor", "township", "other_manager", "no such", "nobody"]
)
def test_assigning_to_anyone_else_is_422_and_nothing_changes(tickets, tcast, who):
    tid = ticket_in(tickets, tcast, "accepted")
    assignee_id = {"no such": 99_999, "nobody": None}.get(who) or (
        getattr(tcast, who).id if hasattr(tcast, who) else None
    )
    before = seen(tickets, tcast, tid)

    response = tickets.act(tcast.manager, tid, "assign", assignee_id=assignee_id)

    assert response.status_code == 422, response.json
    assert "assignee_id" in response.json["error"]["fields"]
    assert seen(tickets, tcast, tid) == before


def test_the_assignee_may_start_and_reply_without_being_a_handler(tickets, tcast):
    tid = ticket_in(tickets, tcast, "accepted")
    tickets.step(tcast.manager, tid, "assign", assignee_id=tcast.member.id)
    # The chair is on the committee too, but not the assignee and not a handler at rung 0.
    assert tickets.act(tcast.chair, tid, "start").status_code == 403
    assignee_view = tickets.get(tcast.member, f"/tickets/{tid}").json
    assert assignee_view["allowed_actions"] == ["start"]

    tickets.step(tcast.member, tid, "start")
    detail = tickets.step(tcast.member, tid, "reply", note="已修好")

    assert detail["status"] == "replied"
    # Assigning, rejecting and accepting stay the handlers' own.
    tid2 = ticket_in(tickets, tcast, "accepted")
    tickets.step(tcast.manager, tid2, "assign", assignee_id=tcast.member.id)
    for action in ("assign", "reject"):
        response = tickets.act(tcast.member, tid2, action, **body_for(action, tcast))
        assert response.status_code == 403, (action, response.json)


# -- escalation widens who may act -----------------------------------------------------------


@pytest.mark.parametrize("level", range(5))
@pytest.mark.parametrize("who", list(RUNG_OF))
def test_at_each_rung_its_people_and_those_below_may_act(tickets, tcast, level, who):
    ticket = tickets.report(tcast.owner)
    climb(ticket, level)
    before = seen(tickets, tcast, ticket["id"])
    may = RUNG_OF[who] <= level

    response = tickets.act(getattr(tcast, who), ticket["id"], "accept", note="督办受理")

    assert response.status_code == (200 if may else 403), response.json
    if may:
        assert response.json["status"] == "accepted"
        assert response.json["events"][-1]["escalation_level"] == level
    else:
        assert seen(tickets, tcast, ticket["id"]) == before


def test_escalation_never_lets_people_outside_the_scope_act(tickets, tcast):
    ticket = tickets.report(tcast.owner)
    climb(ticket, 4)

    for who in OUTSIDE:
        response = tickets.act(getattr(tcast, who), ticket["id"], "accept")
        assert response.status_code == 404, (who, response.json)


def test_an_escalated_ticket_lists_the_rung_peoples_actions(tickets, tcast):
    ticket = tickets.report(tcast.owner)
    climb(ticket, 1)

    chair = tickets.get(tcast.chair, f"/tickets/{ticket['id']}").json

    assert chair["escalation_level"] == 1
    assert chair["escalation_label"] == "业委会"
    assert chair["allowed_actions"] == ["accept", "reject", "duplicate"]
    assert tickets.get(tcast.auditor, f"/tickets/{ticket['id']}").json["allowed_actions"] == []


# -- the reporter's week to reopen ----------------------------------------------------------


def test_the_reporter_reopens_within_seven_days_with_a_new_reply_deadline(tickets, tcast):
    tid = tickets.replied(tcast)["id"]
    aged(tid, days=6)
    before = seen(tickets, tcast, tid)
    assert tickets.get(tcast.owner, f"/tickets/{tid}").json["can_reopen"] is True

    started = utcnow()
    detail = tickets.step(tcast.owner, tid, "reopen", note="灯还是不亮")

    assert detail["status"] == "in_progress"
    assert detail["reopen_count"] == 1
    new_due = at(detail["reply_due_at"])
    assert new_due > at(before["reply_due_at"])
    # Lighting has the default 72 hours to reply, counted from the reopening.
    assert started + timedelta(hours=72) <= new_due <= utcnow() + timedelta(hours=72)
    assert detail["events"][-1]["kind"] == "reopened"
    # Back with the handler, who may reply again.
    assert seen(tickets, tcast, tid)["allowed_actions"] == ["reply"]


def test_reopen_needs_a_reason(tickets, tcast):
    tid = tickets.replied(tcast)["id"]
    before = seen(tickets, tcast, tid)

    response = tickets.act(tcast.owner, tid, "reopen")

    assert response.status_code == 422, response.json
    assert "note" in response.json["error"]["fields"]
    assert seen(tickets, tcast, tid) == before


def test_reopen_eight_days_after_the_reply_is_409_even_before_the_close_job(tickets, tcast):
    tid = tickets.replied(tcast)["id"]
    aged(tid, days=8)
    before = seen(tickets, tcast, tid)
    mine = tickets.get(tcast.owner, f"/tickets/{tid}").json
    assert (mine["can_reopen"], mine["can_rate"], mine["allowed_actions"]) == (False, False, [])

    response = tickets.act(tcast.owner, tid, "reopen", note="还是不亮")

    assert response.status_code == 409, response.json
    assert response.json["error"]["fields"] == {"status": "replied", "allowed": []}
    assert "7 天" in response.json["error"]["message"]
    assert seen(tickets, tcast, tid) == before


def test_after_the_close_job_the_ticket_is_closed_and_reopen_is_409(tickets, tcast):
    tid = tickets.replied(tcast)["id"]
    aged(tid, days=8)

    assert escalation.close_unrated() == 1
    response = tickets.act(tcast.owner, tid, "reopen", note="还是不亮")

    assert response.status_code == 409, response.json
    assert response.json["error"]["fields"] == {"status": "closed", "allowed": []}
    detail = seen(tickets, tcast, tid)
    assert (detail["status"], detail["close_reason"]) == ("closed", "not_rated")


# -- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "action"),
        ({"action": "close"}, "action"),
        ({"action": "accept", "note": "说" * 1001}, "note"),
        ({"action": "accept", "priority": "high"}, "priority"),
        ({"action": "assign", "assignee_id": "3"}, "assignee_id"),
        ({"action": "reply", "note": "好", "photo_ids": "1"}, "photo_ids"),
        ({"action": "reject", "reason": "因" * 201}, "reason"),
        ({"action": "accept", "note": "a\x00b"}, "note"),
    ],
    ids=[
        "no action",
        "unknown action",
        "long note",
        "unknown field",
        "id as text",
        "ids as text",
        "long reason",
        "control character",
    ],
)
def test_a_malformed_step_is_422_naming_the_field(tickets, tcast, body, field):
    tid = ticket_in(tickets, tcast, "submitted")
    before = seen(tickets, tcast, tid)

    response = tickets.post(tcast.manager, f"/tickets/{tid}/transitions", body)

    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert seen(tickets, tcast, tid) == before


@pytest.mark.parametrize("ident", [99_999, 2**31 - 1, 2**40])
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/tickets/{id}", None),
        ("post", "/tickets/{id}/transitions", {"action": "accept"}),
        ("post", "/tickets/{id}/rating", {"rating": 5}),
        ("post", "/tickets/{id}/supporters", None),
        ("delete", "/tickets/{id}/supporters", None),
    ],
)
def test_a_ticket_that_does_not_exist_is_404(tickets, tcast, ident, method, path, body):
    kwargs = {"json": body} if body is not None else {}
    response = getattr(tickets.client, method)(
        f"/api/v1{path.format(id=ident)}", headers=tickets.auth(tcast.manager), **kwargs
    )

    assert response.status_code == 404, response.json
    assert response.json["error"]["code"] == "not_found"


def test_a_step_sent_as_a_form_is_415_and_broken_json_is_400(tickets, tcast):
    tid = ticket_in(tickets, tcast, "submitted")
    url = f"/api/v1/tickets/{tid}/transitions"
    headers = tickets.auth(tcast.manager)

    form = tickets.client.post(url, data={"action": "accept"}, headers=headers)
    broken = tickets.client.post(
        url, data='{"action": "accept"', headers=headers, content_type="application/json"
    )

    assert (form.status_code, broken.status_code) == (415, 400)
    assert broken.json["error"]["code"] == "malformed_json"
    assert seen(tickets, tcast, tid)["status"] == "submitted"
