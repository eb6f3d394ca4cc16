"""Mini-program subscribe messages (订阅消息) to one owner who accepted the template."""

from .base import DeliveryRejected, wechatpy_errors

# 43101: the owner did not accept (or used up) this template; 40003: bad openid;
# 40037: bad template; 47003: data does not fit the template.
REJECTED_ERRCODES = {43101, 40003, 40037, 47003}
NO_CONSENT_ERRCODE = 43101


class ConsentMissing(DeliveryRejected):
    """WeChat holds no consent for the template (43101), though Linli counted one: the count
    is wrong (a consent spent elsewhere, an answer posted without WeChat) and is forgotten."""


class SubscribeChannel:
    kind = "mp_subscribe"

    def __init__(self, client):
        """``client`` is a bot.wechat mini-program client."""
        self.client = client

    def prepare(self, messages: list[dict], profile: str = "internal") -> list[dict]:
        # One person, no group: ``profile`` changes nothing.
        # Template data are short fields fixed by the template: nothing to cut.
        return [
            {"template_id": m["template_id"], "data": m["data"], "page": m.get("page")}
            for m in messages
        ]

    def send(self, address: str, part: dict) -> None:
        """``address`` is the owner's openid."""
        try:
            with wechatpy_errors(REJECTED_ERRCODES, platform="微信"):
                self.client.wxa.send_subscribe_message(
                    address, part["template_id"], part["data"], page=part.get("page")
                )
        except DeliveryRejected as exc:
            if getattr(exc.__cause__, "errcode", None) == NO_CONSENT_ERRCODE:
                raise ConsentMissing(str(exc)) from exc.__cause__
            raise
