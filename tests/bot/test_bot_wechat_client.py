"""bot.wechat: real wechatpy clients, pointed at the fake server over HTTP."""

import threading

import pytest
from wechatpy.exceptions import WeChatClientException

from bot.tokens import KEY_PREFIX, TokenManager
from bot.wechat import (
    LoginCodeInvalid,
    WeChatError,
    WeChatUnavailable,
    code_to_session,
    wechat_client,
)


def test_code_to_session_returns_openid_for_fake_code(mp_client):
    result = code_to_session(mp_client, "fake:abc")

    assert result["openid"] == "abc"
    assert result["unionid"] == "union-abc"
    assert result["session_key"]


def test_access_token_is_fetched_from_fake_server_once_and_reused(fake_wechat, mp_client):
    code_to_session(mp_client, "fake:abc")
    code_to_session(mp_client, "fake:def")

    calls = fake_wechat.calls()
    assert calls["/cgi-bin/token"] == 1
    assert calls["/sns/jscode2session"] == 2


def test_bad_login_code_raises_login_code_invalid(mp_client):
    with pytest.raises(LoginCodeInvalid) as info:
        code_to_session(mp_client, "not-a-fake-code")

    assert info.value.errcode == 40029
    assert isinstance(info.value, WeChatError)


def test_empty_login_code_is_rejected_without_calling_wechat(fake_wechat, mp_client):
    with pytest.raises(LoginCodeInvalid):
        code_to_session(mp_client, "")

    assert fake_wechat.calls() == {}


def test_http_500_raises_wechat_unavailable(fake_wechat, mp_client):
    fake_wechat.inject("http_500", paths=["/sns/jscode2session"])

    with pytest.raises(WeChatUnavailable) as info:
        code_to_session(mp_client, "fake:abc")

    assert info.value.errcode is None
    assert "500" in str(info.value)


def test_http_500_on_token_fetch_raises_wechat_unavailable(fake_wechat, mp_client):
    fake_wechat.inject("http_500", paths=["/cgi-bin/token"])

    with pytest.raises(WeChatUnavailable):
        code_to_session(mp_client, "fake:abc")


def test_rate_limit_raises_wechat_unavailable_with_errcode(fake_wechat, mp_client):
    fake_wechat.inject("rate_limit", paths=["/sns/jscode2session"])

    with pytest.raises(WeChatUnavailable) as info:
        code_to_session(mp_client, "fake:abc")

    assert info.value.errcode == 45009


def test_unreachable_server_raises_wechat_unavailable():
    # Port 9 (discard) on loopback is closed on any sane test machine.
    client = wechat_client("wx-test-app", "test-secret", api_base="http://127.0.0.1:9", timeout=2)

    with pytest.raises(WeChatUnavailable):
        code_to_session(client, "fake:abc")


def test_slow_reply_beyond_timeout_raises_wechat_unavailable(fake_wechat):
    client = wechat_client("wx-test-app", "test-secret", api_base=fake_wechat.base_url, timeout=0.3)
    fake_wechat.inject("slow", delay_seconds=1, paths=["/cgi-bin/token"])

    with pytest.raises(WeChatUnavailable):
        code_to_session(client, "fake:abc")


def test_expired_token_is_refreshed_once_and_the_call_retried(fake_wechat, mp_client):
    code_to_session(mp_client, "fake:abc")
    fake_wechat.inject("token_expired", paths=["/sns/jscode2session"])

    assert code_to_session(mp_client, "fake:abc")["openid"] == "abc"
    assert fake_wechat.calls()["/cgi-bin/token"] == 2


def test_token_rejected_again_after_refresh_fails_instead_of_recursing(fake_wechat, mp_client):
    fake_wechat.inject("invalid_token", count=50, paths=["/sns/jscode2session"])

    with pytest.raises(WeChatUnavailable) as info:
        code_to_session(mp_client, "fake:abc")

    assert info.value.errcode == 40001
    calls = fake_wechat.calls()
    assert calls["/cgi-bin/token"] == 2
    assert calls["/sns/jscode2session"] == 2


def test_subscribe_message_is_sent_through_wxa_group(fake_wechat, mp_client):
    mp_client.wxa.send_subscribe_message(
        "abc", "tmpl-1", {"thing1": {"value": "业主大会投票"}}, page="pages/vote/index?id=7"
    )

    [message] = fake_wechat.messages("subscribe:abc")
    assert message["body"]["page"] == "pages/vote/index?id=7"


def test_wecom_app_chat_is_created_and_receives_text(fake_wechat, wecom):
    chatid = wecom.appchat.create(name="阳光小区监督群", owner="zhang", user_list=["zhang", "li"])[
        "chatid"
    ]
    wecom.appchat.send_text(chatid, "本周维修基金公示已发布")

    [message] = fake_wechat.messages(f"appchat:{chatid}")
    assert message["msgtype"] == "text"
    assert message["body"]["text"]["content"] == "本周维修基金公示已发布"
    assert fake_wechat.calls()["/cgi-bin/gettoken"] == 1


def test_wecom_app_message_is_recorded_per_user(fake_wechat, wecom):
    wecom.message.send_text(1000002, ["zhang", "li"], "请为电梯更换方案投票")

    assert len(fake_wechat.messages("wecom-user:zhang")) == 1
    assert len(fake_wechat.messages("wecom-user:li")) == 1


def test_wecom_token_is_not_accepted_by_mini_program_endpoints(fake_wechat, wecom, http):
    token = wecom.access_token
    response = http.post(
        f"{fake_wechat.base_url}/cgi-bin/message/subscribe/send",
        params={"access_token": token},
        json={"touser": "abc", "template_id": "t", "data": {"k": {"value": "v"}}},
    )

    assert response.json()["errcode"] == 40001


# -- access tokens shared through Redis ---------------------------------------------------


def create_chat(wecom) -> str:
    return wecom.appchat.create(name="阳光小区监督群", owner="zhang", user_list=["zhang", "li"])[
        "chatid"
    ]


def send_subscribe(mp_client, openid: str = "abc") -> None:
    mp_client.wxa.send_subscribe_message(openid, "tmpl-1", {"thing1": {"value": "业主大会投票"}})


def test_workers_sharing_redis_fetch_one_token(fake_wechat, new_mp_client):
    send_subscribe(new_mp_client(), "abc")
    send_subscribe(new_mp_client(), "def")

    assert fake_wechat.calls()["/cgi-bin/token"] == 1
    assert len(fake_wechat.messages("subscribe:def")) == 1


def test_many_workers_starting_at_once_fetch_one_token(fake_wechat, new_wecom):
    clients = [new_wecom() for _ in range(8)]
    start = threading.Barrier(len(clients))
    tokens = []

    def first_call(client):
        start.wait()
        tokens.append(client.access_token)

    threads = [threading.Thread(target=first_call, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert len(tokens) == 8
    assert len(set(tokens)) == 1
    assert fake_wechat.calls()["/cgi-bin/gettoken"] == 1


def test_wecom_token_key_names_the_app_without_its_secret(new_wecom, redis_client):
    assert new_wecom().access_token

    [key] = [k.decode() for k in redis_client.scan_iter(match=KEY_PREFIX + "*")]
    assert key.startswith(KEY_PREFIX + "wecom:ww-test-corp:")
    assert "test-corp-secret" not in key


def test_invalid_token_on_app_chat_send_is_refreshed_once_and_sent(fake_wechat, new_wecom):
    wecom = new_wecom()
    chatid = create_chat(wecom)
    fake_wechat.inject("invalid_token", 1, paths=["/cgi-bin/appchat/send"])

    wecom.appchat.send_text(chatid, "本周维修基金公示已发布")

    assert len(fake_wechat.messages(f"appchat:{chatid}")) == 1
    calls = fake_wechat.calls()
    assert calls["/cgi-bin/gettoken"] == 2
    assert calls["/cgi-bin/appchat/send"] == 2


def test_invalid_token_on_subscribe_message_is_refreshed_once_and_sent(fake_wechat, new_mp_client):
    fake_wechat.inject("invalid_token", 1, paths=["/cgi-bin/message/subscribe/send"])

    send_subscribe(new_mp_client())

    assert len(fake_wechat.messages("subscribe:abc")) == 1
    calls = fake_wechat.calls()
    assert calls["/cgi-bin/token"] == 2
    assert calls["/cgi-bin/message/subscribe/send"] == 2


def test_token_rejected_twice_raises_after_a_single_retry(fake_wechat, new_wecom):
    wecom = new_wecom()
    chatid = create_chat(wecom)
    # A third attempt would succeed, so only a client that stops after one retry raises.
    fake_wechat.inject("invalid_token", 2, paths=["/cgi-bin/appchat/send"])

    with pytest.raises(WeChatClientException) as info:
        wecom.appchat.send_text(chatid, "本周维修基金公示已发布")

    assert info.value.errcode == 40001
    assert fake_wechat.messages(f"appchat:{chatid}") == []
    calls = fake_wechat.calls()
    assert calls["/cgi-bin/gettoken"] == 2
    assert calls["/cgi-bin/appchat/send"] == 2


def test_sending_goes_on_after_tokens_expire_with_one_refresh(fake_wechat, new_wecom):
    wecom = new_wecom()
    chatid = create_chat(wecom)
    fake_wechat.expire_tokens()

    wecom.appchat.send_text(chatid, "第一条")
    new_wecom().appchat.send_text(chatid, "第二条")

    assert len(fake_wechat.messages(f"appchat:{chatid}")) == 2
    calls = fake_wechat.calls()
    assert calls["/cgi-bin/gettoken"] == 2
    assert calls["/cgi-bin/appchat/send"] == 3


def test_worker_holding_a_replaced_token_uses_the_new_one_without_fetching(fake_wechat, new_wecom):
    worker_a, worker_b = new_wecom(), new_wecom()
    chatid = create_chat(worker_a)
    old = worker_b.access_token
    fake_wechat.expire_tokens()
    worker_a.appchat.send_text(chatid, "第一条")

    # Worker B read the old token before A replaced it, and WeChat rejects it.
    assert worker_b.tokens.refresh(rejected=old) == worker_a.access_token
    assert fake_wechat.calls()["/cgi-bin/gettoken"] == 2


def waiting_briefly(client, redis_client):
    """``client`` with a short lock wait, so the test is quick; the default outlasts a slow
    token fetch."""
    client.tokens = TokenManager(client.tokens.name, client.tokens.fetch, redis_client, wait=0.3)
    return client


def hold_refresh_lock(redis_client, name: str):
    lock = redis_client.lock(KEY_PREFIX + name + ":lock", timeout=10)
    assert lock.acquire(blocking=False)
    return lock


def test_login_while_another_worker_holds_the_refresh_lock_is_unavailable(
    fake_wechat, new_mp_client, redis_client
):
    client = waiting_briefly(new_mp_client(), redis_client)
    other = hold_refresh_lock(redis_client, client.tokens.name)

    with pytest.raises(WeChatUnavailable):
        code_to_session(client, "fake:abc")

    other.release()
    assert fake_wechat.calls() == {}


def test_send_while_another_worker_holds_the_refresh_lock_is_unavailable(
    fake_wechat, new_wecom, redis_client
):
    wecom = new_wecom()
    chatid = create_chat(wecom)
    fake_wechat.expire_tokens()
    wecom = waiting_briefly(wecom, redis_client)
    other = hold_refresh_lock(redis_client, wecom.tokens.name)

    with pytest.raises(WeChatUnavailable):
        wecom.appchat.send_text(chatid, "本周维修基金公示已发布")

    other.release()
    assert fake_wechat.calls()["/cgi-bin/gettoken"] == 1
    assert fake_wechat.messages(f"appchat:{chatid}") == []
