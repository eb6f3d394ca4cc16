"""bot.fakewechat over real HTTP: WeChat-shaped answers, recording and fault injection."""

import base64
import hashlib
import io

import pytest
from wechatpy.exceptions import WeChatClientException

from tests.ledger_support import png_bytes


@pytest.fixture
def url(fake_wechat):
    return lambda path: fake_wechat.base_url + path


@pytest.fixture
def mp_token(http, url):
    reply = http.get(
        url("/cgi-bin/token"),
        params={"grant_type": "client_credential", "appid": "wx1", "secret": "s"},
    ).json()
    assert reply["expires_in"] == 7200
    return reply["access_token"]


def send_subscribe(http, url, token):
    return http.post(
        url("/cgi-bin/message/subscribe/send"),
        params={"access_token": token},
        json={"touser": "abc", "template_id": "t1", "data": {"thing1": {"value": "投票开始"}}},
    ).json()


def robot(http, url, key, body):
    return http.post(url("/cgi-bin/webhook/send"), params={"key": key}, json=body).json()


def test_robot_webhook_messages_are_recorded_per_group(fake_wechat, http, url):
    robot(http, url, "estate-a", {"msgtype": "text", "text": {"content": "A 区公告"}})
    robot(http, url, "estate-b", {"msgtype": "markdown", "markdown": {"content": "**B 区**"}})
    robot(http, url, "estate-a", {"msgtype": "text", "text": {"content": "A 区提醒"}})

    group_a = fake_wechat.messages("robot:estate-a")
    assert [m["body"]["text"]["content"] for m in group_a] == ["A 区公告", "A 区提醒"]
    assert group_a[0]["msgtype"] == "text"
    assert group_a[0]["seq"] < group_a[1]["seq"]
    assert group_a[0]["received_at"].endswith("+00:00")
    assert [m["group"] for m in fake_wechat.messages()] == [
        "robot:estate-a",
        "robot:estate-b",
        "robot:estate-a",
    ]


def test_robot_answers_ok_in_wechat_shape(http, url):
    reply = robot(http, url, "k", {"msgtype": "text", "text": {"content": "hi"}})

    assert reply == {"errcode": 0, "errmsg": "ok"}


@pytest.mark.parametrize(
    ("body", "errcode"),
    [
        ({"text": {"content": "no msgtype"}}, 40008),
        ({"msgtype": "sticker", "sticker": {}}, 40008),
        ({"msgtype": "text", "text": {"content": "  "}}, 44004),
        ({"msgtype": "markdown"}, 44004),
        ({"msgtype": "template_card", "template_card": {"main_title": {"title": "x"}}}, 40058),
        ({"msgtype": "news", "news": {"articles": []}}, 40058),
        ({"msgtype": "news", "news": {"articles": [{"title": "停水"}]}}, 40058),
        ({"msgtype": "news", "news": {"articles": [{"url": "https://wxaurl.cn/a"}]}}, 40058),
        (
            {"msgtype": "news", "news": {"articles": [{"title": "停" * 43, "url": "https://a"}]}},
            40058,
        ),
    ],
)
def test_robot_rejects_malformed_messages_without_recording(fake_wechat, http, url, body, errcode):
    assert robot(http, url, "k", body)["errcode"] == errcode
    assert fake_wechat.messages() == []


def test_robot_rejects_non_json_body(http, url):
    reply = http.post(url("/cgi-bin/webhook/send"), params={"key": "k"}, data=b"not json").json()

    assert reply["errcode"] == 47001


def test_unknown_access_token_gets_40001(http, url):
    assert send_subscribe(http, url, "made-up-token")["errcode"] == 40001


def test_missing_access_token_gets_41001(http, url):
    assert send_subscribe(http, url, "")["errcode"] == 41001


def test_valid_token_sends_and_expire_tokens_makes_it_42001(fake_wechat, http, url, mp_token):
    assert send_subscribe(http, url, mp_token)["errcode"] == 0

    assert fake_wechat.expire_tokens() == 1

    assert send_subscribe(http, url, mp_token)["errcode"] == 42001
    assert len(fake_wechat.messages("subscribe:abc")) == 1


def test_jscode2session_rejects_codes_without_fake_prefix(http, url):
    reply = http.get(
        url("/sns/jscode2session"),
        params={
            "appid": "wx1",
            "secret": "s",
            "js_code": "abc",
            "grant_type": "authorization_code",
        },
    ).json()

    assert reply == {"errcode": 40029, "errmsg": "invalid code"}


def test_wecom_gettoken_answers_with_errcode_zero(http, url):
    reply = http.get(url("/cgi-bin/gettoken"), params={"corpid": "ww", "corpsecret": "s"}).json()

    assert reply["errcode"] == 0
    assert reply["access_token"]


def test_appchat_send_to_unknown_chat_gets_86003(http, url):
    token = http.get(url("/cgi-bin/gettoken"), params={"corpid": "ww", "corpsecret": "s"}).json()[
        "access_token"
    ]
    reply = http.post(
        url("/cgi-bin/appchat/send"),
        params={"access_token": token},
        json={"chatid": "nope", "msgtype": "text", "text": {"content": "hi"}},
    ).json()

    assert reply["errcode"] == 86003


def test_fault_applies_to_next_n_matching_calls_only(http, url, fake_wechat):
    fake_wechat.inject("rate_limit", count=2, paths=["/cgi-bin/webhook/"])
    body = {"msgtype": "text", "text": {"content": "hi"}}

    codes = [robot(http, url, "k", body)["errcode"] for _ in range(3)]

    assert codes == [45009, 45009, 0]
    assert len(fake_wechat.messages("robot:k")) == 1


def test_fault_with_paths_leaves_other_paths_alone(http, url, fake_wechat, mp_token):
    fake_wechat.inject("invalid_token", paths=["/cgi-bin/webhook/"])

    assert send_subscribe(http, url, mp_token)["errcode"] == 0
    assert robot(http, url, "k", {"msgtype": "text", "text": {"content": "x"}})["errcode"] == 40001


def test_http_500_fault_answers_a_plain_server_error(http, url, fake_wechat):
    fake_wechat.inject("http_500")

    response = http.post(url("/cgi-bin/webhook/send"), params={"key": "k"}, json={})

    assert response.status_code == 500


def test_calls_are_counted_per_path_including_faulted_ones(http, url, fake_wechat):
    fake_wechat.inject("http_500")
    for _ in range(2):
        http.post(url("/cgi-bin/webhook/send"), params={"key": "k"}, json={})

    assert fake_wechat.calls() == {"/cgi-bin/webhook/send": 2}


def test_bad_fault_request_is_refused(http, url):
    response = http.post(url("/_fake/faults"), json={"kind": "meteor", "count": 1})

    assert response.status_code == 400


def test_reset_clears_messages_calls_faults_and_tokens(http, url, fake_wechat, mp_token):
    robot(http, url, "k", {"msgtype": "text", "text": {"content": "x"}})
    fake_wechat.inject("http_500", count=5)

    fake_wechat.reset()

    assert fake_wechat.messages() == []
    assert fake_wechat.calls() == {}
    assert http.get(url("/_fake/faults")).json() == {"faults": []}
    assert send_subscribe(http, url, mp_token)["errcode"] == 40001


def _image(picture: bytes, md5: str | None = None) -> dict:
    section = {
        "base64": base64.b64encode(picture).decode(),
        "md5": md5 or hashlib.md5(picture).hexdigest(),
    }
    return {"msgtype": "image", "image": section}


@pytest.mark.parametrize(
    "body, errcode",
    [
        (_image(png_bytes(), md5="0" * 32), 40058),  # MD5 of other bytes
        (_image(b"GIF89a not a jpg or png"), 40058),
        (_image(b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024)), 40009),  # over 2 MB
        ({"msgtype": "image", "image": {"base64": "**not base64**", "md5": "x"}}, 40058),
    ],
)
def test_robot_refuses_an_image_that_is_not_a_jpg_or_png_within_2_mb(
    fake_wechat, http, url, body, errcode
):
    assert robot(http, url, "k", body)["errcode"] == errcode
    assert fake_wechat.messages() == []


def test_robot_keeps_a_good_image_for_the_page(fake_wechat, http, url):
    picture = png_bytes()
    assert robot(http, url, "k", _image(picture))["errcode"] == 0
    served = http.get(url(f"/_fake/media/{hashlib.md5(picture).hexdigest()}"))
    assert (served.status_code, served.content) == (200, picture)


def test_an_app_chat_image_needs_media_uploaded_first(fake_wechat, wecom):
    chat = wecom.appchat.create(name="监督群", owner="zhang", user_list=["zhang", "li"])["chatid"]
    with pytest.raises(WeChatClientException) as refused:
        wecom.appchat.send(chat, "image", media_id="never-uploaded")
    assert refused.value.errcode == 40007

    uploaded = wecom.media.upload("image", ("p.png", io.BytesIO(png_bytes())))
    wecom.appchat.send(chat, "image", media_id=uploaded["media_id"])

    [message] = fake_wechat.messages(f"appchat:{chat}")
    assert message["body"]["image"] == {"media_id": uploaded["media_id"]}
    with pytest.raises(WeChatClientException) as refused:
        wecom.media.upload("image", ("p.txt", io.BytesIO(b"plain text")))
    assert refused.value.errcode == 40005
