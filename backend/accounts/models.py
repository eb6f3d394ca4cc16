"""Users, refresh tokens and WeCom bindings. A user's roles are memberships (backend.access);
owners' claims on units are backend.claims."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.access.models import Membership
from backend.common.clock import utcnow
from backend.extensions import db


class User(db.Model):
    """A person: a mini-program user (openid) and/or a console user (username + password)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str | None] = mapped_column(String(64), unique=True)
    unionid: Mapped[str | None] = mapped_column(String(64))
    username: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(256))
    display_name: Mapped[str] = mapped_column(String(64), default="")
    real_name: Mapped[str | None] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(20))
    is_active: Mapped[bool] = mapped_column(default=True)
    # Raised to end every console session of the user at once (logout, password change,
    # deactivation): a console session carries the number it was opened with.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Raised to end every API access token at once (refresh-token replay, deactivation).
    # Apart from session_version so that signing out of the console on one computer does
    # not end the owner's mini-program session on a phone, and vice versa.
    token_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    memberships: Mapped[list["Membership"]] = relationship(back_populates="user")


class RefreshToken(db.Model):
    """Opaque refresh tokens, stored hashed, rotated on every use."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WecomBinding(db.Model):
    """A user's WeCom (企业微信) identity, bound once through a short-lived code the owner
    sends to the WeCom app, so votes sent there count only from a known owner. While only a
    code is pending, ``wecom_userid`` is empty."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), unique=True)
    wecom_userid: Mapped[str | None] = mapped_column(String(64), unique=True)
    # sha256 of the pending code; unique so two pending codes can never match one message.
    code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    code_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    bound_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
