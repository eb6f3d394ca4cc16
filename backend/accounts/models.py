"""Users, their memberships (role on a place), owners' claims, refresh tokens."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.common.clock import utcnow
from backend.extensions import db
from backend.places.models import Estate, Unit


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


class Membership(db.Model):
    """A role held on one place. Owners hold it on a unit; estate_id is set for unit and
    estate scopes so estate-level checks never join through units."""

    __table_args__ = (
        UniqueConstraint("user_id", "role", "scope_kind", "scope_id"),
        Index("ix_membership_scope", "scope_kind", "scope_id"),
        Index("ix_membership_estate_role", "estate_id", "role"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    scope_kind: Mapped[str] = mapped_column(String(16))
    scope_id: Mapped[int]
    estate_id: Mapped[int | None] = mapped_column(ForeignKey("estate.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user: Mapped[User] = relationship(back_populates="memberships")


class Claim(db.Model):
    """An owner's claim on a unit, verified or rejected by the estate's committee or manager."""

    __table_args__ = (
        # One open claim per person per unit, enforced by the database.
        Index(
            "uq_claim_pending_user_unit",
            "user_id",
            "unit_id",
            unique=True,
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        # Claim lists, newest first (read backwards): the estate's, of one status or all,
        # and a person's own.
        Index("ix_claim_estate_status", "estate_id", "status", "created_at", "id"),
        Index("ix_claim_estate_created", "estate_id", "created_at", "id"),
        Index("ix_claim_user_created", "user_id", "created_at", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    real_name: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    reason: Mapped[str | None] = mapped_column(String(200))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    unit: Mapped[Unit] = relationship()
    estate: Mapped[Estate] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


# Claim lists, newest first by when the claim was made (shown on it); id breaks ties.
CLAIMS_NEWEST_FIRST = (Claim.created_at.desc(), Claim.id.desc())


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
