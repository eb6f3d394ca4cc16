"""wechatpy 1.8.18 clients whose API host comes from settings (real WeChat or bot.fakewechat).

wechatpy hard-codes its hosts in three places: the client's ``API_BASE_URL``, the
``API_BASE_URL`` of some API groups (``wxa`` among them) and the token URL inside
``fetch_access_token``. The subclasses below rewrite all three; every other code path is
wechatpy's own. Endpoints wechatpy calls by absolute URL (customservice, media upload, ...)
still go to the real hosts — Linli does not use them.
"""

import threading

import requests
from wechatpy import WeChatClient
from wechatpy.client.api.base import BaseWeChatAPI
from wechatpy.enterprise import WeChatClient as WeComClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session.memorystorage import MemoryStorage

DEFAULT_TIMEOUT = 10.0
# Codes wechatpy treats as "token is bad, refresh it and retry".
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
    """Mixin for both clients: host rewriting, default timeout, bounded token retry."""

    REAL_HOST = ""  # e.g. "https://api.weixin.qq.com"
    TOKEN_PATH = ""  # e.g. "/cgi-bin/token"

    def _use_host(self, api_base: str, timeout: float) -> None:
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
        self._retry_state = threading.local()

    def _handle_result(self, res, method=None, url=None, result_processor=None, **kwargs):
        # wechatpy refreshes the token and retries on 40001/40014/42001 recursively, without
        # limit: a token that keeps failing ends in RecursionError. Allow one retry per call.
        state = self._retry_state
        if getattr(state, "in_call", False):
            errcode = _errcode(self._decode_result(res) if not isinstance(res, dict) else res)
            if errcode in TOKEN_ERRCODES:
                raise WeChatClientException(
                    errcode,
                    "access token rejected after refresh",
                    client=self,
                    request=getattr(res, "request", None),
                    response=res,
                )
            return super()._handle_result(res, method, url, result_processor, **kwargs)
        state.in_call = True
        try:
            return super()._handle_result(res, method, url, result_processor, **kwargs)
        finally:
            state.in_call = False


def _errcode(result) -> int | None:
    if isinstance(result, dict) and "errcode" in result:
        try:
            return int(result["errcode"])
        except (TypeError, ValueError):
            return None
    return None


class ConfigurableWeChatClient(_ConfigurableHost, WeChatClient):
    REAL_HOST = "https://api.weixin.qq.com"
    TOKEN_PATH = "/cgi-bin/token"

    def __init__(self, appid, secret, api_base, session=None, timeout=DEFAULT_TIMEOUT):
        super().__init__(appid, secret, session=session or MemoryStorage(), timeout=timeout)
        self._use_host(api_base, timeout)

    def fetch_access_token(self):
        return self._fetch_access_token(
            url=self.token_url,
            params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
        )


class ConfigurableWeComClient(_ConfigurableHost, WeComClient):
    REAL_HOST = "https://qyapi.weixin.qq.com"
    TOKEN_PATH = "/cgi-bin/gettoken"

    def __init__(self, corp_id, secret, api_base, session=None, timeout=DEFAULT_TIMEOUT):
        super().__init__(corp_id, secret, session=session or MemoryStorage(), timeout=timeout)
        self._use_host(api_base, timeout)

    def fetch_access_token(self):
        return self._fetch_access_token(
            url=self.token_url, params={"corpid": self.corp_id, "corpsecret": self.secret}
        )


# Tokens live in the client's MemoryStorage: build one client per process and reuse it.
# A Redis-backed token manager shared by all workers replaces this in a later issue.


def wechat_client(
    appid: str,
    secret: str,
    api_base: str = "https://api.weixin.qq.com",
    session=None,
    timeout: float = DEFAULT_TIMEOUT,
) -> ConfigurableWeChatClient:
    """Mini-program / Official Account client. ``session`` is a wechatpy SessionStorage."""
    return ConfigurableWeChatClient(appid, secret, api_base, session=session, timeout=timeout)


def wecom_client(
    corp_id: str,
    secret: str,
    api_base: str = "https://qyapi.weixin.qq.com",
    session=None,
    timeout: float = DEFAULT_TIMEOUT,
) -> ConfigurableWeComClient:
    """WeCom (企业微信) app client. ``session`` is a wechatpy SessionStorage."""
    return ConfigurableWeComClient(corp_id, secret, api_base, session=session, timeout=timeout)


def code_to_session(client: WeChatClient, js_code: str) -> dict:
    """Exchange a wx.login() code for ``{"openid", "session_key", "unionid"?}``."""
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
