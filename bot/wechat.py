"""wechatpy 1.8.18 clients whose API host comes from settings (real WeChat or bot.fakewechat).

wechatpy hard-codes its hosts in three places: the client's ``API_BASE_URL``, the
``API_BASE_URL`` of some API groups (``wxa`` among them) and the token URL inside
``fetch_access_token``. The subclasses below rewrite all three; every other code path is
wechatpy's own. Endpoints wechatpy calls by absolute URL (customservice, media upload, ...)
still go to the real hosts — Linli does not use them.

Access tokens come from a bot.tokens.TokenManager (shared through Redis when one is given)
instead of wechatpy's session storage, which trusts a stored token of unknown age and retries
a rejected token without limit.
"""

import hashlib

import redis
import requests
from wechatpy import WeChatClient
from wechatpy.client.api.base import BaseWeChatAPI
from wechatpy.enterprise import WeChatClient as WeComClient
from wechatpy.exceptions import WeChatClientException

from bot.tokens import TokenManager, TokenUnavailable

DEFAULT_TIMEOUT = 10.0
# WeChat's answers for an invalid, mistyped or expired access token.
TOKEN_ERRCODES = {40001, 40014, 42001}
# Bad, used or missing wx.login() codes: the mini-program should log in again.
LOGIN_CODE_ERRCODES = {40029, 40163, 41008}


class WeChatError(Exception):
    def __init__(self, message: str, errcode: int | None = None):
        super().__init__(message)
        self.errcode = errcode


class LoginCodeInvalid(WeChatError):
    """The js_code from wx.login() is wrong, used or expired."""


class WeChatUnavailable(WeChatError):
    """WeChat could not answer: network, HTTP 5xx, rate limit or an unexpected error."""


class _TimeoutSession(requests.Session):
    """requests.Session with a default timeout.

    wechatpy passes ``timeout=None`` (wait forever) unless told otherwise, and its token
    fetch passes no timeout at all.
    """

    def __init__(self, timeout: float):
        super().__init__()
        self.default_timeout = timeout

    def request(self, method, url, **kwargs):
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        return super().request(method, url, **kwargs)


class _ConfigurableHost:
    """Mixin for both clients: host rewriting, default timeout, managed token, one retry."""

    REAL_HOST = ""  # e.g. "https://api.weixin.qq.com"
    TOKEN_PATH = ""  # e.g. "/cgi-bin/token"

    def _use_host(self, api_base: str, timeout: float, redis_client: redis.Redis | None) -> None:
        base = api_base.rstrip("/")
        self.token_url = base + self.TOKEN_PATH
        # Instance attributes shadow wechatpy's class-level URLs for this client only.
        self.API_BASE_URL = base + type(self).API_BASE_URL[len(self.REAL_HOST) :]
        # BaseWeChatClient.__new__ stores one API group object per instance in __dict__.
        # (Walking them with inspect.getmembers here would read the access_token property
        # and fetch a token.)
        for api in vars(self).values():
            own = getattr(type(api), "API_BASE_URL", "") if isinstance(api, BaseWeChatAPI) else ""
            if own.startswith(self.REAL_HOST):
                api.API_BASE_URL = base + own[len(self.REAL_HOST) :]
        self._http = _TimeoutSession(timeout)
        self.tokens = TokenManager(self._token_name(), self._fetch_token, redis_client)

    @property
    def access_token(self) -> str:
        """The credential's current access token, fetched only when none is stored.

        :raises WeChatUnavailable: another process is refreshing it and took too long.
        """
        return self._token()

    def _token(self, rejected: str | None = None) -> str:
        try:
            return self.tokens.get() if rejected is None else self.tokens.refresh(rejected)
        except TokenUnavailable as exc:
            raise WeChatUnavailable(f"微信访问令牌暂不可用：{exc}") from exc

    def _fetch_token(self) -> tuple[str, int]:
        # wechatpy's own HTTP call and error handling; it also copies the token into the
        # unused session storage, which is harmless.
        result = self._fetch_access_token(url=self.token_url, params=self._token_params())
        return result["access_token"], int(result.get("expires_in", 7200))

    def fetch_access_token(self):
        """Not used: wechatpy's version would bypass ``self.tokens`` and call the real host."""
        raise NotImplementedError("use client.tokens.get() or client.tokens.refresh(rejected)")

    def _request(self, method, url_or_endpoint, **kwargs):
        params = kwargs.setdefault("params", {})
        ours = isinstance(params, dict) and "access_token" not in params
        if ours:
            params["access_token"] = self.access_token
        try:
            # wechatpy works on a copy of kwargs (its body encoding included), so a retry
            # sends the same request again.
            return super()._request(method, url_or_endpoint, **kwargs)
        except WeChatClientException as exc:
            if not ours or exc.errcode not in TOKEN_ERRCODES:
                raise
            # Once only: a token refused right after a refresh means a bad credential, and
            # refreshing again would only knock out other workers' tokens.
            params["access_token"] = self._token(rejected=params["access_token"])
            return super()._request(method, url_or_endpoint, **kwargs)


class ConfigurableWeChatClient(_ConfigurableHost, WeChatClient):
    REAL_HOST = "https://api.weixin.qq.com"
    TOKEN_PATH = "/cgi-bin/token"

    def __init__(self, appid, secret, api_base, redis_client=None, timeout=DEFAULT_TIMEOUT):
        super().__init__(appid, secret, timeout=timeout, auto_retry=False)
        self._use_host(api_base, timeout, redis_client)

    def _token_name(self) -> str:
        return f"mp:{self.appid}"

    def _token_params(self) -> dict:
        return {"grant_type": "client_credential", "appid": self.appid, "secret": self.secret}


class ConfigurableWeComClient(_ConfigurableHost, WeComClient):
    REAL_HOST = "https://qyapi.weixin.qq.com"
    TOKEN_PATH = "/cgi-bin/gettoken"

    def __init__(self, corp_id, secret, api_base, redis_client=None, timeout=DEFAULT_TIMEOUT):
        super().__init__(corp_id, secret, timeout=timeout, auto_retry=False)
        self._use_host(api_base, timeout, redis_client)

    def _token_name(self) -> str:
        # Each WeCom app of a company has its own secret and token; the key must not hold it.
        digest = hashlib.sha256(self.secret.encode()).hexdigest()[:16]
        return f"wecom:{self.corp_id}:{digest}"

    def _token_params(self) -> dict:
        return {"corpid": self.corp_id, "corpsecret": self.secret}


def wechat_client(
    appid: str,
    secret: str,
    api_base: str = "https://api.weixin.qq.com",
    redis_client: redis.Redis | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> ConfigurableWeChatClient:
    """Mini-program / Official Account client; its token is shared through ``redis_client``."""
    return ConfigurableWeChatClient(appid, secret, api_base, redis_client, timeout=timeout)


def wecom_client(
    corp_id: str,
    secret: str,
    api_base: str = "https://qyapi.weixin.qq.com",
    redis_client: redis.Redis | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> ConfigurableWeComClient:
    """WeCom (企业微信) app client; its token is shared through ``redis_client``."""
    return ConfigurableWeComClient(corp_id, secret, api_base, redis_client, timeout=timeout)


def code_to_session(client: WeChatClient, js_code: str) -> dict:
    """Exchange a wx.login() code for ``{"openid", "session_key", "unionid"?}``.

    :raises LoginCodeInvalid: WeChat refused the code.
    :raises WeChatUnavailable: WeChat (or the shared access token) could not be had.
    """
    if not js_code:
        raise LoginCodeInvalid("登录凭证为空", errcode=41008)
    try:
        result = client.wxa.code_to_session(js_code)
    except WeChatClientException as exc:
        if exc.errcode in LOGIN_CODE_ERRCODES:
            raise LoginCodeInvalid(f"登录凭证无效：{exc.errmsg}", errcode=exc.errcode) from exc
        raise WeChatUnavailable(_describe(exc), errcode=exc.errcode) from exc
    except (requests.RequestException, ValueError) as exc:
        # Network errors and undecodable token replies escape wechatpy untranslated.
        raise WeChatUnavailable(f"微信服务不可用：{exc}") from exc
    if not isinstance(result, dict) or not result.get("openid"):
        # wechatpy hands back the raw Response when the body is not JSON.
        raise WeChatUnavailable("微信服务返回了无法识别的结果")
    return result


def _describe(exc: WeChatClientException) -> str:
    if exc.errcode is None and exc.response is not None:
        return f"微信服务不可用：HTTP {exc.response.status_code}"
    return f"微信服务不可用：{exc.errcode} {exc.errmsg}"
