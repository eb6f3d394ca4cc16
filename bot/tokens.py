"""WeChat access tokens shared by all processes: one refresher at a time, expiry kept with it.

WeChat invalidates a credential's previous token a few minutes after a new one is fetched, so
workers that each fetch their own keep knocking each other's tokens out. All of them read one
stored token instead, and only the holder of a lock may replace it.
"""

import json
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

import redis
from redis.exceptions import LockError

# Returns ``(access_token, expires_in_seconds)``; raises whatever the HTTP call raises.
Fetch = Callable[[], tuple[str, int]]

KEY_PREFIX = "linli:wechat-token:"
DEFAULT_MARGIN = 300.0
# A waiter gives up after DEFAULT_WAIT; the lock itself outlives a slow token fetch (its HTTP
# timeout) so that a second refresher cannot start while the first is still fetching.
DEFAULT_WAIT = 15.0
DEFAULT_LOCK_TIMEOUT = 30.0


class TokenUnavailable(Exception):
    """Another process is refreshing the token and did not finish within the wait."""


class TokenManager:
    """One access token for one credential, kept in Redis or, without Redis, in this process."""

    def __init__(
        self,
        name: str,
        fetch: Fetch,
        redis_client: redis.Redis | None = None,
        *,
        margin: float = DEFAULT_MARGIN,
        wait: float = DEFAULT_WAIT,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    ):
        self.name = name
        self.fetch = fetch
        self.margin = margin
        self.store = (
            _MemoryStore(wait)
            if redis_client is None
            else _RedisStore(redis_client, KEY_PREFIX + name, wait, lock_timeout)
        )

    def get(self) -> str:
        """The stored token, or a new one when it is missing or close to expiry.

        :raises TokenUnavailable: another refresher held the lock for longer than the wait.
        """
        return self._token(unless=None)

    def refresh(self, rejected: str) -> str:
        """A token other than ``rejected`` (which WeChat refused), fetched only if none is stored.

        :raises TokenUnavailable: another refresher held the lock for longer than the wait.
        """
        return self._token(unless=rejected)

    def _token(self, unless: str | None) -> str:
        token = self._stored(unless)
        if token is None:
            with self.store.locked():
                # Whoever held the lock before us has probably just stored a good token.
                token = self._stored(unless)
                if token is None:
                    started = time.time()
                    token, expires_in = self.fetch()
                    self.store.save(token, started + expires_in)
        return token

    def _stored(self, unless: str | None) -> str | None:
        entry = self.store.load()
        if entry is None:
            return None
        token, expires_at = entry
        if token == unless or expires_at - self.margin <= time.time():
            return None
        return token


class _MemoryStore:
    """The embedded default: one process, so a threading lock is enough."""

    def __init__(self, wait: float):
        self._wait = wait
        self._entry: tuple[str, float] | None = None
        self._lock = threading.Lock()

    def load(self) -> tuple[str, float] | None:
        return self._entry

    def save(self, token: str, expires_at: float) -> None:
        self._entry = (token, expires_at)

    @contextmanager
    def locked(self) -> Iterator[None]:
        if not self._lock.acquire(timeout=self._wait):
            raise TokenUnavailable("access token refresh is taking too long")
        try:
            yield
        finally:
            self._lock.release()


class _RedisStore:
    """Token and expiry as JSON under ``key``; the refresh lock under ``key:lock``."""

    def __init__(self, client: redis.Redis, key: str, wait: float, lock_timeout: float):
        self._client = client
        self._key = key
        self._wait = wait
        self._lock_timeout = lock_timeout

    def load(self) -> tuple[str, float] | None:
        raw = self._client.get(self._key)
        if raw is None:
            return None
        entry = json.loads(raw)
        return entry["token"], float(entry["expires_at"])

    def save(self, token: str, expires_at: float) -> None:
        value = json.dumps({"token": token, "expires_at": expires_at})
        # Relative, so the Redis host's clock does not matter; the stored expiry decides anyway.
        self._client.set(self._key, value, ex=max(1, math.ceil(expires_at - time.time())))

    @contextmanager
    def locked(self) -> Iterator[None]:
        lock = self._client.lock(
            self._key + ":lock", timeout=self._lock_timeout, blocking_timeout=self._wait
        )
        if not lock.acquire():
            raise TokenUnavailable(f"access token refresh lock {lock.name} is held by another")
        try:
            yield
        finally:
            # A fetch slower than the lock timeout lost the lock, but its token is still good.
            with suppress(LockError):
                lock.release()
