"""The relay: due rows to the queue in bursts, SKIP LOCKED between relays, nothing lost when
Redis is down, lost bursts handed out again, retries when due; and the admin's requeue."""

import threading
from datetime import timedelta

import pytest
from rq import Queue
from rq.job import Job

from backend.access.roles import Role
from backend.common.clock import utcnow
from backend.errors import Forbidden, InvalidTransition
from backend.extensions import db, redis_holder
from backend.jobs.queues import DELIVERY_QUEUE, burst_of, dispatch, job_id
from backend.outbox import sending
from backend.outbox import services as outbox
from backend.places.models import County
from bot.delivery import deliver


def _notices(make, post, count):
    for _ in range(count):
        estate = make.estate()
        make.group_chat(estate)
        post(estate)


def _bursts(queue):
    """The delivery queue's jobs as {job id: the rows it delivers}."""
    return {j.id: j.args[0] for j in queue.jobs}


def test_relay_enqueues_due_rows_as_bursts_in_id_order(app, make, post, rows, monkeypatch):
    monkeypatch.setitem(app.config, "DELIVERY_BURST", 2)
    _notices(make, post, 3)
    ids = [r.id for r in rows()]

    assert outbox.relay(dispatch) == 3

    queue = Queue(DELIVERY_QUEUE, connection=redis_holder.client)
    assert sorted(_bursts(queue).values()) == [ids[:2], ids[2:]]
    assert {j.func_name for j in queue.jobs} == {"bot.delivery.deliver_burst_job"}
    assert {j.retries_left for j in queue.jobs} == {None}  # retries are the relay's
    for burst_id, burst in _bursts(queue).items():
        assert {queue.connection.get(burst_of(i)).decode() for i in burst} == {burst_id}
    assert {r.status for r in rows()} == {"queued"}
    assert outbox.relay(dispatch) == 0  # queued rows are not handed out twice


def test_a_retrying_row_is_handed_out_again_when_its_time_comes(app, make, post, rows):
    _notices(make, post, 1)
    [row] = rows()
    sending.failed(row, "HTTP 500")
    db.session.commit()

    assert outbox.relay(dispatch) == 0  # not yet
    row.available_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    assert outbox.relay(dispatch) == 1
    queue = Queue(DELIVERY_QUEUE, connection=redis_holder.client)
    assert list(_bursts(queue).values()) == [[row.id]]
    assert rows()[0].status == "queued"


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


def test_queued_rows_whose_burst_was_lost_are_handed_out_again(app, make, post, rows, monkeypatch):
    monkeypatch.setitem(app.config, "DELIVERY_BURST", 1)
    _notices(make, post, 2)
    outbox.relay(dispatch)
    queue = Queue(DELIVERY_QUEUE, connection=redis_holder.client)
    lost, kept = rows()
    lost_burst = queue.connection.get(burst_of(lost.id)).decode()
    kept_burst = queue.connection.get(burst_of(kept.id)).decode()
    queue.remove(lost_burst)
    queue.connection.delete(f"rq:job:{lost_burst}")  # the worker died with it
    for row in rows():
        row.lease_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    seen = {}

    def recording_dispatch(new, stale):
        seen.update(new=new, stale=stale)
        dispatch(new, stale)

    assert outbox.relay(recording_dispatch) == 2
    assert seen == {"new": [], "stale": [lost.id, kept.id]}
    # Only the lost one was enqueued again, in a burst of its own; the other still waits once.
    assert sorted(_bursts(queue).values()) == [[lost.id], [kept.id]]
    assert kept_burst in queue.job_ids
    assert queue.connection.get(burst_of(lost.id)).decode() != lost_burst


def test_a_burst_taken_off_the_queue_by_a_worker_that_died_before_starting_it_is_lost(
    app, make, post, rows, monkeypatch
):
    monkeypatch.setitem(app.config, "DELIVERY_BURST", 1)
    _notices(make, post, 2)
    outbox.relay(dispatch)
    queue = Queue(DELIVERY_QUEUE, connection=redis_holder.client)
    lost, kept = rows()
    lost_burst = queue.connection.get(burst_of(lost.id)).decode()
    queue.remove(lost_burst)  # taken off; its job hash still says "queued"
    assert Job.fetch(lost_burst, connection=queue.connection).get_status() == "queued"
    for row in rows():
        row.lease_until = utcnow() - timedelta(seconds=1)
    db.session.commit()

    assert outbox.relay(dispatch) == 2

    # Back in the queue (in a new burst), and the other still waiting there, once.
    assert sorted(_bursts(queue).values()) == [[lost.id], [kept.id]]


def test_a_row_of_a_one_row_job_from_before_bursts_is_not_handed_out_twice(app, make, post, rows):
    _notices(make, post, 1)
    [row] = rows()
    queue = Queue(DELIVERY_QUEUE, connection=redis_holder.client)
    queue.enqueue("bot.delivery.deliver_job", row.id, job_id=job_id(row.id))
    row.status, row.lease_until = "queued", utcnow() - timedelta(seconds=1)
    db.session.commit()

    assert outbox.relay(dispatch) == 1

    assert queue.job_ids == [job_id(row.id)]  # still waiting there: nothing added


def test_admin_requeues_a_dead_row(app, make, post, rows):
    _notices(make, post, 1)
    [row] = rows()
    sending.dead(row, "HTTP 500")
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
        sending.dead(row, "HTTP 500")
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
    sending.dead(row, "x")
    db.session.commit()
    with pytest.raises(Forbidden):
        outbox.requeue(auditor, row.id)
    assert rows()[0].status == "dead"
