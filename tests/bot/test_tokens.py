"""bot.tokens: one access token per credential, shared through Redis or kept in-process."""

import json
import threading
import time

import pytest

from bot.tokens import KEY_PREFIX, TokenManager, TokenUnavailable

NAME = "test:wx-app"
KEY = KEY_PREFIX + NAME


class CountingFetch:
    """A token endpoint stand-in: numbered tokens, optionally failing, slow or held back."""

    def __init__(self, expires_in: int = 7200, delay: float = 0.0, failures: int = 0):
        self.expires_in = expires_in
        self.delay = delay
        self.failures = failures
        self.calls = 0
        self.started = threading.Event()
        self.go = threading.Event()
        self.go.set()
        self._lock = threading.Lock()

    def __call__(self) -> tuple[str, int]:
        with self._lock:
            self.calls += 1
            number = self.calls
        self.started.set()
        if number <= self.failures:
            raise ConnectionError("token endpoint down")
        time.sleep(self.delay)
        assert self.go.wait(timeout=10)
        return f"token-{number}", self.expires_in


@pytest.fixture(params=["redis", "memory"])
def worker(request):
    """``worker(fetch, **kw)``: the manager one worker uses for the credential.

    With Redis every call builds a new manager, as a separate process would; without Redis
    the threads of the one process share the manager the first call built.
    """
    if request.param == "redis":
        redis_client = request.getfixturevalue("redis_client")
        return lambda fetch, **kw: TokenManager(NAME, fetch, redis_client, **kw)
    built: dict[str, TokenManager] = {}

    def in_process(fetch, **kw):
        return built.setdefault("manager", TokenManager(NAME, fetch, **kw))

    return in_process


def run_together(count: int, target) -> None:
    start = threading.Barrier(count)

    def run():
        start.wait()
        target()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)


def test_token_is_fetched_once_and_then_reused(worker):
    fetch = CountingFetch()

    assert worker(fetch).get() == "token-1"
    assert worker(fetch).get() == "token-1"
    assert fetch.calls == 1


def test_two_processes_sharing_redis_fetch_the_token_once(redis_client):
    fetch_a, fetch_b = CountingFetch(), CountingFetch()
    process_a = TokenManager(NAME, fetch_a, redis_client)
    process_b = TokenManager(NAME, fetch_b, redis_client)

    assert process_a.get() == process_b.get() == "token-1"
    assert (fetch_a.calls, fetch_b.calls) == (1, 0)


def test_token_is_stored_in_redis_with_its_expiry(redis_client):
    before = time.time()
    TokenManager(NAME, CountingFetch(expires_in=7200), redis_client).get()

    stored = json.loads(redis_client.get(KEY))
    assert stored["token"] == "token-1"
    assert before + 7200 <= stored["expires_at"] <= time.time() + 7200
    assert 7100 < redis_client.ttl(KEY) <= 7200


def test_fresh_process_reuses_a_stored_unexpired_token(redis_client):
    TokenManager(NAME, CountingFetch(), redis_client).get()
    fetch = CountingFetch()

    assert TokenManager(NAME, fetch, redis_client).get() == "token-1"
    assert fetch.calls == 0


def test_fresh_process_refetches_a_stored_token_close_to_expiry(redis_client):
    # 200 s left is inside the default 300 s margin.
    TokenManager(NAME, CountingFetch(expires_in=200), redis_client).get()
    fetch = CountingFetch()

    assert TokenManager(NAME, fetch, redis_client).get() == "token-1"
    assert fetch.calls == 1
    assert json.loads(redis_client.get(KEY))["expires_at"] > time.time() + 7000


def test_token_close_to_expiry_is_refetched(worker):
    fetch = CountingFetch(expires_in=200)

    assert worker(fetch).get() == "token-1"
    assert worker(fetch).get() == "token-2"


def test_many_threads_on_an_empty_store_fetch_once(worker):
    # The slow fetch keeps the others arriving while the first one is still fetching.
    fetch = CountingFetch(delay=0.3)
    results = []

    run_together(12, lambda: results.append(worker(fetch).get()))

    assert results == ["token-1"] * 12
    assert fetch.calls == 1


def test_refresh_of_the_stored_token_fetches_a_new_one(worker):
    fetch = CountingFetch()
    rejected = worker(fetch).get()

    assert worker(fetch).refresh(rejected=rejected) == "token-2"
    assert worker(fetch).get() == "token-2"
    assert fetch.calls == 2


def test_many_threads_refreshing_the_same_rejected_token_fetch_once(worker):
    fetch = CountingFetch(delay=0.3)
    rejected = worker(fetch).get()
    results = []

    run_together(12, lambda: results.append(worker(fetch).refresh(rejected=rejected)))

    assert results == ["token-2"] * 12
    assert fetch.calls == 2


def test_refresh_returns_a_newer_token_another_process_stored_without_fetching(redis_client):
    fetch_a, fetch_b = CountingFetch(), CountingFetch()
    process_a = TokenManager(NAME, fetch_a, redis_client)
    process_b = TokenManager(NAME, fetch_b, redis_client)
    rejected = process_a.get()
    fetch_b.calls = 1  # numbers process B's token "token-2"
    assert process_b.refresh(rejected=rejected) == "token-2"

    assert process_a.refresh(rejected=rejected) == "token-2"
    assert (fetch_a.calls, fetch_b.calls) == (1, 2)


def test_lock_held_by_another_process_beyond_the_wait_raises_without_fetching(redis_client):
    other = redis_client.lock(KEY + ":lock", timeout=10)
    assert other.acquire(blocking=False)
    fetch = CountingFetch()

    started = time.monotonic()
    with pytest.raises(TokenUnavailable):
        TokenManager(NAME, fetch, redis_client, wait=0.3).get()

    assert time.monotonic() - started < 2
    assert fetch.calls == 0
    other.release()


def test_waiter_gives_up_while_a_slow_fetch_holds_the_lock(worker):
    fetch = CountingFetch()
    fetch.go.clear()
    refresher = threading.Thread(target=worker(fetch, wait=0.3).get)
    refresher.start()
    assert fetch.started.wait(timeout=5)

    with pytest.raises(TokenUnavailable):
        worker(fetch, wait=0.3).get()

    fetch.go.set()
    refresher.join(timeout=5)
    assert fetch.calls == 1
    assert worker(fetch).get() == "token-1"


def test_failed_fetch_releases_the_lock_for_the_next_caller(worker):
    fetch = CountingFetch(failures=1)
    with pytest.raises(ConnectionError):
        worker(fetch, wait=0.5).get()

    assert worker(fetch, wait=0.5).get() == "token-2"
