"""WeCom app chat (应用群聊): groups the Linli WeCom app created, sent to through
wechatpy.enterprise. Cards become markdown: app chats cannot open a mini-program page."""

from .base import wechatpy_errors
from .split import split_numbered

TEXT_MAX_BYTES = 2048
MARKDOWN_MAX_BYTES = 2048
# Unknown chat, chat not made by this app, bad message type or content.
REJECTED_ERRCODES = {86003, 86004, 40008, 40058, 44004, 47001}
MINIPROGRAM_HINT = "\n\n> 在「邻里」小程序中查看全文与附件"


class AppChatChannel:
    kind = "wecom_appchat"

    def __init__(self, client):
        """``client`` is a bot.wechat WeCom client (token shared through Redis)."""
        self.client = client

    def prepare(self, messages: list[dict]) -> list[dict]:
        parts = []
        for message in messages:
            if message["type"] == "card":
                header = f"**{message['title']}**\n"
                fields = "".join(f"> {key}：{value}\n" for key, value in message.get("fields", []))
                body = message.get("body") or message.get("description", "")
                chunks = split_numbered(
                    body, MARKDOWN_MAX_BYTES, header=header + fields, footer=MINIPROGRAM_HINT
                )
                parts += [{"msgtype": "markdown", "content": chunk} for chunk in chunks]
            else:
                limit = MARKDOWN_MAX_BYTES if message["type"] == "markdown" else TEXT_MAX_BYTES
                parts += [
                    {"msgtype": message["type"], "content": chunk}
                    for chunk in split_numbered(message["content"], limit)
                ]
        return parts

    def send(self, address: str, part: dict) -> None:
        with wechatpy_errors(REJECTED_ERRCODES):
            self.client.appchat.send(address, part["msgtype"], content=part["content"])
