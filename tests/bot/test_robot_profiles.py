"""The group robot renders a neutral message for the group's profile: WeCom members of an
internal group get cards and markdown, personal-WeChat members of an external group get text,
images and news opening the mini-program page, or the page in words when no link can be had."""

import json
import logging
from pathlib import Path

import pytest

from bot import pages
from bot.channels.robot import EXTERNAL_MSGTYPES, RobotChannel
from bot.urllinks import UrlLinkError, UrlLinks

MINIPROGRAM = Path(__file__).resolve().parents[2] / "miniprogram"
CARD = {
    "type": "card",
    "title": "停水通知",
    "subtitle": "业委会发布",
    "description": "明天 9 点到 12 点停水",
    "body": "明天 9 点到 12 点停水，请提前储水。",
    "fields": [["发布", "业委会"]],
    "page": "pages/notice/index?id=5",
}
TEXT = {
    "type": "text",
    "content": "【问题销号】阳光小区“消防通道堵塞”已整改完毕。",
    "page": "pages/estate-problems/index?estate_id=3",
}


class FailingLinks:
    def link(self, page: str) -> str:
        raise UrlLinkError("生成小程序链接失败：45009 reach max api daily quota limit")


@pytest.fixture
def robot(new_mp_client, redis_client, fake_wechat):
    links = UrlLinks(new_mp_client(), redis_client)
    yield RobotChannel(fake_wechat.base_url, "wx-test-app", links)
    for key in redis_client.scan_iter(match="linli:urllink:*"):
        redis_client.delete(key)


def test_an_internal_group_keeps_its_card_and_markdown(robot):
    parts = robot.prepare([CARD, {"type": "markdown", "content": "**公示**"}], "internal")

    assert [p["msgtype"] for p in parts] == ["template_card", "markdown"]
    assert parts[0]["template_card"]["card_action"]["pagepath"] == "pages/notice/index?id=5"


def test_an_external_group_gets_a_card_as_news_opening_its_page(robot, fake_wechat):
    [news] = robot.prepare([CARD], "external")

    assert news["msgtype"] == "news"
    [article] = news["news"]["articles"]
    assert article["title"] == "停水通知"
    assert article["description"] == "业委会发布\n明天 9 点到 12 点停水\n发布：业委会"
    opened = fake_wechat.app.extensions["fakewechat"].url_link(article["url"])
    assert (opened["path"], opened["query"]) == ("pages/notice/index", "id=5")


def test_an_external_group_gets_a_text_then_a_news_article_opening_its_page(robot):
    text, news = robot.prepare([TEXT], "external")

    assert text == {"msgtype": "text", "text": {"content": TEXT["content"]}}
    [article] = news["news"]["articles"]
    assert article["title"] == "在「邻里」小程序中查看“问题清单”"
    assert article["description"] == TEXT["content"]
    assert article["url"].startswith("https://wxaurl.cn/")


def test_without_a_link_the_page_is_named_in_words_and_the_failure_logged(caplog):
    robot = RobotChannel("http://127.0.0.1:9", "wx-test-app", FailingLinks())

    with caplog.at_level(logging.WARNING, logger="bot.channels.robot"):
        card, text = robot.prepare([CARD, TEXT], "external")

    assert card["msgtype"] == text["msgtype"] == "text"
    assert card["text"]["content"] == (
        "停水通知\n明天 9 点到 12 点停水，请提前储水。\n"
        "请在微信中打开「邻里」小程序的“公告详情”页面查看。"
    )
    assert text["text"]["content"] == (
        TEXT["content"] + "\n请在微信中打开「邻里」小程序的“问题清单”页面查看。"
    )
    assert caplog.text.count("45009") == 2


def test_an_external_group_gets_markdown_as_plain_text_and_images_as_they_are(robot):
    markdown = {
        "type": "markdown",
        "content": '## 公示\n**阳光小区**\n> 余额：<font color="info">¥1</font>',
    }
    parts = robot.prepare([markdown, {"type": "image", "storage_key": "a.png"}], "external")

    assert {p["msgtype"] for p in parts} <= EXTERNAL_MSGTYPES
    assert parts[0]["text"]["content"] == "公示\n阳光小区\n余额：¥1"
    assert parts[1] == {"msgtype": "image", "image": {"storage_key": "a.png"}}


def test_page_names_are_the_titles_the_mini_program_shows():
    listed = set(json.loads((MINIPROGRAM / "app.json").read_text(encoding="utf-8"))["pages"])
    for path, name in pages.PAGE_NAMES.items():
        assert path in listed
        page = json.loads((MINIPROGRAM / f"{path}.json").read_text(encoding="utf-8"))
        assert page["navigationBarTitleText"] == name, path
