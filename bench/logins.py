"""Mini-program logins from one address, as when a vote is announced in a group of 800 owners
whose phones share a carrier address (CGNAT): how many of them get in within the per-address
ceiling (LINLI_WECHAT_LOGIN_ADDRESS_RATE_LIMIT), as a ratio, and how fast one address can log in
under gunicorn (PostgreSQL, Redis, the fake WeChat server over HTTP), as a ratio to the ceiling.
Then one code hammered, which its own limit (LINLI_WECHAT_LOGIN_RATE_LIMIT) stops.

Bounded: a fixed number of logins from a fixed number of client threads, against 127.0.0.1.
It prints; it asserts nothing about time. To try another ceiling, set it as in production:
`LINLI_WECHAT_LOGIN_ADDRESS_RATE_LIMIT="600 per minute" python -m bench logins`.
"""

import logging
import os
import subprocess
import sys
import threading
import time
from collections import Counter

import redis
import requests
from limits import parse_many

from backend.common.dbadmin import recreate_database
from bench.api import DATABASE_URL, REDIS_URL, _env, gunicorn
from bot.fakewechat.testing import serve_in_thread
from config import settings

OWNERS = int(os.environ.get("LINLI_BENCH_OWNERS", "800"))
CLIENTS = int(os.environ.get("LINLI_BENCH_CLIENTS", "16"))
HAMMER = 20


def _ceiling_per_minute(limit: str) -> float:
    """The tightest of the ceiling's limits, as logins per minute."""
    return min(item.amount * 60 / item.get_expiry() for item in parse_many(limit))


def _log_in(base: str, codes: list[str]) -> tuple[Counter, float]:
    """POST each code from CLIENTS threads; the statuses and the seconds it took."""
    statuses: Counter = Counter()
    lock = threading.Lock()
    chunks = [codes[i::CLIENTS] for i in range(CLIENTS)]

    def drive(chunk):
        with requests.Session() as session:
            session.trust_env = False  # never through a proxy: the fake server is on loopback
            for code in chunk:
                status = session.post(
                    f"{base}/api/v1/auth/wechat-login", json={"code": code}, timeout=30
                ).status_code
                with lock:
                    statuses[status] += 1

    threads = [threading.Thread(target=drive, args=(chunk,)) for chunk in chunks]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses, time.monotonic() - started


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the fake server's access log
    recreate_database(DATABASE_URL)
    flask = [sys.executable, "-m", "flask", "--app", "backend"]
    subprocess.run([*flask, "db", "upgrade"], env=_env(), check=True, capture_output=True)
    redis.Redis.from_url(REDIS_URL).flushdb()
    loaded = settings.load()  # the limits this machine's environment sets, or the defaults
    ceiling, per_code = loaded["WECHAT_LOGIN_ADDRESS_RATE_LIMIT"], loaded["WECHAT_LOGIN_RATE_LIMIT"]
    with serve_in_thread() as fake, gunicorn(_env(LINLI_WECHAT_API_BASE=fake.base_url)) as base:
        owners, seconds = _log_in(base, [f"fake:bench-owner-{n}" for n in range(OWNERS)])
        redis.Redis.from_url(REDIS_URL).flushdb()  # a fresh minute for the address
        hammered, _ = _log_in(base, ["fake:bench-hammer"] * HAMMER)
    unexpected = set(owners) - {200, 429}
    if unexpected:
        raise SystemExit(f"logins answered {dict(owners)}")
    in_ = owners[200]
    print(f"logins: {OWNERS} owners from one address, {CLIENTS} client threads, gunicorn")
    print(f"  ceiling per address {ceiling!r}, per code {per_code!r}")
    print(f"  logged in {in_} of {OWNERS}, refused {owners[429]}   ratio {in_ / OWNERS:.2f}")
    if not owners[429]:
        # Only when the ceiling did not bind is this what one address can drive.
        rate = in_ / seconds * 60
        print(
            f"  one address drove {rate:7.0f} logins/minute ({seconds:.1f}s)"
            f"   ratio to the ceiling {rate / _ceiling_per_minute(ceiling):.2f}"
        )
    print(f"  one code sent {HAMMER} times: {hammered[200]} logged in, {hammered[429]} refused")
