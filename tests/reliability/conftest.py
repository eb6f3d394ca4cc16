"""Real worker and relay processes (the commands production runs) against the test
PostgreSQL, Redis and the fake WeChat server, for the delivery guarantees end to end."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from tests.conftest import DATABASE_URL, REDIS_URL
from tests.isolation import require_committing

ROOT = Path(__file__).resolve().parents[2]
LOGS = ROOT / "test-artifacts" / "reliability"


def wait_until(predicate, timeout=60.0, interval=0.2, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:g}s waiting for {message}")


class Processes:
    """Starts `flask --app backend jobs worker|relay|scheduler`; stops what is left at the end."""

    def __init__(self, env: dict, name: str):
        self.env = env
        self.name = name
        self.started: list[subprocess.Popen] = []

    def start(self, command: str, *args: str, **env) -> subprocess.Popen:
        LOGS.mkdir(parents=True, exist_ok=True)
        log = open(LOGS / f"{self.name}-{command}-{len(self.started)}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "backend", "jobs", command, *args],
            cwd=ROOT,
            env={**os.environ, **self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group: rq's scheduler child outlives a killed worker otherwise.
            start_new_session=True,
        )
        self.started.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.started:
            _signal_group(process, signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            _signal_group(process, signal.SIGKILL)  # what is left of its group


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def process_env(fake_base_url: str, redis_url: str = REDIS_URL) -> dict:
    return {
        "LINLI_DATABASE_URL": DATABASE_URL,
        "LINLI_REDIS_URL": redis_url,
        "LINLI_WECHAT_API_BASE": fake_base_url,
        "LINLI_WECOM_API_BASE": fake_base_url,
        # PostgreSQL and Redis: the built-in secrets are refused (config/settings.py).
        "LINLI_SECRET_KEY": "test-secret-key",
        "LINLI_JWT_SECRET": "test-jwt-secret-0123456789abcdef",
        # Short waits so a test sees several retries and a lost job recovered in seconds.
        "LINLI_OUTBOX_RETRY_BASE_SECONDS": "1",
        "LINLI_OUTBOX_MAX_ATTEMPTS": "8",
        "LINLI_OUTBOX_LEASE_SECONDS": "8",
        "LINLI_DELIVERY_JOB_TIMEOUT": "5",
        "LINLI_OUTBOX_RELAY_INTERVAL": "0.2",
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def processes(app, fake_wechat, request):
    require_committing("worker, relay and scheduler processes")
    procs = Processes(process_env(fake_wechat.base_url), request.node.name)
    yield procs
    procs.stop_all()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    """A Redis server of our own, so a test can stop and start it."""

    def __init__(self):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server not found: run `make services` (config/ensure-services.sh)")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        wait_until(lambda: _pings(client), timeout=10, message="private Redis to start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _pings(client) -> bool:
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()
