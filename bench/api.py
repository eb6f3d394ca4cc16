"""Requests per second of GET /api/v1/estates/{id} as a ratio to /healthz, under gunicorn
(sync workers) with PostgreSQL and Redis, on the demo county.

Bounded: each endpoint is driven for a fixed number of seconds by a fixed number of client
threads, against 127.0.0.1 only.
"""

import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import requests
from sqlalchemy import create_engine, text

from backend.common.dbadmin import recreate_database
from bench.common import free_port

DATABASE_URL = os.environ.get(
    "LINLI_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/linli_bench"
)
REDIS_URL = os.environ.get("LINLI_BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
SECONDS = float(os.environ.get("LINLI_BENCH_SECONDS", "5"))
CLIENTS = int(os.environ.get("LINLI_BENCH_CLIENTS", "8"))
WORKERS = os.environ.get("LINLI_BENCH_WORKERS", "4")
JWT_SECRET = "bench-jwt-secret-0123456789abcdef0123"
# PostgreSQL and Redis: the app refuses the built-in secrets (config/settings.py).
SECRET_KEY = "bench-secret-key-0123456789abcdef0123"


def _env(database_url: str = DATABASE_URL, redis_url: str = REDIS_URL, **extra) -> dict:
    """The environment a bench's gunicorn and flask commands run with."""
    return {
        **os.environ,
        "LINLI_DATABASE_URL": database_url,
        "LINLI_REDIS_URL": redis_url,
        "LINLI_JWT_SECRET": JWT_SECRET,
        "LINLI_SECRET_KEY": SECRET_KEY,
        "LINLI_WECHAT_API_BASE": "http://127.0.0.1:9",
        **extra,
    }


def prepare_database() -> None:
    recreate_database(DATABASE_URL)
    flask = [sys.executable, "-m", "flask", "--app", "backend"]
    subprocess.run([*flask, "db", "upgrade"], env=_env(), check=True, capture_output=True)
    subprocess.run([*flask, "linli", "seed-demo"], env=_env(), check=True, capture_output=True)


@contextmanager
def gunicorn(settings: dict | None = None):
    """A gunicorn on a free port of 127.0.0.1 with ``settings`` (default: this bench's)."""
    port = free_port()
    env = {**(settings or _env()), "LINLI_BIND": f"127.0.0.1:{port}", "LINLI_WEB_WORKERS": WORKERS}
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "config/gunicorn.conf.py",
        "--access-logfile",
        "/dev/null",
        "backend:create_app()",
    ]
    process = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def requests_per_second(url: str, headers: dict) -> float:
    counts, errors = [0] * CLIENTS, [0] * CLIENTS
    deadline = time.monotonic() + SECONDS

    def drive(i):
        with requests.Session() as session:
            while time.monotonic() < deadline:
                try:
                    ok = session.get(url, headers=headers, timeout=5).status_code == 200
                except requests.RequestException:  # a timeout fails the bench, not one thread
                    ok = False
                counts[i] += ok
                errors[i] += not ok

    threads = [threading.Thread(target=drive, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if sum(errors):
        raise SystemExit(f"{url}: {sum(errors)} requests failed")
    return sum(counts) / SECONDS


def owner_token() -> tuple[int, str]:
    """A demo owner's estate and an access token signed as the server will check it."""
    from backend.accounts.tokens import issue_access_token

    engine = create_engine(DATABASE_URL)
    with engine.connect() as conn:
        user_id, estate_id = conn.execute(
            text("SELECT user_id, estate_id FROM membership WHERE role = 'owner' LIMIT 1")
        ).one()
    engine.dispose()
    return estate_id, issue_access_token(user_id, JWT_SECRET, 60)


def main() -> None:
    prepare_database()
    estate_id, token = owner_token()
    with gunicorn() as base:
        requests_per_second(f"{base}/healthz", {})  # warm up every worker
        health = requests_per_second(f"{base}/healthz", {})
        estate = requests_per_second(
            f"{base}/api/v1/estates/{estate_id}", {"Authorization": f"Bearer {token}"}
        )
    print(f"gunicorn sync workers={WORKERS}, {CLIENTS} clients, {SECONDS:.0f}s per endpoint")
    print(f"GET /healthz                 {health:8.1f} req/s   (1.00)")
    print(
        f"GET /api/v1/estates/{{id}}     {estate:8.1f} req/s   ({estate / health:.2f} of /healthz)"
    )
