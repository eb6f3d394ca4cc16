"""What every outbound channel does, and the three ways a send can fail.

A channel turns Linli's channel-neutral messages (``bot.messages``) into its own wire parts
for the destination's group profile (``prepare``, before the row's first send; the parts are
kept on the row, so a retry sends the same parts) and sends one part (``send``).
"""

from contextlib import contextmanager
from typing import Protocol

import requests
from wechatpy.exceptions import WeChatClientException

from bot.wechat import WeChatError


class DeliveryError(Exception):
    """The send failed in a way that may pass: network, HTTP 5xx, an unknown answer."""


class DeliveryRejected(DeliveryError):
    """WeChat refused the message for good (bad robot key, unknown chat, invalid content):
    trying again cannot help, so the row is dead at once."""


class DeliveryThrottled(DeliveryError):
    """WeChat asked us to slow down (45009 and friends): try again after ``retry_after``."""

    def __init__(self, message: str, retry_after: float):
        super().__init__(message)
        self.retry_after = retry_after


class Channel(Protocol):
    kind: str

    def prepare(self, messages: list[dict], profile: str = "internal") -> list[dict]:
        """Wire parts for ``messages``, each within the platform's limits, in sending order,
        of the types a group of ``profile`` can see (GroupProfile; channels that reach WeCom
        members only, or one person, have nothing to adapt)."""

    def send(self, address: str, part: dict) -> None:
        """Send one part to ``address``.

        :raises DeliveryError: or one of its subclasses.
        """


# WeChat's answers that mean "slow down" rather than "broken".
THROTTLE_ERRCODES = {45009, 45033, 45047, 45011}
THROTTLE_SECONDS = 60.0


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


@contextmanager
def wechatpy_errors(rejected_errcodes: set[int], platform: str = "企业微信"):
    """Translate what a wechatpy call raises into the delivery errors above."""
    try:
        yield
    except WeChatClientException as exc:
        if exc.errcode is None:
            raise DeliveryError(f"{platform}不可用（HTTP 错误）") from exc
        detail = f"{exc.errcode} {exc.errmsg}"
        if exc.errcode in THROTTLE_ERRCODES:
            raise DeliveryThrottled(f"发送过于频繁：{detail}", THROTTLE_SECONDS) from exc
        if exc.errcode in rejected_errcodes:
            raise DeliveryRejected(f"{platform}拒绝：{detail}") from exc
        raise DeliveryError(f"{platform}返回错误：{detail}") from exc
    except (requests.RequestException, ValueError, WeChatError) as exc:
        # Network errors and undecodable answers escape wechatpy untranslated.
        raise DeliveryError(f"{platform}不可用：{type(exc).__name__}") from exc
