"""Re-election reminders: a live term is due when it ends within 90 days (89 and 90 are, 91 is
not), lapsed ones too; the reminder goes to each active group chat of the estate once per
term (also when two runs race), never for an ended term, and a new term is reminded afresh."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.accounts.models import User
from backend.extensions import db
from backend.governance.credit.figures import today
from backend.governance.register import jobs, reelection
from backend.governance.register.models import Committee
from backend.outbox.models import OutboxMessage
from backend.places.models import Estate
from bot import messages
from tests.concurrency import at_once, in_own_context
from tests.register_support import ago, term


def posts() -> list[OutboxMessage]:
    return db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.topic == reelection.TOPIC)
        .order_by(OutboxMessage.id)
    ).all()


@pytest.mark.parametrize(("days", "due"), [(89, True), (90, True), (91, False), (-3, True)])
def test_the_ninety_day_edge(make, gcast, days, due):
    make.group_chat(gcast.estate_a)
    committee = term(gcast.admin, gcast.estate_a, formed_on=ago(1700), term_ends_on=ago(-days))
    assert reelection.is_due(committee) is due
    assert reelection.send_reminders() == int(due)
    assert len(posts()) == int(due)
    listed = db.session.scalars(reelection.due_in_scope(gcast.township_a)).all()
    assert [c.id for c in listed] == ([committee.id] if due else [])


def test_sent_once_per_term_to_each_active_group(make, gcast):
    estate, admin_id = gcast.estate_a, gcast.admin.id
    make.group_chat(estate)
    make.group_chat(estate)
    make.group_chat(estate, active=False)
    estate_id = estate.id
    committee_id = term(gcast.admin, estate, formed_on=ago(1800), term_ends_on=ago(-30)).id
    assert jobs.reelection_reminders_job() == 1  # the job ends its session: read afresh below
    assert jobs.reelection_reminders_job() == 0
    rows = posts()
    assert len(rows) == 2 and {r.subject_id for r in rows} == {committee_id}
    assert db.session.get(Committee, committee_id).reminded_at is not None
    text = messages.render(reelection.TOPIC, committee_id)[0]["content"]
    assert "换届提醒" in text and "阳光小区" in text and "还有 30 天届满" in text
    # A new term is a new row: reminded afresh when it in turn comes due.
    admin, estate = db.session.get(User, admin_id), db.session.get(Estate, estate_id)
    ends = today() + timedelta(days=60)
    term(admin, estate, formed_on=today(), term_ends_on=ends, replaces_id=committee_id)
    assert reelection.send_reminders() == 1
    assert messages.render(reelection.TOPIC, committee_id) == []  # the old term has ended


@pytest.mark.committing("threads race, each on a connection of its own")
def test_two_runs_at_once_remind_once(app, make, gcast):
    make.group_chat(gcast.estate_a)
    term(gcast.admin, gcast.estate_a, formed_on=ago(1800), term_ends_on=ago(-10))
    results = at_once(*(in_own_context(app, reelection.send_reminders) for _ in range(2)))
    assert sorted(results) == [0, 1], results
    assert len(posts()) == 1


def test_an_ended_term_is_not_reminded(make, gcast):
    from backend.governance.register import services

    make.group_chat(gcast.estate_a)
    committee = term(gcast.admin, gcast.estate_a, formed_on=ago(1800), term_ends_on=ago(-10))
    services.end_committee(
        gcast.admin, gcast.estate_a.id, committee.id, {"on": ago(1), "reason": "解散"}
    )
    assert reelection.send_reminders() == 0
    assert posts() == []
