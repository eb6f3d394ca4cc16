"""The relay: due rows to the queue, SKIP LOCKED between relays, nothing lost when Redis
is down, lost jobs handed out again; and the admin's requeue."""

import threading
from datetime import timedelta

import pytest
from rq import Queue
from rq.job import Job

from backend.access.roles import Role
from backend.common.clock import utcnow
from backend.errors import Forbidden, InvalidTransition
from backend.extensions import db, redis_holder
from backend.jobs.queues import DELIVERY_QUEUE, dispatch, job_id
from backend.outbox import services as outbox
from backend.places.models import County
from bot.delivery import deliver


def _notices(make, post, count):
    for _ in range(count):
        estate = make.estate()
        make.group_chat(estate)
        post(estate)


def test_relay_enqueues_due_rows_with_the_outbox_id_as_job_id(app, make, post, rows):
    _notices(make, post, 3)

    assert outbox.relay(dispatch) == 3

    queue = Queue(DELIVERY_QUEUE, connection=redis_holder.client)
    assert sorted(queue.job_ids) == sorted(job_id(r.id) for r in rows())
    assert {r.status for r in rows()} == {"queued"}
    job = queue.fetch_job(job_id(rows()[0].id))
    assert job.func_name == "bot.delivery.deliver_job"
    assert job.retries_left == app.config["OUTBOX_MAX_ATTEMPTS"] - 1
    assert outbox.relay(dispatch) == 0  # queued rows are not handed out twice


def test_rows_not_yet_due_stay(app, make, post, rows):
    _notices(make, post, 1)
    [row] = rows()
    row.available_at = utcnow() + timedelta(minutes=5)
    db.session.commit()

    assert outbox.relay(dispatch) == 0
    assert rows()[0].status == "pending"


def test_redis_down_leaves_rows_pending_for_the_next_round(app, make, post, rows):
    _notices(make, post, 2)

    def redis_is_down(new, stale):
        raise ConnectionError("Redis is down")

    with pytest.raises(ConnectionError):
        outbox.relay(redis_is_down)
    assert {r.status for r in rows()} == {"pending"}

    assert outbox.relay(dispatch) == 2


@pytest.mark.committing("two relays in two threads lock rows on connections of their own")
def test_two_relays_at_once_split_the_rows(app, make, post, rows):
    _notices(make, post, 6)
    first_has_locked = threading.Event()
    second_done = threading.Event()
    taken = {}

    def slow_dispatch(new, stale):
        taken["first"] = new
        first_has_locked.set()
        second_done.wait(timeout=10)

    def first_relay():
        with app.app_context():
            outbox.relay(slow_dispatch, limit=3)

    thread = threading.Thread(target=first_relay)
    thread.start()
    first_has_locked.wait(timeout=10)
    with app.app_context():
        outbox.relay(lambda new, stale: taken.setdefault("second", new))
    second_done.set()
    thread.join(timeout=10)

    assert len(taken["first"]) == 3
    assert len(taken["second"]) == 3
    assert not set(taken["first"]) & set(taken["second"])


def test_a_queued_row_whose_job_was_lost_is_handed_out_again(app, make, post, rows):
    _notices(make, post, 2)
    outbox.relay(dispatch)
    queue = Queue(DELIVERY_QUEUE, connection=redis_holder.client)
    lost, kept = rows()
    queue.remove(job_id(lost.id))
    queue.connection.delete(f"rq:job:{job_id(lost.id)}")  # the worker died with it
    for row in rows():
        row.lease_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    seen = {}

    def recording_dispatch(new, stale):
        seen.update(new=new, stale=stale)
        dispatch(new, stale)

    assert outbox.relay(recording_dispatch) == 2
    assert seen == {"new": [], "stale": [lost.id, kept.id]}
    # Only the lost one was enqueued again; the other is still waiting in the queue once.
    assert queue.job_ids.count(job_id(lost.id)) == 1
    assert queue.job_ids.count(job_id(kept.id)) == 1


def test_a_job_taken_off_the_queue_by_a_worker_that_died_before_starting_it_is_lost(
    app, make, post, rows
):
    _notices(make, post, 2)
    outbox.relay(dispatch)
    queue = Queue(DELIVERY_QUEUE, connection=redis_holder.client)
    lost, kept = rows()
    queue.remove(job_id(lost.id))  # taken off; its job hash still says "queued"
    assert Job.fetch(job_id(lost.id), connection=queue.connection).get_status() == "queued"
    for row in rows():
        row.lease_until = utcnow() - timedelta(seconds=1)
    db.session.commit()

    assert outbox.relay(dispatch) == 2

    assert queue.job_ids.count(job_id(lost.id)) == 1  # back in the queue
    assert queue.job_ids.count(job_id(kept.id)) == 1  # still waiting there, once


def test_admin_requeues_a_dead_row(app, make, post, rows):
    _notices(make, post, 1)
    [row] = rows()
    outbox.dead(row, "HTTP 500")
    row.attempts = 8
    db.session.commit()
    admin = make.member(Role.ADMIN, db.session.get(County, row.group_chat.estate.county_id))

    outbox.requeue(admin, row.id)

    [row] = rows()
    assert (row.status, row.attempts) == ("pending", 0)
    assert outbox.relay(dispatch) == 1


def test_a_requeued_row_is_rendered_anew_unless_part_of_it_was_sent(
    app, make, post, rows, fake_wechat
):
    _notices(make, post, 2)
    untouched, partly = rows()
    stale = [{"msgtype": "text", "text": {"content": "打开：https://wxaurl.cn/expired"}}] * 2
    for row in (untouched, partly):
        row.payload = stale
        outbox.dead(row, "HTTP 500")
    partly.parts_sent = 1
    db.session.commit()
    for row in (untouched, partly):
        county = db.session.get(County, row.group_chat.estate.county_id)
        outbox.requeue(make.member(Role.ADMIN, county), row.id)
    db.session.commit()

    assert deliver(untouched.id) == "sent"
    [heard] = [
        m for m in fake_wechat.messages() if m["group"].endswith(untouched.group_chat.address)
    ]
    # The notice as it is rendered today for this (internal) group, not the stale text.
    assert heard["msgtype"] == "template_card" and "wxaurl.cn/expired" not in str(heard)
    # Half of it reached the group already: the rest goes as rendered, so nothing repeats.
    assert db.session.get(type(partly), partly.id).payload == stale


def test_requeue_is_for_admins_and_dead_rows_only(app, make, post, rows):
    _notices(make, post, 1)
    [row] = rows()
    estate = row.group_chat.estate
    auditor = make.member(Role.AUDITOR, estate.community)
    admin = make.member(Role.ADMIN, db.session.get(County, estate.county_id))

    with pytest.raises(InvalidTransition):
        outbox.requeue(admin, row.id)
    outbox.dead(row, "x")
    db.session.commit()
    with pytest.raises(Forbidden):
        outbox.requeue(auditor, row.id)
    assert rows()[0].status == "dead"
