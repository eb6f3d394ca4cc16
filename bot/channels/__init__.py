"""Outbound channels behind one interface (``base.Channel``), built once per process."""

from flask import Flask

from bot.urllinks import UrlLinks
from bot.wechat import wechat_client, wecom_client

from .appchat import AppChatChannel
from .base import Channel, DeliveryError, DeliveryRejected, DeliveryThrottled
from .robot import RobotChannel
from .subscribe import SubscribeChannel
from .wecom_app import WecomAppChannel

__all__ = ["Channel", "DeliveryError", "DeliveryRejected", "DeliveryThrottled", "channels"]


def channels(app: Flask) -> dict[str, Channel]:
    """The app's channels by kind; their wechatpy clients share access tokens via Redis."""
    if "linli_channels" not in app.extensions:
        cfg = app.config
        redis_client = app.extensions["linli_redis"].client
        wecom = wecom_client(
            cfg["WECOM_CORP_ID"],
            cfg["WECOM_APP_SECRET"],
            api_base=cfg["WECOM_API_BASE"],
            redis_client=redis_client,
        )
        mp = wechat_client(
            cfg["WECHAT_APPID"],
            cfg["WECHAT_SECRET"],
            api_base=cfg["WECHAT_API_BASE"],
            redis_client=redis_client,
        )
        built = [
            RobotChannel(
                cfg["WECOM_API_BASE"],
                cfg["WECHAT_APPID"],
                UrlLinks(mp, redis_client, cfg["URL_LINK_ENV_VERSION"], cfg["URL_LINK_DAYS"]),
            ),
            AppChatChannel(wecom),
            WecomAppChannel(wecom, cfg["WECOM_AGENT_ID"], cfg["WECHAT_APPID"]),
            SubscribeChannel(mp),
        ]
        app.extensions["linli_channels"] = {channel.kind: channel for channel in built}
    return app.extensions["linli_channels"]
