"""The fake's page as a WeCom member: it signs and encrypts a real callback to a running Linli,
whose answer comes back to the same page."""

import threading

import pytest
from werkzeug.serving import make_server

from backend.extensions import db
from backend.outbox.models import OutboxMessage
from bot.delivery import deliver
from tests.bot.wecom_support import bind, replies_to


@pytest.fixture
def linli_url(app, fake_wechat_server):
    """Linli served over HTTP in a thread; the fake posts its callbacks there."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    cfg = app.config
    fake_wechat_server.app.config["MEMBER_CALLBACK"] = {
        "url": f"http://127.0.0.1:{server.server_port}/bot/wecom/callback",
        "token": cfg["WECOM_CALLBACK_TOKEN"],
        "aes_key": cfg["WECOM_CALLBACK_AES_KEY"],
        "corp_id": cfg["WECOM_CORP_ID"],
        "agent_id": cfg["WECOM_AGENT_ID"],
    }
    yield
    fake_wechat_server.app.config.pop("MEMBER_CALLBACK")
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


def test_a_message_typed_on_the_page_reaches_linli_and_its_answer_shows_there(
    linli_url, fake_wechat, http, run_jobs
):
    sent = http.post(
        fake_wechat.base_url + "/_fake/wecom-member/text",
        data={"userid": "zhangsan", "content": "帮助"},
        allow_redirects=False,
    )
    assert sent.status_code == 303
    assert run_jobs() == 1

    [reply] = replies_to(fake_wechat, "zhangsan")
    assert "投票" in reply
    page = http.get(fake_wechat.base_url + "/").text
    assert "以企业微信成员身份发消息" in page
    assert "帮助" in page and "回调失败" not in page


def test_a_vote_card_on_the_page_can_be_clicked_as_its_member(
    linli_url, vcast, votes, fake_wechat, http, run_jobs
):
    bind(vcast.owner, "zhangsan")
    motion = votes.opened(vcast.chair, vcast.estate.id)
    row = db.session.query(OutboxMessage).filter_by(topic="vote.card").one()
    deliver(row.id)
    page = http.get(fake_wechat.base_url + "/").text
    assert 'action="/_fake/wecom-member/click"' in page
    task_id = fake_wechat.messages("wecom-user:zhangsan")[0]["body"]["template_card"]["task_id"]

    http.post(
        fake_wechat.base_url + "/_fake/wecom-member/click",
        data={
            "userid": "zhangsan",
            "task_id": task_id,
            "question_key": f"motion-{motion['id']}",
            "option": "no",
        },
    )
    run_jobs()

    assert votes.get(vcast.owner, motion["id"]).json["my_ballot"]["choice"] == "no"
    assert replies_to(fake_wechat, "zhangsan")[0].startswith("投票成功")


def test_when_linli_is_not_running_the_page_says_so(fake_wechat_server, fake_wechat, http):
    fake_wechat_server.app.config["MEMBER_CALLBACK"] = {
        "url": "http://127.0.0.1:9/bot/wecom/callback",
        "token": "t",
        "aes_key": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
        "corp_id": "ww",
        "agent_id": 1,
    }
    try:
        http.post(
            fake_wechat.base_url + "/_fake/wecom-member/text",
            data={"userid": "zhangsan", "content": "帮助"},
        )
    finally:
        fake_wechat_server.app.config.pop("MEMBER_CALLBACK")

    assert "回调失败" in http.get(fake_wechat.base_url + "/").text


def test_the_member_form_needs_a_userid_and_content(fake_wechat, http):
    response = http.post(
        fake_wechat.base_url + "/_fake/wecom-member/text", data={"userid": "zhangsan"}
    )

    assert response.status_code == 400
