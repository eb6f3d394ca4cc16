"""Fixtures for the bot: wechatpy clients pointed at the fake server (tests/conftest.py)."""

import pytest
import requests

from bot.wechat import wechat_client, wecom_client


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
