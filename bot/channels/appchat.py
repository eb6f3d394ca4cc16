"""WeCom app chat (应用群聊): groups the Linli WeCom app created, sent to through
wechatpy.enterprise. Cards become markdown: app chats cannot open a mini-program page."""

import io

from . import images
from .base import wechatpy_errors
from .split import split_numbered

TEXT_MAX_BYTES = 2048
MARKDOWN_MAX_BYTES = 2048
# Unknown chat, chat not made by this app, bad message type, content or media.
REJECTED_ERRCODES = {86003, 86004, 40005, 40006, 40007, 40008, 40058, 44004, 47001}
MINIPROGRAM_HINT = "\n\n> 在「邻里」小程序中查看全文与附件"


class AppChatChannel:
    kind = "wecom_appchat"

    def __init__(self, client):
        """``client`` is a bot.wechat WeCom client (token shared through Redis)."""
        self.client = client

    def prepare(self, messages: list[dict], profile: str = "internal") -> list[dict]:
        # ``profile`` changes nothing: only members of the company can be in an app chat.
        parts = []
        for message in messages:
            if message["type"] == "image":
                parts.append({"msgtype": "image", "storage_key": message["storage_key"]})
            elif message["type"] == "card":
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
        if part["msgtype"] == "image":
            self._send_image(address, part["storage_key"])
            return
        with wechatpy_errors(REJECTED_ERRCODES):
            self.client.appchat.send(address, part["msgtype"], content=part["content"])

    def _send_image(self, address: str, storage_key: str) -> None:
        """An app chat takes a picture by media id: upload it as temporary media (kept three
        days by WeCom), then send. Uploaded again on a retry: a media id is cheap."""
        picture = images.stored_picture(storage_key)
        with wechatpy_errors(REJECTED_ERRCODES):
            uploaded = self.client.media.upload("image", ("photo.jpg", io.BytesIO(picture)))
            self.client.appchat.send(address, "image", media_id=uploaded["media_id"])
