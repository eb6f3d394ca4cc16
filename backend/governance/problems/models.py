"""The problem list (十件实事问题清单): problems found in an estate, each with a rectification
plan and a deadline, closed out (销号) by an officer on photo evidence; and the quarterly
inspections (动态督查) many of them come from."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.common.clock import utcnow
from backend.common.stored_files import StoredFileColumns
from backend.extensions import db
from backend.places.models import Estate


class ProblemStatus(StrEnum):
    OPEN = "open"
    CLOSED_OUT = "closed_out"  # 销号


STATUS_LABELS = {ProblemStatus.OPEN: "整改中", ProblemStatus.CLOSED_OUT: "已销号"}


class Inspection(db.Model):
    """One quarterly inspection (动态督查) of an estate; place ids copied for scope filters."""

    __table_args__ = (Index("ix_inspection_county_quarter", "county_id", "quarter"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"))
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"))
    quarter: Mapped[str] = mapped_column(String(6))  # "2026Q4"
    inspected_on: Mapped[date] = mapped_column(Date)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    notes: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    estate: Mapped[Estate] = relationship()


class ProblemItem(db.Model):
    """One problem of the list: open until an officer closes it out on photo evidence."""

    __table_args__ = (
        CheckConstraint(
            "(status = 'open' AND closed_at IS NULL)"
            " OR (status = 'closed_out' AND closed_at IS NOT NULL AND closed_by_id IS NOT NULL"
            " AND close_note IS NOT NULL)",
            name="problem_closed_out_has_closure",
        ),
        Index("ix_problem_item_estate_status", "estate_id", "status"),
        Index("ix_problem_item_county_status_deadline", "county_id", "status", "deadline"),
        Index("ix_problem_item_township_status_deadline", "township_id", "status", "deadline"),
        Index("ix_problem_item_community_status", "community_id", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"))
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"))
    category: Mapped[str] = mapped_column(String(24))  # a key of tickets.models.CATEGORIES
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(2000), default="")
    plan: Mapped[str] = mapped_column(String(2000), default="")
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=ProblemStatus.OPEN)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The Shanghai date of closed_at, kept so "closed by the deadline" is a plain date
    # comparison on every database (SQLite has no time zones).
    closed_on: Mapped[date | None] = mapped_column(Date)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    close_note: Mapped[str | None] = mapped_column(String(500))
    estate: Mapped[Estate] = relationship()
    inspection: Mapped[Inspection | None] = relationship()
    evidence: Mapped[list["ProblemEvidence"]] = relationship(
        order_by="ProblemEvidence.id", viewonly=True
    )

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


class ProblemEvidence(StoredFileColumns, db.Model):
    """A photo (JPG, PNG) showing a problem put right, taken when it is closed out."""

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problem_item.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
