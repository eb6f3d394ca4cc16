"""Mini-program login as the accounts service needs it: a wx.login() code in, an openid out.

One gateway per app (built in create_app), so its wechatpy client is reused; its access token
is shared through Redis with every other process when a Redis client is given.
"""

import redis

from backend.errors import Unauthorized, UpstreamUnavailable
from bot import wechat


class MiniProgramLogin:
    def __init__(
        self, appid: str, secret: str, api_base: str, redis_client: redis.Redis | None = None
    ):
        self.client = wechat.wechat_client(appid, secret, api_base, redis_client=redis_client)

    def code_to_session(self, code: str) -> dict:
        """``{"openid", "session_key", "unionid"?}`` for a wx.login() code.

        :raises Unauthorized: WeChat refused the code (bad, used or expired).
        :raises UpstreamUnavailable: WeChat did not answer usefully.
        """
        try:
            return wechat.code_to_session(self.client, code)
        except wechat.LoginCodeInvalid:
            raise Unauthorized(
                "微信登录码无效或已使用，请重新登录", code="invalid_login_code"
            ) from None
        except wechat.WeChatError:
            raise UpstreamUnavailable() from None
