"""Overdue tickets climb the ladder one rung per missed deadline, over a simulated clock (the
jobs take ``now``): property manager → committee → community → township → county, once per
rung however often or concurrently the job runs, with one digest per estate and run for its
group chats and a subscribe message to each new rung's people. And the weekly digest."""

from datetime import UTC, datetime, timedelta

import pytest

from backend.extensions import db
from backend.outbox.models import OutboxMessage
from backend.tickets import escalation, subscribe_sends
from backend.tickets.escalation import week_bounds
from backend.tickets.models import TicketDigest
from bot.delivery import deliver
from tests.concurrency import at_once, in_own_context
from tests.isolation import once_per_module
from tests.ticket_support import TicketApi, build_tcast
from tests.tickets.helpers import at, count, events_of, fresh, set_times

_tcast_of_module, tcast = once_per_module("tcast", build_tcast)

LADDER = [(1, "业委会"), (2, "社区"), (3, "街道（乡镇）"), (4, "县住建局")]
MINUTE = timedelta(minutes=1)


@pytest.fixture
def step(app):
    """LINLI_TICKET_ESCALATION_HOURS: how long each further rung has."""
    return timedelta(hours=app.config["TICKET_ESCALATION_HOURS"])


def outbox_rows(topic: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.topic == topic).order_by(OutboxMessage.id)
    ).all()


def escalations(tickets, cast, tid) -> list[dict]:
    events = tickets.get(cast.manager, f"/tickets/{tid}").json["events"]
    return [e for e in events if e["kind"] == "escalated"]


# -- one rung per missed deadline -----------------------------------------------------------


def test_a_ticket_past_its_accept_deadline_climbs_one_rung(tickets, tcast):
    ticket = tickets.report(tcast.owner)
    due = at(ticket["accept_due_at"])

    assert escalation.escalate_overdue(due - MINUTE) == 0
    assert escalation.escalate_overdue(due) == 1

    detail = tickets.get(tcast.manager, f"/tickets/{ticket['id']}").json
    assert (detail["status"], detail["escalation_level"], detail["escalation_label"]) == (
        "submitted",
        1,
        "业委会",
    )
    [event] = escalations(tickets, tcast, ticket["id"])
    assert event["actor_label"] == "系统"
    assert event["note"] == "超过受理时限，升级至业委会督办"
    assert (event["from_status"], event["to_status"], event["escalation_level"]) == (
        "submitted",
        "submitted",
        1,
    )
    assert at(event["created_at"]) == due


def test_telling_the_reporters_of_a_backlog_past_the_bound_parameter_limit_works(tickets, tcast):
    """A backlog climbed in one batch (the bench's 79,000) once passed every id in one IN list,
    past PostgreSQL's 65,535 bound parameters."""
    ticket = tickets.report(tcast.owner)
    assert escalation.escalate_overdue(at(ticket["accept_due_at"])) == 1
    before = count(OutboxMessage)
    subscribe_sends.escalated([*range(10_000_000, 10_070_000), ticket["id"]])
    # The reporter was told when the ticket climbed; telling again adds nothing.
    assert count(OutboxMessage) == before
    assert events_of(ticket["id"], "escalated")


def test_running_the_job_twice_at_the_same_moment_escalates_once(tickets, tcast):
    ticket = tickets.report(tcast.owner)
    due = at(ticket["accept_due_at"])

    assert escalation.escalate_overdue(due) == 1
    assert escalation.escalate_overdue(due) == 0

    assert fresh(ticket["id"]).escalation_level == 1
    assert events_of(ticket["id"], "escalated") == 1
    assert count(TicketDigest) == 1


@pytest.mark.committing("threads race, each on a connection of its own")
def test_two_jobs_running_at_once_escalate_once(app, make, tickets, tcast):
    make.group_chat(tcast.estate)
    ticket = tickets.report(tcast.owner)
    due = at(ticket["accept_due_at"])

    results = at_once(
        in_own_context(app, escalation.escalate_overdue, due),
        in_own_context(app, escalation.escalate_overdue, due),
    )

    assert sorted(results) == [0, 1], results
    assert fresh(ticket["id"]).escalation_level == 1
    assert events_of(ticket["id"], "escalated") == 1
    assert count(TicketDigest) == 1
    assert len(outbox_rows("ticket.escalations")) == 1


def test_the_next_rung_waits_the_escalation_hours(tickets, tcast, step):
    ticket = tickets.report(tcast.owner)
    first = at(ticket["accept_due_at"])
    escalation.escalate_overdue(first)

    assert escalation.escalate_overdue(first + step - MINUTE) == 0
    assert fresh(ticket["id"]).escalation_level == 1
    assert escalation.escalate_overdue(first + step) == 1
    assert fresh(ticket["id"]).escalation_level == 2


def test_the_ladder_goes_to_the_county_and_stops_there(tickets, tcast, step):
    ticket = tickets.report(tcast.owner)
    now = at(ticket["accept_due_at"])

    for level, label in LADDER:
        assert escalation.escalate_overdue(now) == 1
        detail = tickets.get(tcast.county, f"/tickets/{ticket['id']}").json
        assert (detail["escalation_level"], detail["escalation_label"]) == (level, label)
        now += step

    assert escalation.escalate_overdue(now + timedelta(days=30)) == 0
    row = fresh(ticket["id"])
    assert (row.escalation_level, row.escalate_at) == (4, None)
    notes = [e["note"] for e in escalations(tickets, tcast, ticket["id"])]
    assert notes == [f"超过受理时限，升级至{label}督办" for _level, label in LADDER]


def test_accepting_in_time_prevents_escalation(tickets, tcast):
    ticket = tickets.report(tcast.owner)
    tickets.step(tcast.manager, ticket["id"], "accept")

    assert escalation.escalate_overdue(at(ticket["accept_due_at"]) + timedelta(hours=1)) == 0

    row = fresh(ticket["id"])
    assert (row.escalation_level, row.missed_deadline) == (0, False)
    assert row.escalate_at == row.reply_due_at


@pytest.mark.parametrize("steps", [["accept"], ["accept", "start"]])
def test_after_acceptance_the_reply_deadline_escalates(tickets, tcast, steps):
    ticket = tickets.report(tcast.owner)
    for action in steps:
        tickets.step(tcast.manager, ticket["id"], action)
    due = at(ticket["reply_due_at"])

    assert escalation.escalate_overdue(due - MINUTE) == 0
    assert escalation.escalate_overdue(due) == 1

    [event] = escalations(tickets, tcast, ticket["id"])
    assert event["note"] == "超过办理反馈时限，升级至业委会督办"
    assert fresh(ticket["id"]).missed_deadline is True


def test_a_replied_or_closed_ticket_never_escalates(tickets, tcast):
    replied = tickets.replied(tcast)["id"]
    rejected = tickets.report(tcast.owner)["id"]
    tickets.step(tcast.manager, rejected, "reject", reason="不属于物业服务范围")

    assert escalation.escalate_overdue(datetime.now(UTC) + timedelta(days=30)) == 0

    assert fresh(replied).escalation_level == fresh(rejected).escalation_level == 0


# -- what each run announces ----------------------------------------------------------------


def test_each_run_writes_one_digest_per_estate_and_one_row_per_active_group(
    make, tickets, tcast, step
):
    groups = [make.group_chat(tcast.estate), make.group_chat(tcast.estate)]
    make.group_chat(tcast.estate, active=False)
    first = tickets.report(tcast.owner)
    second = tickets.report(tcast.owner2)
    elsewhere = next(m.estate_id for m in tcast.outsider.memberships)
    other = TicketApi(tickets.client, tickets.auth, elsewhere).report(tcast.outsider)
    now = max(at(t["accept_due_at"]) for t in (first, second, other))

    assert escalation.escalate_overdue(now) == 3

    digests = db.session.scalars(db.select(TicketDigest).order_by(TicketDigest.estate_id)).all()
    assert [(d.estate_id, d.kind) for d in digests] == [
        (tcast.estate.id, "escalation"),
        (elsewhere, "escalation"),
    ]
    mine = digests[0]
    assert [line["ticket_id"] for line in mine.figures["tickets"]] == [first["id"], second["id"]]
    rows = outbox_rows("ticket.escalations")
    # The other estate has no group chat: its digest goes nowhere.
    assert sorted(r.group_chat_id for r in rows) == sorted(g.id for g in groups)
    assert {r.subject_id for r in rows} == {mine.id}

    # The next run, a rung later, is another digest and another row per group.
    assert escalation.escalate_overdue(now + step) == 3
    assert count(TicketDigest) == 4
    assert len(outbox_rows("ticket.escalations")) == 4


def test_the_new_rungs_people_with_an_openid_get_a_personal_message(make, tickets, tcast, step):
    tcast.member.openid = None  # never signed in to the mini-program: nothing to send to
    db.session.commit()
    for person in (tcast.chair, tcast.member, tcast.auditor, tcast.township, tcast.county):
        make.consent(person)
    ticket = tickets.report(tcast.owner)
    now = at(ticket["accept_due_at"])
    expected = {1: {tcast.chair.id}, 2: {tcast.auditor.id}, 3: {tcast.township.id}}
    expected[4] = {tcast.county.id}

    for level in range(1, 5):
        before = {r.id for r in outbox_rows("ticket.escalated")}
        escalation.escalate_overdue(now)
        new = [r for r in outbox_rows("ticket.escalated") if r.id not in before]
        assert {r.recipient_id for r in new} == expected[level], level
        assert all(r.estate_id == tcast.estate.id and r.group_chat_id is None for r in new)
        now += step


def test_only_the_handlers_who_consented_get_a_personal_message(make, tickets, tcast):
    make.consent(tcast.member)
    ticket = tickets.report(tcast.owner)

    escalation.escalate_overdue(at(ticket["accept_due_at"]))

    assert [r.recipient_id for r in outbox_rows("ticket.escalated")] == [tcast.member.id]


def test_no_personal_messages_without_a_template(app, tickets, tcast, monkeypatch):
    monkeypatch.setitem(app.config, "TICKET_TEMPLATE_ID", "")
    ticket = tickets.report(tcast.owner)

    escalation.escalate_overdue(at(ticket["accept_due_at"]))

    assert outbox_rows("ticket.escalated") == []


def test_the_escalation_messages_reach_the_group_and_the_committee(
    make, tickets, tcast, fake_wechat
):
    group = make.group_chat(tcast.estate)
    make.consent(tcast.chair)
    make.consent(tcast.member)
    ticket = tickets.report(tcast.owner)
    escalation.escalate_overdue(at(ticket["accept_due_at"]))

    rows = outbox_rows("ticket.escalations") + outbox_rows("ticket.escalated")
    assert [deliver(r.id) for r in rows] == ["sent"] * len(rows)

    [message] = fake_wechat.messages(f"robot:{group.address}")
    text = message["body"]["text"]["content"]
    assert f"#{ticket['id']}" in text
    assert "升级至业委会" in text
    assert tcast.estate.name in text
    [personal] = fake_wechat.messages(f"subscribe:{tcast.chair.openid}")
    assert personal["body"]["template_id"] == "tmpl-ticket-test"
    assert personal["body"]["data"]["thing1"]["value"] == "1 件工单超时升级待督办"
    assert len(fake_wechat.messages(f"subscribe:{tcast.member.openid}")) == 1
    assert fake_wechat.messages(f"subscribe:{tcast.manager.openid}") == []


# -- the weekly digest ----------------------------------------------------------------------

# Wednesday 2030-01-09 12:00 in Shanghai: last week ran from Monday 2029-12-31 00:00 to
# Monday 2030-01-07 00:00 Shanghai time, i.e. [2029-12-30 16:00, 2030-01-06 16:00) UTC.
NOW = datetime(2030, 1, 9, 4, 0, tzinfo=UTC)
WEEK = (datetime(2029, 12, 30, 16, 0, tzinfo=UTC), datetime(2030, 1, 6, 16, 0, tzinfo=UTC))


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_week_bounds_are_last_monday_to_monday_in_shanghai():
    assert week_bounds(NOW) == WEEK
    # Monday 00:30 Shanghai is already the new week: the week just ended is reported.
    assert week_bounds(utc(2030, 1, 6, 16, 30)) == WEEK


def _week_of_tickets(tickets, cast):
    """Seven tickets whose times fall in, before and after last week (see NOW and WEEK)."""

    def rated(stars):
        tid = tickets.replied(cast)["id"]
        assert (
            tickets.post(cast.owner, f"/tickets/{tid}/rating", {"rating": stars}).status_code == 200
        )
        return tid

    overdue = tickets.report(cast.owner)["id"]
    set_times(overdue, created_at=WEEK[0], accept_due_at=utc(2029, 12, 31, 16))
    four = rated(4)
    set_times(four, created_at=utc(2030, 1, 2, 2), closed_at=utc(2030, 1, 3, 2))
    two = rated(2)  # filed the minute before the week, closed in its last minute
    set_times(two, created_at=utc(2029, 12, 30, 15, 59), closed_at=utc(2030, 1, 6, 15, 59))
    unrated = tickets.replied(cast)["id"]
    escalation.close_unrated(NOW)
    set_times(unrated, created_at=utc(2030, 1, 1), closed_at=utc(2030, 1, 5))
    this_week = tickets.report(cast.owner)["id"]
    set_times(
        this_week,
        created_at=utc(2030, 1, 8),
        accept_due_at=utc(2030, 1, 10),
        reply_due_at=utc(2030, 1, 12),
    )
    rejected = tickets.report(cast.owner)["id"]
    tickets.step(cast.manager, rejected, "reject", reason="不属于物业服务范围")
    set_times(rejected, created_at=utc(2030, 1, 4), closed_at=utc(2030, 1, 4, 1))
    later = rated(5)  # filed and closed at the first instant of this week
    set_times(later, created_at=WEEK[1], closed_at=WEEK[1])


def test_the_weekly_digest_has_last_weeks_figures(make, tickets, tcast, fake_wechat):
    group = make.group_chat(tcast.estate)
    _week_of_tickets(tickets, tcast)

    assert escalation.weekly_digests(NOW) == 1

    [digest] = db.session.scalars(db.select(TicketDigest).where(TicketDigest.kind == "weekly"))
    # new: overdue, four, unrated, rejected; closed (as 已办结): four, two, unrated;
    # overdue now: the one never accepted; ratings of those closed: 4 and 2.
    figures = digest.figures
    assert (figures["new"], figures["closed"], figures["overdue"]) == (4, 3, 1)
    assert (figures["rating_sum"], figures["rating_count"], figures["average_rating"]) == (
        6,
        2,
        3.0,
    )
    assert (digest.period_start, digest.period_end) == WEEK
    [row] = outbox_rows("ticket.weekly")
    assert row.group_chat_id == group.id
    assert deliver(row.id) == "sent"
    [message] = fake_wechat.messages(f"robot:{group.address}")
    text = message["body"]["text"]["content"]
    assert "2029-12-31 至 2030-01-07" in text
    for line in ("新增工单：4 件", "办结工单：3 件", "当前超时：1 件", "平均满意度：3.0 星"):
        assert line in text


def test_the_weekly_digest_is_posted_once_per_estate_and_week(make, tickets, tcast):
    make.group_chat(tcast.estate)
    make.group_chat(tcast.estate)
    tickets.report(tcast.owner)

    assert escalation.weekly_digests(NOW) == 1
    assert escalation.weekly_digests(NOW) == 0
    assert escalation.weekly_digests(NOW + timedelta(days=2)) == 0

    assert count(TicketDigest, TicketDigest.kind == "weekly") == 1
    assert len(outbox_rows("ticket.weekly")) == 2
    # A week later it is next week's digest (the ticket is still overdue).
    assert escalation.weekly_digests(NOW + timedelta(days=7)) == 1


@pytest.mark.committing("threads race, each on a connection of its own")
def test_two_weekly_runs_at_once_post_once(app, make, tickets, tcast):
    groups = [make.group_chat(tcast.estate) for _ in range(2)]
    tickets.report(tcast.owner)

    results = at_once(
        in_own_context(app, escalation.weekly_digests, NOW),
        in_own_context(app, escalation.weekly_digests, NOW),
    )

    assert sorted(results) == [0, 1], results
    assert count(TicketDigest, TicketDigest.kind == "weekly") == 1
    assert sorted(r.group_chat_id for r in outbox_rows("ticket.weekly")) == [g.id for g in groups]


def test_estates_without_a_group_or_without_tickets_get_no_weekly_digest(make, tickets, tcast):
    quiet = make.estate()
    make.group_chat(quiet)  # a group, no tickets
    make.group_chat(tcast.estate, active=False)  # tickets, a group no longer active
    tickets.report(tcast.owner)
    elsewhere = next(m.estate_id for m in tcast.outsider.memberships)
    TicketApi(tickets.client, tickets.auth, elsewhere).report(tcast.outsider)  # no group at all

    assert escalation.weekly_digests(NOW) == 0

    assert count(TicketDigest) == 0
    assert outbox_rows("ticket.weekly") == []
