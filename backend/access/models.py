"""Memberships: a user's role on one place, the row every scope check reads."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.common.clock import utcnow
from backend.extensions import db

if TYPE_CHECKING:  # accounts builds on access: at run time the name is resolved by the mapper
    from backend.accounts.models import User


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
    user: Mapped["User"] = relationship(back_populates="memberships")
