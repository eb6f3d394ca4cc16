"""Owners' claims on units: how an owner joins an estate."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.accounts.models import User
from backend.common.clock import utcnow
from backend.extensions import db
from backend.places.models import Estate, Unit


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


class ClaimView(db.Model):
    """One look at a claim's details with the claimant's full name and phone: who, when,
    which claim (DESIGN.md: viewing a claimant's full name and phone is recorded)."""

    __table_args__ = (Index("ix_claim_view_claim", "claim_id", "viewed_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"))
    viewer_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    viewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
