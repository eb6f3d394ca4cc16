"""Signing in: an owner's wx.login() code or a refresh token becomes a pair of API tokens, and
a staff member's console password is checked against the lockout (see throttle)."""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.accounts import services, throttle, tokens
from backend.accounts.models import RefreshToken, User
from backend.common.clock import utcnow
from backend.common.unit_of_work import unit_of_work
from backend.errors import DomainError, Forbidden, Unauthorized
from backend.extensions import db


@dataclass
class Session:
    access_token: str
    refresh_token: str
    expires_in: int
    user: User


def open_session(user: User) -> Session:
    cfg = current_app.config
    refresh, refresh_hash = tokens.new_refresh_token()
    db.session.add(
        RefreshToken(
            user_id=user.id,
            token_hash=refresh_hash,
            expires_at=utcnow() + timedelta(days=cfg["REFRESH_DAYS"]),
        )
    )
    access = tokens.issue_access_token(
        user.id, cfg["JWT_SECRET"], cfg["JWT_ACCESS_MINUTES"], version=user.token_version
    )
    return Session(access, refresh, cfg["JWT_ACCESS_MINUTES"] * 60, user)


DEACTIVATED = "该账号已被停用，无法登录。如有疑问，请联系社区或住建局工作人员"


@unit_of_work
def wechat_login(code: str) -> Session:
    """Exchange a wx.login() code for an openid and open a session, creating the user once.

    :raises Unauthorized: WeChat refused the code.
    :raises TooManyLogins: the owner logged in too often lately (whatever the codes).
    :raises Forbidden: the user is deactivated.
    :raises UpstreamUnavailable: WeChat did not answer usefully.
    """
    result = current_app.extensions["linli_wechat_login"].code_to_session(code)
    throttle.count_owner_login(result["openid"])
    user = db.session.scalar(select(User).where(User.openid == result["openid"]))
    if user is None:
        user = User(openid=result["openid"], unionid=result.get("unionid"), display_name="微信用户")
        try:
            with db.session.begin_nested():
                db.session.add(user)
        except IntegrityError:
            # Two first logins of the same person at once: the other one created the row.
            user = db.session.scalar(select(User).where(User.openid == result["openid"]))
    if not user.is_active:
        raise Forbidden(DEACTIVATED, code="account_deactivated")
    return open_session(user)


@unit_of_work
def refresh_session(refresh_token: str) -> Session:
    """Rotate a refresh token. Reusing a rotated token revokes every session of its user,
    since only a stolen copy would be replayed.

    :raises Unauthorized: unknown, expired or already used token.
    :raises Forbidden: the user is deactivated.
    """
    row = db.session.scalar(
        select(RefreshToken)
        .where(RefreshToken.token_hash == tokens.hash_refresh_token(refresh_token))
        .with_for_update()
    )
    invalid = Unauthorized("登录已失效，请重新登录", code="invalid_refresh_token")
    if row is None or tokens.is_expired(row.expires_at):
        raise invalid
    if row.revoked_at is not None:
        services.revoke_api_tokens(row.user_id)
        db.session.commit()  # early commit: the revocation must outlive the refusal raised next
        raise invalid
    user = db.session.get(User, row.user_id)
    if not user.is_active:
        raise Forbidden(DEACTIVATED, code="account_deactivated")
    row.revoked_at = utcnow()
    return open_session(user)


def sign_in_staff(username: str, password: str) -> User:
    """Check a console password, counting failures per username from any address.

    :raises AccountLocked: too many wrong passwords for this username lately; the lock holds
        for the right password too, whatever the address, until it expires or an admin lifts it.
    :raises Unauthorized: wrong username or password.
    """
    if throttle.is_locked(username):
        raise throttle.locked_error()
    try:
        user = services.authenticate_staff(username, password)
    except DomainError:
        if throttle.record_failure(username):
            raise throttle.locked_error() from None
        raise
    throttle.forget_failures(username)
    return user
