"""WeCom group robot (群机器人) webhook: send-only, 20 messages a minute per robot.

wechatpy has no helper for it: a thin wrapper over urllib3, which requests is built on. A
county notice is a send per group, and requests' own layer cost half again as much CPU as
the send itself (bench/delivery.py).

What a robot may post depends on who is in the group (its profile). WeCom members of an
internal group see cards and markdown; personal-WeChat members of an external group (客户群)
see only text, images and news (图文), so there a card becomes a news article whose link is a
mini-program URL Link, and markdown becomes plain text (WECHAT.md).
"""

import logging
import re
from urllib.parse import urlencode

import urllib3

from backend.common.text import excerpt
from backend.group_chats.models import GroupProfile
from bot import pages
from bot.urllinks import UrlLinkError, UrlLinks

from . import images
from .base import (
    THROTTLE_ERRCODES,
    THROTTLE_SECONDS,
    DeliveryError,
    DeliveryRejected,
    DeliveryThrottled,
)
from .split import split_numbered

log = logging.getLogger(__name__)

TEXT_MAX_BYTES = 2048
MARKDOWN_MAX_BYTES = 4096
# news articles (WeCom docs: title 128 bytes, description 512 bytes).
NEWS_TITLE_BYTES = 128
NEWS_DESCRIPTION_BYTES = 512
# The message types a personal-WeChat member of an external group can see.
EXTERNAL_MSGTYPES = frozenset({"text", "image", "news"})
# template_card text_notice limits (WeCom docs: title 26, desc 30, sub title 112, 6 fields).
CARD_TITLE_CHARS = 26
CARD_DESC_CHARS = 30
CARD_SUBTITLE_CHARS = 112
CARD_KEY_CHARS = 5
CARD_VALUE_CHARS = 26

# Answers that no retry can fix: bad key, bad message, bad parameters.
REJECTED_ERRCODES = {93000, 93004, 93008, 40008, 40009, 40058, 44004, 47001, 40003}


class RobotChannel:
    kind = "wecom_robot"

    def __init__(
        self,
        api_base: str,
        miniprogram_appid: str,
        links: UrlLinks | None = None,
        timeout: float = 10.0,
    ):
        """``links`` makes the URL Links of external groups' news (none: pages in words)."""
        self.url = api_base.rstrip("/") + "/cgi-bin/webhook/send"
        self.appid = miniprogram_appid
        self.links = links
        self.timeout = timeout
        # The webhook host comes from settings, and urllib3 reads no proxy from the
        # environment: no proxy ever sees the key. No retries: the outbox owns them.
        self.http = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(timeout))

    def prepare(self, messages: list[dict], profile: str = GroupProfile.INTERNAL) -> list[dict]:
        if profile == GroupProfile.EXTERNAL:
            return self._external(messages)
        parts = []
        for message in messages:
            if message["type"] == "card":
                parts.append(self._card(message))
            elif message["type"] == "image":
                # The picture is read, fitted and encoded when sent: the row keeps its key only.
                parts.append({"msgtype": "image", "image": {"storage_key": message["storage_key"]}})
            elif message["type"] == "markdown":
                parts += [
                    {"msgtype": "markdown", "markdown": {"content": chunk}}
                    for chunk in split_numbered(message["content"], MARKDOWN_MAX_BYTES)
                ]
            else:
                parts += [
                    {"msgtype": "text", "text": {"content": chunk}}
                    for chunk in split_numbered(message["content"], TEXT_MAX_BYTES)
                ]
        return parts

    def _external(self, messages: list[dict]) -> list[dict]:
        """The parts personal-WeChat members can see: text, images and news only. A message
        with a page gets a news article opening it; without a link, the page in words."""
        parts = []
        for message in messages:
            if message["type"] == "image":
                parts.append({"msgtype": "image", "image": {"storage_key": message["storage_key"]}})
                continue
            page = message.get("page")
            url = self.url_link(page) if page else None
            if message["type"] == "card" and url:
                parts.append(_news(message["title"], _card_lines(message), url))
                continue
            if message["type"] == "card":
                content = _card_text(message)
            elif message["type"] == "markdown":
                content = _plain(message["content"])
            else:
                content = message["content"]
            if page and not url and message["type"] != "card":
                content += f"\n请在微信中打开{pages.in_words(page)}查看。"
            parts += [
                {"msgtype": "text", "text": {"content": chunk}}
                for chunk in split_numbered(content, TEXT_MAX_BYTES)
            ]
            if url and message["type"] != "card":
                # The text says it all; the article is the way into the page.
                headline = content.split("\n", 1)[0]
                parts.append(_news(pages.link_title(page), [headline], url))
        return parts

    def url_link(self, page: str) -> str | None:
        """The URL Link of ``page``, or None (logged) when none could be had."""
        if self.links is None:
            log.warning("no URL links configured: %s named in words", page)
            return None
        try:
            return self.links.link(page)
        except UrlLinkError as exc:
            log.warning("URL link for %s failed, page named in words: %s", page, exc)
            return None

    def _card(self, message: dict) -> dict:
        """A text_notice card; the whole card opens the mini-program page when tapped."""
        card = {
            "card_type": "text_notice",
            "source": {"desc": message.get("source", "邻里")},
            "main_title": {
                "title": _clip(message["title"], CARD_TITLE_CHARS),
                "desc": _clip(message.get("subtitle", ""), CARD_DESC_CHARS),
            },
            "sub_title_text": _clip(message.get("description", ""), CARD_SUBTITLE_CHARS),
            "horizontal_content_list": [
                {"keyname": _clip(key, CARD_KEY_CHARS), "value": _clip(value, CARD_VALUE_CHARS)}
                for key, value in message.get("fields", [])[:6]
            ],
        }
        if message.get("page"):
            card["card_action"] = {"type": 2, "appid": self.appid, "pagepath": message["page"]}
            card["jump_list"] = [
                {
                    "type": 2,
                    "title": "在小程序中查看",
                    "appid": self.appid,
                    "pagepath": message["page"],
                }
            ]
        else:
            card["card_action"] = {
                "type": 1,
                "url": message.get("url") or "https://work.weixin.qq.com",
            }
        return {"msgtype": "template_card", "template_card": card}

    def send(self, address: str, part: dict) -> None:
        if part["msgtype"] == "image":
            picture = images.stored_picture(part["image"]["storage_key"])
            part = {"msgtype": "image", "image": images.robot_image(picture)}
        try:
            response = self.http.request(
                "POST", f"{self.url}?{urlencode({'key': address})}", json=part
            )
        except urllib3.exceptions.HTTPError as exc:
            raise DeliveryError(f"网络错误：{type(exc).__name__}") from exc
        if response.status >= 500:
            raise DeliveryError(f"企业微信返回 HTTP {response.status}")
        try:
            result = response.json()
        except ValueError as exc:
            raise DeliveryError(f"企业微信返回无法识别的内容（HTTP {response.status}）") from exc
        errcode = result.get("errcode") if isinstance(result, dict) else None
        if errcode == 0:
            return
        detail = (
            f"{errcode} {result.get('errmsg', '')}".strip() if errcode is not None else "无 errcode"
        )
        if errcode in THROTTLE_ERRCODES:
            raise DeliveryThrottled(f"发送过于频繁：{detail}", THROTTLE_SECONDS)
        if errcode in REJECTED_ERRCODES:
            raise DeliveryRejected(f"企业微信拒绝：{detail}")
        raise DeliveryError(f"企业微信返回错误：{detail}")


def _clip(text: str | None, max_chars: int) -> str:
    return excerpt(text or "", max_chars)


def _clip_bytes(text: str, max_bytes: int) -> str:
    """``text`` within ``max_bytes`` UTF-8 bytes, cut with an ellipsis where it had to be."""
    if len(text.encode()) <= max_bytes:
        return text
    cut = text.encode()[: max_bytes - 3].decode(errors="ignore")
    return cut + "…"


def _news(title: str, lines: list, url: str) -> dict:
    article = {
        "title": _clip_bytes(title, NEWS_TITLE_BYTES),
        "description": _clip_bytes("\n".join(x for x in lines if x), NEWS_DESCRIPTION_BYTES),
        "url": url,
    }
    return {"msgtype": "news", "news": {"articles": [article]}}


def _card_lines(message: dict) -> list[str]:
    """What a card shows under its title: subtitle, description, then its fields."""
    return [
        message.get("subtitle"),
        message.get("description"),
        *(f"{key}：{value}" for key, value in message.get("fields", [])),
    ]


def _card_text(message: dict) -> str:
    """A card in words, with where to read it in full: what an external group gets when no
    link could be made (the message is never lost for want of a link)."""
    # As an app chat shows a card: its title, then its full text (or its short parts).
    short = _card_lines(message)
    body = "\n".join(
        x for x in [message["title"], message.get("body") or "\n".join(x for x in short if x)] if x
    )
    if message.get("page"):
        body += f"\n请在微信中打开{pages.in_words(message['page'])}查看。"
    return body


_MARKS = re.compile(r"^#{1,6} +|^> ?|\*\*|</?font[^>]*>", re.MULTILINE)


def _plain(markdown: str) -> str:
    """WeCom markdown without its marks, for members who would see the marks as typed."""
    return _MARKS.sub("", markdown)
