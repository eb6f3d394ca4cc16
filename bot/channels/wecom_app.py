"""WeCom app messages (应用消息) to one member: vote cards, and the bot's replies to what a
member sent the Linli app. The address is the member's WeCom userid."""

from backend.common.text import excerpt

from .base import DeliveryRejected, wechatpy_errors
from .split import split_numbered

TEXT_MAX_BYTES = 2048
MARKDOWN_MAX_BYTES = 2048
MINIPROGRAM_HINT = "\n\n> 在「邻里」小程序中查看全文与附件"
# vote_interaction limits (WeCom "模板卡片消息"): source 13, title 36, desc 44 characters;
# option text 11, button text 10 characters; task id 128 bytes of [A-Za-z0-9_-@].
SOURCE_CHARS = 13
TITLE_CHARS = 36
DESC_CHARS = 44
OPTION_CHARS = 11
BUTTON_TEXT = "提交投票"
MAX_OPTIONS = 20
# miniprogram_notice limits: title and description 4–12 characters, key 10, value 30, 10 items.
NOTICE_TITLE_CHARS = 12
NOTICE_KEY_CHARS = 10
NOTICE_VALUE_CHARS = 30
NOTICE_ITEMS = 10
# Bad userid, agent id, message type or content; no valid recipient at all.
REJECTED_ERRCODES = {40003, 40008, 40031, 40056, 40058, 44004, 47001, 81013}


class WecomAppChannel:
    kind = "wecom_app"

    def __init__(self, client, agent_id: int, miniprogram_appid: str = ""):
        """``client`` is a bot.wechat WeCom client (token shared through Redis);
        ``miniprogram_appid`` the mini-program the app is associated with (notices open it)."""
        self.client = client
        self.agent_id = agent_id
        self.appid = miniprogram_appid

    def prepare(self, messages: list[dict], profile: str = "internal") -> list[dict]:
        # One person, no group: ``profile`` changes nothing.
        parts = []
        for message in messages:
            if message["type"] == "image":
                continue  # one-to-one answers are words; group posts carry the pictures
            if message["type"] == "vote_card":
                parts.append(self._vote_card(message))
            elif message["type"] == "card":
                header = f"**{message['title']}**\n"
                body = message.get("body") or message.get("description", "")
                parts += [
                    {"msgtype": "markdown", "markdown": {"content": chunk}}
                    for chunk in split_numbered(
                        body, MARKDOWN_MAX_BYTES, header=header, footer=MINIPROGRAM_HINT
                    )
                ]
            else:
                kind = "markdown" if message["type"] == "markdown" else "text"
                limit = MARKDOWN_MAX_BYTES if kind == "markdown" else TEXT_MAX_BYTES
                parts += [
                    {"msgtype": kind, kind: {"content": chunk}}
                    for chunk in split_numbered(message["content"], limit)
                ]
        return parts

    def _vote_card(self, message: dict) -> dict:
        """A single-choice vote card; the click comes back to the callback as a
        template_card_event carrying ``task_id`` and the chosen option under ``question_key``."""
        card = {
            "card_type": "vote_interaction",
            "source": {"desc": excerpt(message.get("source", "邻里 · 业主表决"), SOURCE_CHARS)},
            "main_title": {
                "title": excerpt(message["title"], TITLE_CHARS),
                "desc": excerpt(message.get("description", ""), DESC_CHARS),
            },
            "task_id": message["task_id"],
            "checkbox": {
                "question_key": message["question_key"],
                "option_list": [
                    {"id": option["id"], "text": excerpt(option["text"], OPTION_CHARS)}
                    | {"is_checked": False}
                    for option in message["options"][:MAX_OPTIONS]
                ],
                "mode": 0,  # one choice only: a ballot is yes, no or abstain
            },
            "submit_button": {"text": BUTTON_TEXT, "key": f"submit-{message['question_key']}"},
        }
        return {"msgtype": "template_card", "template_card": card}

    def send(self, address: str, part: dict) -> None:
        """Send one prepared part to the member ``address``.

        :raises DeliveryError: or a subclass; DeliveryRejected when WeCom does not know the
            member or the member cannot see the app.
        """
        with wechatpy_errors(REJECTED_ERRCODES):
            result = self.client.message.send(self.agent_id, address, msg=part)
        _require_delivered(result, address)

    def reply(self, address: str, content: str) -> None:
        """A plain text message to the member ``address`` (the bot's answer to a message).

        :raises DeliveryError: or a subclass.
        """
        for chunk in split_numbered(content, TEXT_MAX_BYTES):
            with wechatpy_errors(REJECTED_ERRCODES):
                result = self.client.message.send_text(self.agent_id, address, chunk)
            _require_delivered(result, address)

    def notice(self, address: str, title: str, description: str, page: str, items=()) -> None:
        """A mini-program notice (小程序通知消息) to the member ``address``: tapping it opens
        ``page`` in the mini-program the app is associated with.

        :raises DeliveryError: or a subclass.
        """
        part = {
            "msgtype": "miniprogram_notice",
            "miniprogram_notice": {
                "appid": self.appid,
                "page": page,
                "title": excerpt(title, NOTICE_TITLE_CHARS),
                "description": excerpt(description, NOTICE_TITLE_CHARS),
                "emphasis_first_item": False,
                "content_item": [
                    {
                        "key": excerpt(key, NOTICE_KEY_CHARS),
                        "value": excerpt(value, NOTICE_VALUE_CHARS),
                    }
                    for key, value in list(items)[:NOTICE_ITEMS]
                ],
            },
        }
        with wechatpy_errors(REJECTED_ERRCODES):
            result = self.client.message.send(self.agent_id, address, msg=part)
        _require_delivered(result, address)


def _require_delivered(result, address: str) -> None:
    # WeCom answers errcode 0 even when it dropped a recipient outside the app's visible
    # range; it names them in "invaliduser".
    invalid = (result or {}).get("invaliduser", "") if isinstance(result, dict) else ""
    if address in str(invalid).split("|"):
        raise DeliveryRejected(f"企业微信拒绝：成员 {address} 不在应用的可见范围内")
