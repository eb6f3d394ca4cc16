"""Mini-program URL Links: the fake server's generate_urllink checks requests as WeChat does,
and bot.urllinks caches each link per page and query until shortly before it expires."""

from datetime import UTC, datetime, timedelta

import pytest

from bot import urllinks
from bot.urllinks import RENEW_DAYS_LEFT, UrlLinkError, UrlLinks

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """clock.now: the time bot.urllinks reads (backend.common.clock.utcnow); settable."""

    class Clock:
        now = START

    monkeypatch.setattr(urllinks, "utcnow", lambda: Clock.now)
    return Clock


@pytest.fixture(autouse=True)
def no_cached_links(redis_client):
    """No links cached before or after the test (only ours: others share the database)."""
    for key in redis_client.scan_iter(match=urllinks.KEY_PREFIX + "*"):
        redis_client.delete(key)
    yield
    for key in redis_client.scan_iter(match=urllinks.KEY_PREFIX + "*"):
        redis_client.delete(key)


@pytest.fixture
def links(new_mp_client, redis_client):
    return UrlLinks(new_mp_client(), redis_client, "release", 30)


def generated(fake_wechat) -> int:
    return fake_wechat.calls().get("/wxa/generate_urllink", 0)


def test_a_link_opens_the_page_with_its_query(links, fake_wechat, clock):
    url = links.link("pages/notice/index?id=12")

    assert url.startswith("https://wxaurl.cn/")
    opened = fake_wechat.app.extensions["fakewechat"].url_link(url)
    assert (opened["path"], opened["query"], opened["env_version"]) == (
        "pages/notice/index",
        "id=12",
        "release",
    )


def test_a_link_is_reused_for_the_same_page_and_query_only(links, fake_wechat, clock):
    first = links.link("pages/notice/index?id=12")
    clock.now = START + timedelta(days=10)

    assert links.link("pages/notice/index?id=12") == first
    assert links.link("pages/notice/index?id=13") != first
    assert links.link("pages/ledger/index") not in (first,)
    assert generated(fake_wechat) == 3


def test_a_link_is_renewed_once_it_has_less_than_a_week_to_live(links, fake_wechat, clock):
    first = links.link("pages/notice/index?id=12")

    clock.now = START + timedelta(days=30 - RENEW_DAYS_LEFT)  # a week left: still served
    assert links.link("pages/notice/index?id=12") == first
    clock.now += timedelta(seconds=1)
    renewed = links.link("pages/notice/index?id=12")

    assert renewed != first
    assert generated(fake_wechat) == 2
    clock.now += timedelta(days=20)  # the renewed link lives 30 days from its renewal
    assert links.link("pages/notice/index?id=12") == renewed


def test_workers_share_the_cached_link_through_redis(
    new_mp_client, redis_client, fake_wechat, clock
):
    one = UrlLinks(new_mp_client(), redis_client).link("pages/motion/index?id=3")
    other = UrlLinks(new_mp_client(), redis_client).link("pages/motion/index?id=3")

    assert one == other
    assert generated(fake_wechat) == 1


def test_without_redis_links_are_cached_in_the_process(new_mp_client, fake_wechat, clock):
    links = UrlLinks(new_mp_client(), None)

    assert links.link("pages/motion/index?id=3") == links.link("pages/motion/index?id=3")
    assert generated(fake_wechat) == 1


def test_an_unknown_page_is_refused_with_40165_and_nothing_is_cached(links, fake_wechat, clock):
    for _ in range(2):
        with pytest.raises(UrlLinkError, match="40165"):
            links.link("pages/nowhere/index?id=1")
    assert generated(fake_wechat) == 2


def test_a_query_wechat_would_refuse_is_refused_before_calling(links, fake_wechat, clock):
    for page in ("pages/notice/index?q=中文", "pages/notice/index?" + "a" * 1025):
        with pytest.raises(UrlLinkError):
            links.link(page)
    assert generated(fake_wechat) == 0


def test_wechat_unreachable_is_a_url_link_error(links, fake_wechat, clock):
    fake_wechat.inject("http_500", paths=["/wxa/generate_urllink"])

    with pytest.raises(UrlLinkError):
        links.link("pages/notice/index?id=1")
    assert links.link("pages/notice/index?id=1").startswith("https://wxaurl.cn/")


@pytest.mark.parametrize(
    "body, errcode",
    [
        ({"path": "pages/nowhere/index"}, 40165),
        ({"path": "pages/notice/index?id=1"}, 40165),
        ({"path": "pages/notice/index", "query": "q=中文"}, 40212),
        ({"path": "pages/notice/index", "query": "a" * 1025}, 40212),
        ({"path": "pages/notice/index", "env_version": "beta"}, 40097),
        ({"path": "pages/notice/index", "expire_type": 1, "expire_interval": 31}, 40097),
        ({"path": "pages/notice/index", "expire_type": 0, "expire_time": 1}, 40097),
    ],
)
def test_fake_generate_urllink_checks_as_wechat_does(http, fake_wechat, mp_client, body, errcode):
    url = f"{fake_wechat.base_url}/wxa/generate_urllink"
    token = mp_client.access_token
    answer = http.post(url, params={"access_token": token}, json=body).json()

    assert answer["errcode"] == errcode


def test_fake_generate_urllink_needs_a_mini_program_token(http, fake_wechat):
    url = f"{fake_wechat.base_url}/wxa/generate_urllink"
    answer = http.post(url, params={"access_token": "nope"}, json={"path": ""}).json()

    assert answer["errcode"] == 40001
