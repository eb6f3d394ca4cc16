"""Mini-program URL Links (``wxa/generate_urllink``): the https link that opens a page of the
mini-program from a chat, the only way a personal-WeChat member of an external group gets
from a bot post to the page.

WeChat's links live at most 30 days and every call spends the mini-program's daily quota, so a
link is cached per (env version, page, query) and renewed once fewer than ``RENEW_DAYS_LEFT``
days remain: a link posted today still works for at least that long.

The cache is Redis, not a table: an entry is disposable (losing it costs one more call), it
must be shared by every worker, and Redis drops it by itself when it is stale. Without Redis
(the embedded default: one process) a dict does.
"""

import json
import logging
import re
import threading
from datetime import datetime, timedelta

import redis
import requests
from wechatpy.exceptions import WeChatClientException

from backend.common.clock import as_utc, utcnow
from bot.wechat import WeChatError

log = logging.getLogger(__name__)

KEY_PREFIX = "linli:urllink:"
RENEW_DAYS_LEFT = 7
MAX_DAYS = 30
QUERY_MAX_CHARS = 1024
# The characters WeChat accepts in a URL Link's query.
QUERY_CHARS = re.compile(r"[0-9a-zA-Z!#$&'()*+,/:;=?@\-._~%]*")
ENV_VERSIONS = ("release", "trial", "develop")


class UrlLinkError(Exception):
    """No link could be had: WeChat refused or was unreachable. The message must still go
    out, naming the page in words."""


def split_page(page: str) -> tuple[str, str]:
    """``"pages/x/index?id=1"`` -> ``("pages/x/index", "id=1")``."""
    path, _, query = page.partition("?")
    return path.lstrip("/"), query


class UrlLinks:
    def __init__(
        self,
        client,
        redis_client: redis.Redis | None,
        env_version: str = "release",
        days: int = MAX_DAYS,
    ):
        """``client`` is a bot.wechat mini-program client (its token shared through Redis)."""
        if env_version not in ENV_VERSIONS:
            raise ValueError(f"env_version must be one of {', '.join(ENV_VERSIONS)}")
        if not RENEW_DAYS_LEFT < days <= MAX_DAYS:
            raise ValueError(f"days must be between {RENEW_DAYS_LEFT + 1} and {MAX_DAYS}")
        self.client = client
        self.redis = redis_client
        self.env_version = env_version
        self.lifetime = timedelta(days=days)
        self._memory: dict[str, str] = {}
        self._lock = threading.Lock()

    def link(self, page: str) -> str:
        """The URL Link opening ``page`` (path and optional query), from the cache while it
        has at least RENEW_DAYS_LEFT days to live, else a new one.

        :raises UrlLinkError: WeChat refused or could not be reached.
        """
        path, query = split_page(page)
        if len(query) > QUERY_MAX_CHARS or not QUERY_CHARS.fullmatch(query):
            raise UrlLinkError(f"页面参数不符合小程序链接的要求：{query[:40]}")
        key = f"{KEY_PREFIX}{self.env_version}:{path}?{query}"
        now = utcnow()
        cached = self._read(key)
        if cached and cached[1] - now >= timedelta(days=RENEW_DAYS_LEFT):
            return cached[0]
        url = self._generate(path, query)
        # WeChat counts the days from when it answered, a moment after ``now``: the link
        # lives at least as long as the cache believes.
        self._write(key, url, now + self.lifetime, now)
        return url

    def _generate(self, path: str, query: str) -> str:
        # A lifetime in days rather than an end time: nothing depends on our clock and
        # WeChat's agreeing.
        body = {
            "path": path,
            "query": query,
            "env_version": self.env_version,
            "expire_type": 1,
            "expire_interval": self.lifetime.days,
        }
        try:
            result = self.client.post(
                "wxa/generate_urllink", data=body, api_base_url=self.client.wxa.API_BASE_URL
            )
        except WeChatClientException as exc:
            raise UrlLinkError(f"生成小程序链接失败：{exc.errcode} {exc.errmsg}") from exc
        except (requests.RequestException, ValueError, WeChatError) as exc:
            raise UrlLinkError(f"生成小程序链接失败：{type(exc).__name__}") from exc
        url = result.get("url_link") if isinstance(result, dict) else None
        if not isinstance(url, str) or not url.startswith("https://"):
            raise UrlLinkError("生成小程序链接失败：微信返回了无法识别的结果")
        return url

    def _read(self, key: str) -> tuple[str, datetime] | None:
        try:
            raw = self.redis.get(key) if self.redis is not None else self._memory.get(key)
        except redis.RedisError:
            log.warning("URL link cache unreadable; generating a new link")
            return None
        if raw is None:
            return None
        try:
            entry = json.loads(raw)
            return entry["url"], as_utc(datetime.fromisoformat(entry["expires_at"]))
        except (ValueError, KeyError, TypeError):
            return None

    def _write(self, key: str, url: str, expires_at: datetime, now: datetime) -> None:
        raw = json.dumps({"url": url, "expires_at": expires_at.isoformat()})
        # Kept only while it may still be handed out; the stored expiry decides, the TTL
        # (on the real clock) just clears it away.
        keep = int((expires_at - now).total_seconds()) - RENEW_DAYS_LEFT * 86400
        if self.redis is None:
            with self._lock:
                self._memory[key] = raw
            return
        try:
            self.redis.set(key, raw, ex=max(keep, 1))
        except redis.RedisError:
            log.warning("URL link cache unwritable; the link is used uncached")
