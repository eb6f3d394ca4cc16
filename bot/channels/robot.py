"""WeCom group robot (群机器人) webhook: send-only, 20 messages a minute per robot.

wechatpy has no helper for it: a thin wrapper over requests.
"""

import requests

from backend.common.text import excerpt

from . import images
from .base import (
    THROTTLE_ERRCODES,
    THROTTLE_SECONDS,
    DeliveryError,
    DeliveryRejected,
    DeliveryThrottled,
)
from .split import split_numbered

TEXT_MAX_BYTES = 2048
MARKDOWN_MAX_BYTES = 4096
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

    def __init__(self, api_base: str, miniprogram_appid: str, timeout: float = 10.0):
        self.url = api_base.rstrip("/") + "/cgi-bin/webhook/send"
        self.appid = miniprogram_appid
        self.timeout = timeout
        self.http = requests.Session()
        # The webhook host comes from settings; never let an environment proxy see the key.
        self.http.trust_env = False

    def prepare(self, messages: list[dict]) -> list[dict]:
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
            response = self.http.post(
                self.url, params={"key": address}, json=part, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise DeliveryError(f"网络错误：{type(exc).__name__}") from exc
        if response.status_code >= 500:
            raise DeliveryError(f"企业微信返回 HTTP {response.status_code}")
        try:
            result = response.json()
        except ValueError as exc:
            raise DeliveryError(
                f"企业微信返回无法识别的内容（HTTP {response.status_code}）"
            ) from exc
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
