"""Binding a verified owner to a WeCom (企业微信) member, so votes sent to the Linli WeCom app
count only from a known owner.

The owner asks the mini-program for a code and sends "绑定 <code>" to the app; the message's
sender (FromUserName) is then bound to the owner. Each public function is one transaction.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from backend.access.models import Membership
from backend.access.roles import Role
from backend.accounts.models import User, WecomBinding
from backend.common.clock import as_utc, utcnow
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, DomainError, Forbidden, ValidationFailed
from backend.extensions import db

CODE_DIGITS = 6
CODE_MINUTES = 10
# Attempts to bind per WeCom member and window: a 6-digit code lives 10 minutes, so five
# guesses per 10 minutes give a guesser about one chance in 200,000 per code.
BIND_ATTEMPTS = 5
BIND_WINDOW_MINUTES = 10
# Two owners drawing the same pending code is one in a million; five misses in a row mean
# something else is wrong.
ISSUE_TRIES = 5


class TooManyAttempts(DomainError):
    status, code = 429, "too_many_attempts"
    message = f"绑定尝试次数过多，请 {BIND_WINDOW_MINUTES} 分钟后再试"


@dataclass
class BindingStatus:
    bound: bool
    bound_at: datetime | None
    wecom_userid_hint: str | None


@unit_of_work
def issue_code(user: User) -> tuple[str, datetime]:
    """A new 6-digit binding code for ``user`` (valid 10 minutes; it replaces any earlier one).

    :raises Forbidden: ``user`` is not a verified owner (code "not_verified_owner").
    """
    _require_verified_owner(user)
    expires_at = utcnow() + timedelta(minutes=CODE_MINUTES)
    # Expired codes keep their hash until replaced; clear them so they cannot collide.
    db.session.execute(
        update(WecomBinding)
        .where(WecomBinding.code_expires_at < utcnow())
        .values(code_hash=None, code_expires_at=None)
    )
    for _ in range(ISSUE_TRIES):
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        try:
            with db.session.begin_nested():
                row = _binding_row(user.id, lock=True)
                if row is None:
                    row = WecomBinding(user_id=user.id)
                    db.session.add(row)
                row.code_hash, row.code_expires_at = _hash(code), expires_at
        except IntegrityError:
            # Another owner's pending code, or a second request of this user creating the
            # row at the same moment: draw again.
            continue
        return code, expires_at
    raise Conflict("绑定码生成失败，请稍后重试", code="code_unavailable")


@unit_of_work
def bind(wecom_userid: str, code: str) -> User:
    """Bind the WeCom member ``wecom_userid`` to the owner who was given ``code``.

    A user bound before is moved to the new WeCom member.

    :raises TooManyAttempts: more than 5 attempts by this member in 10 minutes.
    :raises ValidationFailed: unknown or expired code.
    :raises Forbidden: the code's user is no longer a verified owner.
    :raises Conflict: ``wecom_userid`` is already bound to another user.
    """
    if not _limiter().hit(_ATTEMPT, "wecom-bind", wecom_userid):
        raise TooManyAttempts()
    return _bind(wecom_userid, code)


def _bind(wecom_userid: str, code: str) -> User:
    row = db.session.scalar(
        select(WecomBinding).where(WecomBinding.code_hash == _hash(code)).with_for_update()
    )
    if row is None:
        raise ValidationFailed(
            "绑定码不正确，请核对小程序“企业微信绑定”页上的 6 位数字", code="invalid_bind_code"
        )
    if as_utc(row.code_expires_at) <= utcnow():
        raise ValidationFailed("绑定码已过期，请在小程序中重新获取绑定码", code="bind_code_expired")
    user = db.session.get(User, row.user_id)
    _require_verified_owner(user)
    taken = db.session.scalar(
        select(WecomBinding.user_id).where(WecomBinding.wecom_userid == wecom_userid)
    )
    if taken is not None and taken != user.id:
        raise _bound_elsewhere()
    row.wecom_userid, row.bound_at = wecom_userid, utcnow()
    row.code_hash = row.code_expires_at = None
    try:
        db.session.flush()
    except IntegrityError:
        # The same member bound to someone else at the same moment.
        raise _bound_elsewhere() from None
    return user


@unit_of_work
def unbind(user: User) -> None:
    """Forget ``user``'s WeCom identity and any pending code (nothing to do if none)."""
    row = _binding_row(user.id, lock=True)
    if row is not None:
        db.session.delete(row)


def binding_of(user: User) -> BindingStatus:
    """Whether ``user`` is bound, since when, and the end of the WeCom id (never all of it)."""
    row = _binding_row(user.id)
    if row is None or row.wecom_userid is None:
        return BindingStatus(False, None, None)
    return BindingStatus(True, row.bound_at, _hint(row.wecom_userid))


def user_for_wecom(wecom_userid: str) -> User | None:
    """The active user bound to WeCom member ``wecom_userid``, if any."""
    user = db.session.scalar(
        select(User)
        .join(WecomBinding, WecomBinding.user_id == User.id)
        .where(WecomBinding.wecom_userid == wecom_userid)
    )
    return user if user is not None and user.is_active else None


def wecom_userid_of(user_id: int) -> str | None:
    """The WeCom member ``user_id`` is bound to, if any."""
    return db.session.scalar(
        select(WecomBinding.wecom_userid).where(WecomBinding.user_id == user_id)
    )


# ---------------------------------------------------------------- helpers

_ATTEMPT = RateLimitItemPerMinute(BIND_ATTEMPTS, BIND_WINDOW_MINUTES)


def _limiter() -> FixedWindowRateLimiter:
    """Counters shared by every worker through Redis; in process memory without Redis."""
    app = current_app._get_current_object()
    if app.extensions.get("linli_wecom_bind_limiter") is None:
        storage = storage_from_string(app.config["REDIS_URL"] or "memory://")
        app.extensions["linli_wecom_bind_limiter"] = FixedWindowRateLimiter(storage)
    return app.extensions["linli_wecom_bind_limiter"]


def _hash(code: str) -> str:
    # Keyed, so the table alone does not give the million candidates away.
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def _binding_row(user_id: int, lock: bool = False) -> WecomBinding | None:
    query = select(WecomBinding).where(WecomBinding.user_id == user_id)
    return db.session.scalar(query.with_for_update() if lock else query)


def _require_verified_owner(user: User) -> None:
    owner = db.session.scalar(
        select(Membership.id).where(Membership.user_id == user.id, Membership.role == Role.OWNER)
    )
    if owner is None:
        raise Forbidden(
            "只有已认证的业主才能绑定企业微信，请先在小程序中认证房屋", code="not_verified_owner"
        )


def _bound_elsewhere() -> Conflict:
    return Conflict(
        "该企业微信账号已绑定其他业主，如需更换请先在原账号的小程序中解除绑定",
        code="wecom_bound_elsewhere",
    )


def _hint(wecom_userid: str) -> str:
    return "••••" + (wecom_userid[-4:] if len(wecom_userid) > 4 else "")
