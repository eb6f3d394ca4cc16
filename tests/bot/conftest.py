"""Fixtures for the bot: wechatpy clients pointed at the fake server (tests/conftest.py), the
test playing WeCom's server for the callback, and an estate ready for a vote."""

import pytest
import redis
import requests

from bot.tokens import KEY_PREFIX
from bot.wechat import wechat_client, wecom_client
from tests.bot.wecom_support import run_jobs, wecom_server  # noqa: F401  (WeCom as a test)
from tests.conftest import REDIS_URL
from tests.vote_support import vcast, votes  # noqa: F401  (an estate ready for a vote)


@pytest.fixture
def mp_client(fake_wechat):
    """Mini-program wechatpy client talking to the fake server."""
    return wechat_client("wx-test-app", "test-secret", api_base=fake_wechat.base_url, timeout=5)


@pytest.fixture
def wecom(fake_wechat):
    """WeCom wechatpy client talking to the fake server."""
    return wecom_client(
        "ww-test-corp", "test-corp-secret", api_base=fake_wechat.base_url, timeout=5
    )


@pytest.fixture
def http(fake_wechat):
    """Plain HTTP session for calling the fake server like any non-wechatpy client."""
    with requests.Session() as session:
        session.trust_env = False
        yield session


@pytest.fixture
def redis_client():
    """The test Redis database with no stored WeChat tokens before or after the test."""
    client = redis.Redis.from_url(REDIS_URL)
    _forget_tokens(client)
    yield client
    _forget_tokens(client)
    client.close()


def _forget_tokens(client: redis.Redis) -> None:
    # Only our keys: other tests may share the database.
    for key in client.scan_iter(match=KEY_PREFIX + "*"):
        client.delete(key)


@pytest.fixture
def new_mp_client(fake_wechat, redis_client):
    """Build a mini-program client as each worker process does: its token shared in Redis."""
    return lambda: wechat_client(
        "wx-test-app",
        "test-secret",
        api_base=fake_wechat.base_url,
        redis_client=redis_client,
        timeout=5,
    )


@pytest.fixture
def new_wecom(fake_wechat, redis_client):
    """Build a WeCom client as each worker process does: its token shared in Redis."""
    return lambda: wecom_client(
        "ww-test-corp",
        "test-corp-secret",
        api_base=fake_wechat.base_url,
        redis_client=redis_client,
        timeout=5,
    )
