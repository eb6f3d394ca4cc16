"""In-memory state of the fake WeChat server, shared by all request threads."""

import itertools
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

TOKEN_TTL_SECONDS = 7200
URL_LINK_BASE = "https://wxaurl.cn/"
FAULT_KINDS = ("token_expired", "invalid_token", "rate_limit", "http_500", "slow", "no_consent")


@dataclass
class Fault:
    kind: str
    remaining: int
    delay_seconds: float = 0.0
    paths: tuple[str, ...] | None = None

    def matches(self, path: str) -> bool:
        return self.paths is None or path.startswith(self.paths)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "remaining": self.remaining,
            "delay_seconds": self.delay_seconds,
            "paths": list(self.paths) if self.paths is not None else None,
        }


class FakeStore:
    """Tokens, recorded messages, call counts, app chats and pending faults.

    One lock guards everything: the server is threaded and the volumes are tiny.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            # token -> {"realm": "mp"|"wecom", "expires_at": epoch seconds, "expired": bool}
            self._tokens: dict[str, dict] = {}
            self._messages: list[dict] = []
            self._calls: dict[str, int] = {}
            self._faults: list[Fault] = []
            self._chats: dict[str, dict] = {}
            self._names: dict[str, str] = {}
            self._profiles: dict[str, str] = {}
            self._url_links: dict[str, dict] = {}
            self._media: dict[str, bytes] = {}
            self._seq = itertools.count(1)

    # -- access tokens -------------------------------------------------------------------

    def issue_token(self, realm: str) -> str:
        token = secrets.token_urlsafe(48)
        with self._lock:
            self._tokens[token] = {
                "realm": realm,
                "expires_at": time.time() + TOKEN_TTL_SECONDS,
                "expired": False,
            }
        return token

    def check_token(self, token: str, realm: str) -> int:
        """Return 0 when usable, else the errcode WeChat would answer."""
        if not token:
            return 41001
        with self._lock:
            info = self._tokens.get(token)
        # A token of the other platform is as unknown to this one as a made-up string.
        if info is None or info["realm"] != realm:
            return 40001
        if info["expired"] or info["expires_at"] < time.time():
            return 42001
        return 0

    def expire_tokens(self) -> int:
        with self._lock:
            for info in self._tokens.values():
                info["expired"] = True
            return len(self._tokens)

    # -- call counting and faults --------------------------------------------------------

    def count_call(self, path: str) -> None:
        with self._lock:
            self._calls[path] = self._calls.get(path, 0) + 1

    def calls(self) -> dict[str, int]:
        with self._lock:
            return dict(self._calls)

    def add_fault(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def take_fault(self, path: str) -> Fault | None:
        """Consume one use of the oldest pending fault matching ``path``."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(path):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def faults(self) -> list[dict]:
        with self._lock:
            return [fault.as_dict() for fault in self._faults]

    # -- WeCom app chats -----------------------------------------------------------------

    def create_chat(self, chatid: str, name: str, owner: str, userlist: list[str]) -> bool:
        """Remember a chat; False when the chatid is taken."""
        with self._lock:
            if chatid in self._chats:
                return False
            self._chats[chatid] = {"name": name, "owner": owner, "userlist": list(userlist)}
            return True

    def chat(self, chatid: str) -> dict | None:
        with self._lock:
            chat = self._chats.get(chatid)
            return dict(chat) if chat else None

    def chats(self) -> dict[str, dict]:
        with self._lock:
            return {chatid: dict(chat) for chatid, chat in self._chats.items()}

    # -- pictures (temporary media, and what robots were sent) ---------------------------

    def add_media(self, data: bytes, media_id: str | None = None) -> str:
        media_id = media_id or secrets.token_urlsafe(24)
        with self._lock:
            self._media[media_id] = data
        return media_id

    def media(self, media_id: str) -> bytes | None:
        with self._lock:
            return self._media.get(media_id)

    # -- group names (a robot belongs to a named group the fake cannot know) --------------

    def name_group(self, group: str, name: str, profile: str | None = None) -> None:
        """``profile`` "external": owners on personal WeChat are in it (the page shows what
        they see)."""
        with self._lock:
            self._names[group] = name
            if profile is not None:
                self._profiles[group] = profile

    def group_names(self) -> dict[str, str]:
        with self._lock:
            return dict(self._names)

    def group_profiles(self) -> dict[str, str]:
        with self._lock:
            return dict(self._profiles)

    # -- mini-program URL links -----------------------------------------------------------

    def add_url_link(self, path: str, query: str, env_version: str, expires_at: float) -> str:
        token = secrets.token_urlsafe(9)
        with self._lock:
            self._url_links[token] = {
                "path": path,
                "query": query,
                "env_version": env_version,
                "expires_at": expires_at,
            }
        return f"{URL_LINK_BASE}{token}"

    def url_link(self, url: str) -> dict | None:
        """What a link this server made opens, or None for any other URL."""
        if not url.startswith(URL_LINK_BASE):
            return None
        with self._lock:
            link = self._url_links.get(url[len(URL_LINK_BASE) :])
            return dict(link) if link else None

    # -- recorded messages ---------------------------------------------------------------

    def record(self, group: str, msgtype: str, body: dict) -> dict:
        received_at = datetime.now(UTC).isoformat(timespec="milliseconds")
        with self._lock:
            message = {
                "seq": next(self._seq),
                "group": group,
                "msgtype": msgtype,
                "body": body,
                "received_at": received_at,
            }
            self._messages.append(message)
            return dict(message)

    def messages(self, group: str | None = None) -> list[dict]:
        with self._lock:
            return [dict(m) for m in self._messages if group is None or m["group"] == group]
