"""The fake server's HTML page and the serve_in_thread helper."""

import base64
import hashlib

import requests

from bot.fakewechat.testing import serve_in_thread
from tests.ledger_support import png_bytes


def post_robot(http, fake, body, key="estate-a"):
    http.post(f"{fake.base_url}/cgi-bin/webhook/send", params={"key": key}, json=body)


def test_page_shows_recorded_message_and_escapes_html(fake_wechat, http):
    post_robot(
        http,
        fake_wechat,
        {"msgtype": "text", "text": {"content": "<script>alert(1)</script>维修公示"}},
    )

    page = http.get(fake_wechat.base_url + "/")

    assert page.status_code == 200
    assert "text/html" in page.headers["Content-Type"]
    assert "维修公示" in page.text
    assert "群机器人：estate-a" in page.text
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_markdown_is_drawn_as_wecom_draws_it_and_text_stays_as_typed(fake_wechat, http):
    content = (
        '## 账目公示\n**凤城花园** 2026年10月\n> 期末余额：<font color="info">¥3,600.00</font>\n'
        "[查看明细](https://example.com/p?a=1&b=2) `abc` <script>alert(1)</script>"
    )
    post_robot(http, fake_wechat, {"msgtype": "markdown", "markdown": {"content": content}})
    post_robot(http, fake_wechat, {"msgtype": "text", "text": {"content": "**不是加粗**"}})

    page = http.get(fake_wechat.base_url + "/").text

    assert '<strong class="h2">账目公示</strong>' in page
    assert "<strong>凤城花园</strong> 2026年10月" in page
    assert '<span class="quote">期末余额：<span class="font-info">¥3,600.00</span></span>' in page
    assert '<a href="https://example.com/p?a=1&amp;b=2"' in page and ">查看明细</a>" in page
    assert "<code>abc</code>" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "**不是加粗**" in page  # a text message is shown as typed


def test_page_shows_card_title_description_and_mini_program_page(fake_wechat, http):
    card = {
        "card_type": "text_notice",
        "main_title": {"title": "电梯更换方案投票", "desc": "截止 12 月 1 日"},
        "card_action": {"type": 2, "appid": "wx1", "pagepath": "pages/vote/index?id=7"},
    }
    post_robot(http, fake_wechat, {"msgtype": "template_card", "template_card": card})

    text = http.get(fake_wechat.base_url + "/").text

    assert "电梯更换方案投票" in text
    assert "截止 12 月 1 日" in text
    assert "pages/vote/index?id=7" in text


def test_page_refreshes_itself_and_says_when_empty(fake_wechat, http):
    text = http.get(fake_wechat.base_url + "/").text

    assert 'http-equiv="refresh" content="3"' in text
    assert "暂无消息" in text


def test_serve_in_thread_stops_serving_on_exit():
    with serve_in_thread() as fake:
        base_url = fake.base_url
        assert fake.messages() == []
        assert fake.app.extensions["fakewechat"] is not None

    session = requests.Session()
    session.trust_env = False
    try:
        session.get(base_url + "/_fake/calls", timeout=2)
    except requests.ConnectionError:
        pass
    else:
        raise AssertionError("server still answering after the context exited")


def test_page_renders_news_textcard_notice_and_subscribe_messages(fake_wechat, http, wecom):
    article = {"title": "维修基金公示", "description": "10 月收支", "url": "https://example.org/a"}
    post_robot(http, fake_wechat, {"msgtype": "news", "news": {"articles": [article]}})
    picture = png_bytes()
    image = {"base64": base64.b64encode(picture).decode(), "md5": hashlib.md5(picture).hexdigest()}
    post_robot(http, fake_wechat, {"msgtype": "image", "image": image})
    chatid = wecom.appchat.create(name="监督群", owner="zhang", user_list=["zhang", "li"])["chatid"]
    wecom.appchat.send(chatid, "textcard", title="停水通知", description="周六 9-12 点", url="u")
    notice = {"appid": "wx1", "page": "pages/report/index", "title": "随手拍已受理"}
    wecom.message.send(
        1000002, ["zhang"], msg={"msgtype": "miniprogram_notice", "miniprogram_notice": notice}
    )
    mp = fake_wechat.base_url
    token = http.get(
        f"{mp}/cgi-bin/token",
        params={"grant_type": "client_credential", "appid": "a", "secret": "b"},
    ).json()["access_token"]
    http.post(
        f"{mp}/cgi-bin/message/subscribe/send",
        params={"access_token": token},
        json={"touser": "abc", "template_id": "tmpl-vote", "data": {"thing1": {"value": "电梯"}}},
    )

    text = http.get(fake_wechat.base_url + "/").text

    for expected in (
        "维修基金公示",
        f'<img class="picture" src="/_fake/media/{image["md5"]}"',
        "停水通知",
        "监督群",
        "随手拍已受理",
        "pages/report/index",
        "订阅消息 tmpl-vote",
        "thing1：电梯",
    ):
        assert expected in text


def test_named_group_shows_its_estate_name_even_before_any_message(fake_wechat, http):
    fake_wechat.name_group("robot:estate-b", "阳光小区监督群")

    text = http.get(fake_wechat.base_url + "/").text
    assert "群机器人：阳光小区监督群" in text
    assert "群里还没有消息" in text

    post_robot(http, fake_wechat, {"msgtype": "text", "text": {"content": "停水通知"}}, "estate-b")
    text = http.get(fake_wechat.base_url + "/").text
    assert "停水通知" in text and "群里还没有消息" not in text


def test_naming_a_group_needs_kind_address_and_name(fake_wechat, http):
    for body in ({"group": "nokind", "name": "x"}, {"group": "robot:k"}, []):
        response = http.post(fake_wechat.base_url + "/_fake/groups", json=body)
        assert response.status_code == 400


def test_an_external_group_shows_what_personal_wechat_members_see(fake_wechat, http):
    fake_wechat.name_group("robot:outside", "阳光小区业主群", profile="external")
    fake_wechat.name_group("robot:inside", "阳光小区业委会群", profile="internal")
    for key in ("outside", "inside"):
        post_robot(
            http, fake_wechat, {"msgtype": "markdown", "markdown": {"content": "**公示**"}}, key
        )
        post_robot(http, fake_wechat, {"msgtype": "text", "text": {"content": "停水通知"}}, key)

    page = http.get(fake_wechat.base_url + "/").text
    # Named groups are drawn in the order they were named: the external one first.
    outside, inside = page.split("群机器人：阳光小区业委会群")

    assert "外部群：按个人微信成员所见显示" in outside
    assert outside.count("个人微信成员看不到此消息") == 1  # the markdown, not the text
    assert "个人微信成员看不到此消息" not in inside


def test_a_news_link_shows_the_mini_program_page_it_opens(fake_wechat, http, mp_client):
    answer = mp_client.post(
        "wxa/generate_urllink",
        data={
            "path": "pages/notice/index",
            "query": "id=5",
            "expire_type": 1,
            "expire_interval": 30,
        },
        api_base_url=mp_client.wxa.API_BASE_URL,
    )
    article = {"title": "停水通知", "description": "明天停水", "url": answer["url_link"]}
    post_robot(http, fake_wechat, {"msgtype": "news", "news": {"articles": [article]}}, "outside")

    page = http.get(fake_wechat.base_url + "/").text
    assert "小程序页面：pages/notice/index?id=5" in page
    assert answer["url_link"] in page
