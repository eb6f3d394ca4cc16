"""Notices delivered per second to 1,000 group chats through the real pipeline (outbox rows,
relay, rq workers, the fake WeChat server over HTTP), with lost and duplicated counted, as a
ratio to posting the same messages straight at the fake server with as many threads.

Bounded: a fixed number of notices to a fixed number of groups, and a deadline.
"""

import logging
import os
import subprocess
import sys
import threading
import time
from collections import Counter

import requests
from sqlalchemy import func, insert, select

from backend import create_app
from backend.access.models import Membership
from backend.access.roles import Role, ScopeKind
from backend.accounts.models import User
from backend.common.dbadmin import recreate_database
from backend.extensions import db
from backend.group_chats.models import GroupChat
from backend.notices import services as notices
from backend.outbox.models import OutboxMessage
from backend.places.models import Community, County, Estate, Township
from bench.api import DATABASE_URL, JWT_SECRET, REDIS_URL, SECRET_KEY
from bot.fakewechat.testing import serve_in_thread

GROUPS = int(os.environ.get("LINLI_BENCH_GROUPS", "1000"))
NOTICES = int(os.environ.get("LINLI_BENCH_NOTICES", "3"))
WORKERS = int(os.environ.get("LINLI_BENCH_DELIVERY_WORKERS", "4"))
LOG = open(os.environ.get("LINLI_BENCH_LOG", os.devnull), "a")  # noqa: SIM115
DEADLINE = float(os.environ.get("LINLI_BENCH_DEADLINE", "600"))


def _settings(fake_url: str) -> dict:
    return {
        "LINLI_DATABASE_URL": DATABASE_URL,
        "LINLI_REDIS_URL": REDIS_URL,
        "LINLI_WECHAT_API_BASE": fake_url,
        "LINLI_WECOM_API_BASE": fake_url,
        "LINLI_OUTBOX_RELAY_INTERVAL": "0.2",
        "LINLI_SECRET_KEY": SECRET_KEY,
        "LINLI_JWT_SECRET": JWT_SECRET,
    }


def _county_with_groups(count: int) -> int:
    """A county of ``count`` estates, each with one robot group; returns its officer's id."""
    county = County(name="压测县")
    db.session.add(county)
    db.session.flush()
    township = Township(county_id=county.id, name="压测镇")
    db.session.add(township)
    db.session.flush()
    community = Community(township_id=township.id, name="压测社区")
    db.session.add(community)
    db.session.flush()
    db.session.execute(
        insert(Estate),
        [
            {
                "community_id": community.id,
                "township_id": township.id,
                "county_id": county.id,
                "name": f"压测小区{i:04d}",
                "address": "压测路",
            }
            for i in range(count)
        ],
    )
    estate_ids = db.session.scalars(select(Estate.id).order_by(Estate.id)).all()
    db.session.execute(
        insert(GroupChat),
        [
            {
                "estate_id": e,
                "name": f"群{e}",
                "channel": "wecom_robot",
                "address": f"bench-{e:06d}",
            }
            for e in estate_ids
        ],
    )
    officer = User(username="bench-officer", display_name="压测")
    db.session.add(officer)
    db.session.flush()
    db.session.add(
        Membership(
            user_id=officer.id,
            role=Role.COUNTY_OFFICER,
            scope_kind=ScopeKind.COUNTY,
            scope_id=county.id,
        )
    )
    db.session.commit()
    return officer.id


def _start(command: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "backend", "jobs", command],
        env={**os.environ, **env},
        stdout=LOG,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU seconds a process has used itself, and its reaped children (work horses), from
    /proc."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    # utime, stime, cutime, cstime: fields 14-17 of proc(5), counted after the ")".
    ticks = [int(x) / os.sysconf("SC_CLK_TCK") for x in fields[11:15]]
    return ticks[0] + ticks[1], ticks[2] + ticks[3]


def _wait_for_workers(connection, count: int, timeout: float = 120) -> None:
    """Until ``count`` rq workers have registered: on a busy machine their start-up takes
    several seconds, which is not delivery."""
    from rq import Worker

    deadline = time.monotonic() + timeout
    while Worker.count(connection=connection) < count:
        if time.monotonic() > deadline:
            raise SystemExit(f"delivery: fewer than {count} workers after {timeout:.0f}s")
        time.sleep(0.2)
    time.sleep(1)  # the relay started with them; give it its first round


def _sent() -> int:
    db.session.remove()
    return db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sent")
    )


def direct_rate(fake_url: str, total: int) -> float:
    """Messages per second when posted straight at the fake server by WORKERS threads."""
    per_thread = total // WORKERS

    def post(i):
        with requests.Session() as http:
            http.trust_env = False
            for n in range(per_thread):
                http.post(
                    f"{fake_url}/cgi-bin/webhook/send",
                    params={"key": f"direct-{i}-{n}"},
                    json={"msgtype": "text", "text": {"content": "基准"}},
                    timeout=10,
                )

    threads = [threading.Thread(target=post, args=(i,)) for i in range(WORKERS)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return per_thread * WORKERS / (time.monotonic() - started)


def main() -> None:
    # The fake server's access log: a line per message, written by the bench's own process.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    recreate_database(DATABASE_URL)
    with serve_in_thread() as fake:
        settings = _settings(fake.base_url)
        os.environ.update(settings)
        app = create_app()
        processes = []
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            import redis

            redis.Redis.from_url(REDIS_URL).flushdb()
            officer = db.session.get(User, _county_with_groups(GROUPS))
            county_id = officer.memberships[0].scope_id
            processes.append(_start("relay", settings))
            processes += [_start("worker", settings) for _ in range(WORKERS)]
            _wait_for_workers(redis.Redis.from_url(REDIS_URL), WORKERS)
            # From here on: what the processes' start-up (imports, the app, warm-up) cost is
            # not what delivering costs.
            cpu_before = [_cpu_seconds(p.pid) for p in processes]
            started = time.monotonic()
            for n in range(NOTICES):
                notices.publish(officer, "county", county_id, f"压测公告{n}", "正文" * 50)
            expected = GROUPS * NOTICES
            while _sent() < expected and time.monotonic() - started < DEADLINE:
                time.sleep(0.2)
            elapsed = time.monotonic() - started
            delivered = _sent()
            spent = [
                (own - own_before, children - children_before)
                for (own, children), (own_before, children_before) in zip(
                    [_cpu_seconds(p.pid) for p in processes], cpu_before, strict=True
                )
            ]
            relay_cpu = sum(spent[0])
            workers_cpu, horses_cpu = map(sum, zip(*spent[1:], strict=True))
        for process in processes:
            os.killpg(process.pid, 15)
        for process in processes:
            process.wait(timeout=30)
        counts = Counter(m["group"] for m in fake.messages())
        fake.reset()
        direct = direct_rate(fake.base_url, min(expected, 2000))
    unique = sum(1 for c in counts.values() if c)
    lost = expected - sum(min(c, NOTICES) for c in counts.values())
    duplicated = sum(max(c - NOTICES, 0) for c in counts.values())
    rate = delivered / elapsed
    print(f"delivery: {NOTICES} county notices to {GROUPS} robot groups, {WORKERS} rq workers")
    print(f"  groups reached {unique}, messages {sum(counts.values())} of {expected}")
    print(f"  lost {lost}, duplicated {duplicated}")
    print(f"  through the outbox  {rate:8.1f} messages/s ({elapsed:.1f}s)")
    print(f"  straight to WeChat  {direct:8.1f} messages/s   ratio {rate / direct:.2f}")
    # CPU per message does not depend on how busy the machine is, unlike the rates above.
    per_message = {"work horses": horses_cpu, "workers": workers_cpu, "relay": relay_cpu}
    print(
        "  CPU per message:",
        ", ".join(f"{k} {v * 1000 / delivered:.2f} ms" for k, v in per_message.items()),
    )
    if lost or duplicated:
        raise SystemExit("delivery lost or duplicated messages")
