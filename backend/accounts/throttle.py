"""Who a login limit counts against, and the console's account lockout.

Owners' phones on carrier networks share public addresses (CGNAT): when a vote is announced
in a group of 800 owners, a per-address limit would lock out the estate. So each limit counts
against the identity it protects — the wx.login() code, the refresh token's user, the console
username — and per address there is only a high ceiling against one machine flooding.

The lockout lives in the rate limiter's storage (Redis in production, memory in the embedded
default): it is short-lived by nature, and no table is needed for it.
"""

import hashlib
import math

from flask import current_app, request
from flask_limiter.util import get_remote_address
from limits import parse_many
from sqlalchemy import select

from backend.accounts import tokens
from backend.accounts.models import RefreshToken
from backend.errors import DomainError
from backend.extensions import db, limiter

# ---------------------------------------------------------------- limit keys


def _digest(value: str) -> str:
    # Codes and tokens are credentials: the limiter's storage only ever sees their hash.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def address_key() -> str:
    return get_remote_address()


def wechat_login_key() -> str:
    """The wx.login() code. WeChat exchanges a code once, so this bounds retries of one
    login, not how many owners behind one address may log in."""
    body = request.get_json(silent=True)
    code = body.get("code") if isinstance(body, dict) else None
    return f"code:{_digest(str(code))}"


class TooManyLogins(DomainError):
    status, code, message = 429, "rate_limited", "操作过于频繁，请稍后再试"


def count_owner_login(openid: str) -> None:
    """Count a login against the owner once WeChat has named them: one person asking
    wx.login() for a fresh code each time gets past the limit per code, not past this one.

    :raises TooManyLogins: over LINLI_WECHAT_LOGIN_RATE_LIMIT for this owner.
    """
    strategy = limiter.limiter
    for item in parse_many(current_app.config["WECHAT_LOGIN_RATE_LIMIT"]):
        if not strategy.hit(item, "linli-wechat-login-owner", _digest(openid)):
            raise TooManyLogins()


def refresh_key() -> str:
    """The user the refresh token belongs to (an unknown token counts on its own: guessing one
    is bounded by the address ceiling, and must not use up a real user's allowance)."""
    body = request.get_json(silent=True)
    token = body.get("refresh_token") if isinstance(body, dict) else None
    token = str(token)
    user_id = db.session.scalar(
        select(RefreshToken.user_id).where(
            RefreshToken.token_hash == tokens.hash_refresh_token(token)
        )
    )
    return f"user:{user_id}" if user_id is not None else f"token:{_digest(token)}"


def console_username() -> str:
    # As the view reads it: the same truncation, so the key is the name that is checked.
    return request.form.get("username", "")[:64]


def console_login_key() -> str:
    return f"username:{console_username()}"


# ---------------------------------------------------------------- console lockout

_FAILURES = "linli/console-login-failures/"
_LOCKED = "linli/console-login-locked/"


class AccountLocked(DomainError):
    status, code, message = 429, "account_locked", "该账号已被临时锁定"


def _seconds(minutes) -> int:
    return max(1, round(float(minutes) * 60))


def locked_error() -> AccountLocked:
    minutes = math.ceil(float(current_app.config["LOGIN_LOCKOUT_MINUTES"]))
    # The same words for every username, existing or not: the lock says nothing about that.
    return AccountLocked(
        f"密码错误次数过多，该账号已被临时锁定，请 {minutes} 分钟后再试，或联系系统管理员解除锁定"
    )


def is_locked(username: str) -> bool:
    return limiter.storage.get(_LOCKED + username) > 0


def record_failure(username: str) -> bool:
    """Count a wrong password for the username; True when this one locks it."""
    cfg, storage = current_app.config, limiter.storage
    # The window starts at the first failure (the counter expires with it).
    failures = storage.incr(_FAILURES + username, _seconds(cfg["LOGIN_LOCKOUT_WINDOW_MINUTES"]))
    if failures < int(cfg["LOGIN_LOCKOUT_ATTEMPTS"]):
        return False
    storage.incr(_LOCKED + username, _seconds(cfg["LOGIN_LOCKOUT_MINUTES"]))
    storage.clear(_FAILURES + username)
    return True


def unlock(username: str) -> None:
    """Lift a lock and forget the failures (an admin's decision, or a successful sign-in's)."""
    limiter.storage.clear(_LOCKED + username)
    limiter.storage.clear(_FAILURES + username)


def forget_failures(username: str) -> None:
    """A right password: the failures counted so far no longer count towards a lock."""
    limiter.storage.clear(_FAILURES + username)
