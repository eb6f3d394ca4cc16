"""The WeCom callback: signature, freshness, replay and duplicate checks, and the quick answer
that leaves the work to a job. The test is WeCom's server (wechatpy's own crypto)."""

import io
import time

import pytest

from backend.extensions import redis_holder
from bot import callback
from tests.bot.wecom_support import fixture_xml, queued, replies_to


def test_url_verification_answers_the_decrypted_echostr(wecom_server):
    response = wecom_server.verify_url("8317420956183724")

    assert response.status_code == 200
    assert response.get_data(as_text=True) == "8317420956183724"


def test_url_verification_with_a_bad_signature_is_403(wecom_server):
    response = wecom_server.verify_url("8317420956183724", token="not-our-token")

    assert response.status_code == 403
    assert response.json["error"]["code"] == "bad_signature"
    assert "签名" in response.json["error"]["message"]


def test_url_verification_encrypted_for_another_corp_is_403(wecom_server):
    echostr = wecom_server.encrypt("123", corp_id="ww-someone-else")
    query = wecom_server.query(echostr)

    response = wecom_server.client.get(
        "/bot/wecom/callback", query_string={**query, "echostr": echostr}
    )

    assert response.status_code == 403


def test_forged_signature_is_403_and_nothing_is_queued(wecom_server):
    response = wecom_server.post(
        fixture_xml("text_message", **wecom_server.fields(sender="zhangsan", content="帮助")),
        signature="0" * 40,
    )

    assert response.status_code == 403
    assert response.json["error"]["code"] == "bad_signature"
    assert queued() == 0


def test_signature_is_compared_in_constant_time(wecom_server, monkeypatch):
    compared = []
    real = callback.hmac.compare_digest

    def spy(a, b):
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(callback.hmac, "compare_digest", spy)

    assert wecom_server.text("zhangsan", "帮助").status_code == 200
    assert len(compared) == 1


def test_a_replayed_request_is_403(wecom_server):
    xml = fixture_xml("text_message", **wecom_server.fields(sender="zhangsan", content="帮助"))
    encrypted = wecom_server.encrypt(xml)
    query = {"timestamp": int(time.time()), "nonce": "n-0001"}

    first = wecom_server.post_encrypted(encrypted, **query)
    again = wecom_server.post_encrypted(encrypted, **query)

    assert first.status_code == 200
    assert again.status_code == 403
    assert again.json["error"]["code"] == "replayed_request"
    assert queued() == 1


@pytest.mark.parametrize("offset", [-301, 301, -3600], ids=["old", "future", "hour-old"])
def test_a_timestamp_more_than_300_seconds_away_is_403(wecom_server, offset):
    xml = fixture_xml("text_message", **wecom_server.fields(sender="zhangsan", content="帮助"))

    response = wecom_server.post(xml, timestamp=int(time.time()) + offset)

    assert response.status_code == 403
    assert response.json["error"]["code"] == "stale_request"
    assert queued() == 0


def test_a_timestamp_within_300_seconds_is_accepted(wecom_server):
    xml = fixture_xml("text_message", **wecom_server.fields(sender="zhangsan", content="帮助"))

    assert wecom_server.post(xml, timestamp=int(time.time()) - 250).status_code == 200


def test_a_timestamp_that_is_not_a_number_is_403(wecom_server):
    xml = fixture_xml("text_message", **wecom_server.fields(sender="zhangsan", content="帮助"))

    assert wecom_server.post(xml, timestamp="yesterday").status_code == 403


def test_a_message_answers_at_once_with_an_empty_200_and_leaves_the_work_to_a_job(
    wecom_server, fake_wechat, run_jobs
):
    response = wecom_server.text("zhangsan", "帮助")

    assert response.status_code == 200
    assert response.get_data(as_text=True) == ""
    # Nothing was sent to WeCom while the callback was answering.
    assert fake_wechat.calls() == {}
    assert queued() == 1

    assert run_jobs() == 1
    [reply] = replies_to(fake_wechat, "zhangsan")
    assert "投票" in reply and "绑定" in reply


def test_the_same_msgid_twice_is_handled_once(wecom_server, fake_wechat, run_jobs):
    first = wecom_server.text("zhangsan", "帮助", msg_id=7300000000000000999)
    retry = wecom_server.text("zhangsan", "帮助", msg_id=7300000000000000999)

    assert (first.status_code, retry.status_code) == (200, 200)
    assert run_jobs() == 1
    assert len(replies_to(fake_wechat, "zhangsan")) == 1


def test_the_same_card_click_twice_is_handled_once(wecom_server, run_jobs):
    for _ in range(2):
        response = wecom_server.click("zhangsan", 12, "yes", task_id="motion-12-u-3")
        assert response.status_code == 200

    assert queued() == 1


def test_clicks_on_two_different_cards_are_both_handled(wecom_server):
    wecom_server.click("zhangsan", 12, "yes", task_id="motion-12-u-3")
    wecom_server.click("zhangsan", 13, "yes", task_id="motion-13-u-3")

    assert queued() == 2


@pytest.mark.parametrize("fixture", ["enter_agent", "template_card_event_button"])
def test_unsupported_events_are_answered_and_ignored(wecom_server, fixture):
    response = wecom_server.send(fixture, sender="zhangsan", task_id="confirm-1")

    assert response.status_code == 200
    assert queued() == 0


@pytest.mark.parametrize(
    "plain",
    [
        "this is not xml",
        "<xml><MsgType>text</MsgType><Content>no sender</Content></xml>",
        "<xml><FromUserName>zhangsan</FromUserName><MsgType>text</MsgType></xml>",
        "<xml><FromUserName>zhangsan</FromUserName><MsgType>event</MsgType>"
        "<Event>template_card_event</Event><CardType>vote_interaction</CardType></xml>",
    ],
    ids=["not-xml", "no-sender", "text-without-msgid", "card-without-taskid"],
)
def test_signed_but_anomalous_payloads_are_answered_200_and_ignored(wecom_server, plain):
    response = wecom_server.post(plain)

    assert response.status_code == 200
    assert queued() == 0


def test_a_message_encrypted_for_another_corp_is_answered_and_ignored(wecom_server):
    xml = fixture_xml("text_message", **wecom_server.fields(sender="zhangsan", content="帮助"))

    response = wecom_server.post_encrypted(wecom_server.encrypt(xml, corp_id="ww-someone-else"))

    assert response.status_code == 200
    assert queued() == 0


def test_a_body_that_is_not_wecom_xml_is_400_with_the_error_envelope(wecom_server):
    response = wecom_server.client.post(
        "/bot/wecom/callback",
        query_string=wecom_server.query("x"),
        data=b"{not xml}",
        content_type="text/xml",
    )

    assert response.status_code == 400
    assert response.json["error"]["code"] == "malformed_callback"
    assert response.json["error"]["message"] == "回调消息格式不正确"


def test_an_oversized_body_is_413(wecom_server):
    response = wecom_server.client.post(
        "/bot/wecom/callback",
        query_string=wecom_server.query("x"),
        data=b"<xml>" + b" " * (70 * 1024) + b"</xml>",
        content_type="text/xml",
    )

    assert response.status_code == 413


class _Endless(io.RawIOBase):
    """A chunked body as a de-chunking server hands it on: no Content-Length, counted as read."""

    def __init__(self, size: int):
        self.left, self.read_bytes = size, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.left)
        buffer[:n] = b" " * n
        self.left -= n
        self.read_bytes += n
        return n


@pytest.mark.parametrize("terminated", [True, False], ids=["server de-chunks", "raw stream"])
def test_a_chunked_5_mb_body_is_413_without_being_read_or_parsed(
    wecom_server, monkeypatch, terminated
):
    parsed = []
    monkeypatch.setattr(callback.xmltodict, "parse", lambda *a, **k: parsed.append(a))
    body = _Endless(5 * 1024 * 1024)
    environ = {"wsgi.input": body, "HTTP_TRANSFER_ENCODING": "chunked"}
    if terminated:
        environ["wsgi.input_terminated"] = True

    response = wecom_server.client.post(
        "/bot/wecom/callback",
        query_string=wecom_server.query("x"),
        content_type="text/xml",
        environ_overrides=environ,
    )

    if terminated:
        assert response.status_code == 413
        assert response.json["error"]["code"] == "payload_too_large"
        assert body.read_bytes <= callback.MAX_BODY_BYTES + 64 * 1024  # one buffer past the cap
        assert parsed == []
    else:
        # Without a length or a server that ends the stream, Werkzeug reads nothing at all.
        assert response.status_code == 400 and body.read_bytes == 0


def test_a_chunked_body_within_the_cap_is_handled(wecom_server):
    encrypted = wecom_server.encrypt(
        fixture_xml("text_message", **wecom_server.fields(sender="u1", content="你好"))
    )
    data = f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>".encode()

    response = wecom_server.client.post(
        "/bot/wecom/callback",
        query_string=wecom_server.query(encrypted),
        content_type="text/xml",
        environ_overrides={
            "wsgi.input": io.BytesIO(data),
            "wsgi.input_terminated": True,
            "HTTP_TRANSFER_ENCODING": "chunked",
        },
    )

    assert response.status_code == 200
    assert queued() == 1


def test_when_the_job_cannot_be_queued_a_retry_from_wecom_still_gets_through(
    wecom_server, monkeypatch
):
    def redis_down(event):
        raise ConnectionError("redis down")

    monkeypatch.setattr(callback, "_dispatch", redis_down)
    failed = wecom_server.text("zhangsan", "帮助", msg_id=7300000000000000777)
    monkeypatch.undo()
    retried = wecom_server.text("zhangsan", "帮助", msg_id=7300000000000000777)

    assert failed.status_code == 500
    assert retried.status_code == 200
    assert queued() == 1


def test_without_redis_the_embedded_default_checks_and_handles_in_process(
    app, wecom_server, fake_wechat, monkeypatch
):
    monkeypatch.setattr(redis_holder, "client", None)
    monkeypatch.setitem(app.extensions, "linli_wecom_seen", callback.SeenKeys(None))
    xml = fixture_xml("text_message", **wecom_server.fields(sender="lisi", content="帮助"))
    encrypted = wecom_server.encrypt(xml)
    query = {"timestamp": int(time.time()), "nonce": "embedded-1"}

    first = wecom_server.post_encrypted(encrypted, **query)
    replayed = wecom_server.post_encrypted(encrypted, **query)
    callback.inline_executor(app).submit(lambda: None).result(timeout=10)  # drain

    assert (first.status_code, replayed.status_code) == (200, 403)
    assert len(replies_to(fake_wechat, "lisi")) == 1
