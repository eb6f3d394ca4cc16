"""Credit penalties (失信惩戒/信用扣分) against property companies and their managers, with the
evidence each decision rests on. A mistaken penalty is revoked with a reason, never deleted.

The problem list (十件实事问题清单): problems found in an estate, each with a rectification
plan and a deadline, closed out (销号) by an officer on photo evidence; and the quarterly
inspections (动态督查) many of them come from."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.common.clock import utcnow
from backend.common.stored_files import StoredFileColumns
from backend.extensions import db
from backend.places.models import Estate, PropertyCompany


class PenaltyKind(StrEnum):
    INTERVIEW = "interview"  # 约谈 the company's head
    CRITICISM = "criticism"  # 通报批评
    DEDUCTION = "deduction"  # 信用扣分: the only kind with points
    MANAGER_DISMISSAL = "manager_dismissal"  # 项目经理清退
    PROJECT_REMOVAL = "project_removal"  # 清出项目


KIND_LABELS = {
    PenaltyKind.INTERVIEW: "约谈",
    PenaltyKind.CRITICISM: "通报批评",
    PenaltyKind.DEDUCTION: "信用扣分",
    PenaltyKind.MANAGER_DISMISSAL: "项目经理清退",
    PenaltyKind.PROJECT_REMOVAL: "清出项目",
}
MAX_POINTS = 100


class CreditPenalty(db.Model):
    """One decision against a company (and, for some kinds, one of its managers)."""

    __table_args__ = (
        CheckConstraint(
            f"(kind = 'deduction' AND points BETWEEN 1 AND {MAX_POINTS})"
            " OR (kind <> 'deduction' AND points = 0)",
            name="penalty_points_only_for_deductions",
        ),
        Index("ix_credit_penalty_company", "property_company_id", "decided_on"),
        Index("ix_credit_penalty_county_decided", "county_id", "decided_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # The company's county, copied so county figures are one indexed comparison.
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"))
    property_company_id: Mapped[int] = mapped_column(ForeignKey("property_company.id"))
    estate_id: Mapped[int | None] = mapped_column(ForeignKey("estate.id"), index=True)
    manager_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    manager_name: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(24))
    points: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str] = mapped_column(String(500))
    decided_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    revoke_reason: Mapped[str | None] = mapped_column(String(200))
    company: Mapped[PropertyCompany] = relationship()
    estate: Mapped[Estate | None] = relationship()
    evidence: Mapped[list["PenaltyEvidence"]] = relationship(
        order_by="PenaltyEvidence.id", viewonly=True
    )

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


class PenaltyEvidence(StoredFileColumns, db.Model):
    """A document (PDF, JPG, PNG) a penalty rests on: minutes, notices, photos."""

    id: Mapped[int] = mapped_column(primary_key=True)
    penalty_id: Mapped[int] = mapped_column(ForeignKey("credit_penalty.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


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
