"""Delivery through real `jobs worker` and `jobs relay` processes: exactly once per group,
through 500s, token errors, a SIGKILLed worker and Redis outages."""

import os
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from backend.access.roles import Role
from backend.extensions import db
from backend.jobs.schedule import LEADER_KEY
from backend.outbox.models import OutboxMessage
from bot.wechat import wecom_client
from tests.reliability.conftest import process_env, wait_until

pytestmark = pytest.mark.committing(
    "worker, relay and scheduler processes read and write the database themselves"
)

ESTATES = 50


def _community_with_groups(make, count=ESTATES):
    community = make.community()
    groups = [make.group_chat(make.estate(community)) for _ in range(count)]
    return community, [f"robot:{g.address}" for g in groups]


def _post_to_community(client, auth, make, community):
    auditor = make.member(Role.AUDITOR, community)
    response = client.post(
        "/api/v1/notices",
        json={
            "audience_kind": "community",
            "audience_id": community.id,
            "title": "关于开展消防安全检查的通知",
            "body": "本周六上午 9 点起，社区将对各小区消防通道和设施进行检查。",
        },
        headers=auth(auditor),
    )
    assert response.status_code == 201, response.json
    return response.json


def _sent_count() -> int:
    db.session.remove()
    return db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sent")
    )


def _per_group(fake_wechat) -> Counter:
    return Counter(m["group"] for m in fake_wechat.messages())


def _assert_exactly_once(fake_wechat, destinations):
    assert _per_group(fake_wechat) == Counter({d: 1 for d in destinations})


def test_a_community_of_50_estates_gets_the_notice_exactly_once_each(
    client, make, auth, fake_wechat, processes
):
    community, groups = _community_with_groups(make)
    processes.start("relay")
    processes.start("relay")  # two relays share the work through SKIP LOCKED
    processes.start("worker")
    processes.start("worker")

    _post_to_community(client, auth, make, community)

    wait_until(lambda: _sent_count() == ESTATES, message="50 rows sent")
    _assert_exactly_once(fake_wechat, groups)


def test_500s_for_a_while_then_recovery_delivers_everything_once(
    client, make, auth, fake_wechat, processes
):
    community, groups = _community_with_groups(make)
    fake_wechat.inject("http_500", 80, paths=["/cgi-bin/webhook/send"])
    processes.start("relay")
    processes.start("worker")

    _post_to_community(client, auth, make, community)

    wait_until(lambda: _sent_count() == ESTATES, timeout=120, message="all sent after 500s")
    _assert_exactly_once(fake_wechat, groups)
    retried = db.session.scalar(select(func.count()).where(OutboxMessage.attempts > 0))
    assert retried > 0  # the 500s really hit, and were retried


def test_invalid_token_is_refreshed_once_and_sending_goes_on(
    client, make, auth, fake_wechat, processes
):
    community = make.community()
    chats = []
    wecom = wecom_client("ww-test", "secret", api_base=fake_wechat.base_url)
    for i in range(5):
        chat = wecom.appchat.create(chat_id=f"chat{i}", owner="u1", user_list=["u1", "u2"])
        make.group_chat(make.estate(community), "wecom_appchat", chat["chatid"])
        chats.append(f"appchat:{chat['chatid']}")
    tokens_before = fake_wechat.calls().get("/cgi-bin/gettoken", 0)
    fake_wechat.inject("invalid_token", 1, paths=["/cgi-bin/appchat/send"])
    processes.start("relay")
    processes.start("worker")

    _post_to_community(client, auth, make, community)

    wait_until(lambda: _sent_count() == 5, message="all app chats")
    _assert_exactly_once(fake_wechat, chats)
    # Workers share one token through Redis: one fetch, then exactly one refresh on 40001.
    assert fake_wechat.calls().get("/cgi-bin/gettoken", 0) - tokens_before == 2
    assert db.session.scalar(select(func.max(OutboxMessage.attempts))) == 0


def test_killing_the_worker_mid_run_loses_and_duplicates_nothing(
    client, make, auth, fake_wechat, processes
):
    community, groups = _community_with_groups(make)
    fake_wechat.inject("slow", 200, delay_seconds=0.05, paths=["/cgi-bin/webhook/send"])
    processes.start("relay")
    first = processes.start("worker")
    _post_to_community(client, auth, make, community)
    wait_until(lambda: len(fake_wechat.messages()) >= 10, message="10 messages")

    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    processes.start("worker")

    wait_until(lambda: _sent_count() == ESTATES, timeout=120, message="all sent after kill")
    _assert_exactly_once(fake_wechat, groups)


def test_redis_down_while_posting_then_back_delivery_catches_up(
    client, make, auth, fake_wechat, processes, private_redis
):
    community, groups = _community_with_groups(make, count=10)
    processes.env = process_env(fake_wechat.base_url, private_redis.url)
    processes.start("relay")
    processes.start("worker")
    private_redis.stop()

    _post_to_community(client, auth, make, community)  # the API does not need Redis to post

    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 10
    assert fake_wechat.messages() == []
    private_redis.start()
    wait_until(lambda: _sent_count() == 10, timeout=120, message="delivery after Redis is back")
    _assert_exactly_once(fake_wechat, groups)


def test_worker_relay_and_scheduler_outlive_a_redis_outage_and_deliver_exactly_once(
    client, make, auth, fake_wechat, processes, private_redis
):
    community, groups = _community_with_groups(make, count=12)
    # Slow sends keep the worker busy (a work horse running) when Redis goes away.
    fake_wechat.inject("slow", 1000, delay_seconds=0.3, paths=["/cgi-bin/webhook/send"])
    processes.env = process_env(fake_wechat.base_url, private_redis.url)
    running = [processes.start("relay"), processes.start("worker")]
    scheduler = processes.start("scheduler", "--lock-ttl", "3")  # a round every second
    leader = redis.Redis.from_url(private_redis.url)
    wait_until(lambda: leader.get(LEADER_KEY), message="the scheduler to lead")

    _post_to_community(client, auth, make, community)
    wait_until(lambda: len(fake_wechat.messages()) >= 2, message="the first messages")
    private_redis.stop()
    time.sleep(4)
    private_redis.start()

    wait_until(lambda: _sent_count() == 12, timeout=90, message="delivery after the outage")
    _assert_exactly_once(fake_wechat, groups)
    # The same processes, never restarted; the scheduler leads again in the new Redis.
    assert [p.poll() for p in [*running, scheduler]] == [None, None, None]
    wait_until(lambda: leader.get(LEADER_KEY), timeout=30, message="the scheduler to lead again")
    assert f":{scheduler.pid}:" in leader.get(LEADER_KEY).decode()


def _work_horse_of(worker_pid: int) -> int | None:
    """The pid of the worker's work horse, if one runs: rq forks it into a process group of
    its own (so a signal to the worker's group does not reach it)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent, group = int(entry.name), int(fields[1]), int(fields[2])
        if parent == worker_pid and group == pid:
            return pid
    return None


def test_killing_the_work_horse_mid_burst_resends_at_most_the_part_in_flight(
    client, make, auth, fake_wechat, processes
):
    community, groups = _community_with_groups(make)
    fake_wechat.inject("slow", 200, delay_seconds=0.05, paths=["/cgi-bin/webhook/send"])
    processes.start("relay")
    first = processes.start("worker")
    _post_to_community(client, auth, make, community)
    wait_until(lambda: len(fake_wechat.messages()) >= 5, message="5 messages")
    horse = _work_horse_of(first.pid)
    assert horse is not None

    # The host is lost: the horse dies mid-burst (perhaps mid-send), and its worker with it.
    os.kill(horse, signal.SIGKILL)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    sent_by_the_first = len(fake_wechat.messages())
    assert sent_by_the_first < ESTATES // 2  # it really died with most of its burst left
    processes.start("worker")

    wait_until(lambda: _sent_count() == ESTATES, timeout=120, message="all sent after kill")
    per_group = _per_group(fake_wechat)
    assert set(per_group) == set(groups)  # nothing lost
    # The at-least-once window: only a part WeChat took but the horse had not recorded.
    assert sum(per_group.values()) - ESTATES <= 1
