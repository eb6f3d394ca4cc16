"""Credit penalties (失信惩戒/信用扣分) against property companies and their managers, with the
evidence each decision rests on. A mistaken penalty is revoked with a reason, never deleted."""

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
