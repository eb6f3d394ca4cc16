"""Estate accounts (业账社审): periods of entries with vouchers, their approval events, the
hash chain of published statements, and owners' questions."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.common.clock import utcnow
from backend.common.stored_files import StoredFileColumns
from backend.extensions import db


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"


class PeriodStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    COMMITTEE_APPROVED = "committee_approved"
    AUDITED = "audited"
    PUBLISHED = "published"


STATUS_LABELS = {
    PeriodStatus.DRAFT: "草稿",
    PeriodStatus.SUBMITTED: "待业委会审批",
    PeriodStatus.COMMITTEE_APPROVED: "待社区审核",
    PeriodStatus.AUDITED: "待公示",
    PeriodStatus.PUBLISHED: "已公示",
}


class Direction(StrEnum):
    INCOME = "income"
    EXPENSE = "expense"


DIRECTION_LABELS = {Direction.INCOME: "收入", Direction.EXPENSE: "支出"}

# category -> (direction, label), in the order statements list them.
CATEGORIES = {
    "parking": (Direction.INCOME, "停车收益"),
    "advertising": (Direction.INCOME, "广告收益"),
    "venue_rent": (Direction.INCOME, "场地租金"),
    "other_income": (Direction.INCOME, "其他收入"),
    "shared_costs": (Direction.EXPENSE, "公摊费用"),
    "maintenance": (Direction.EXPENSE, "维修维保"),
    "management": (Direction.EXPENSE, "管理费用"),
    "other_expense": (Direction.EXPENSE, "其他支出"),
}


class LedgerPeriod(db.Model):
    """A month or quarter of an estate's accounts, approved and published as one statement.

    ``version`` makes every change a compare-and-set, so two approvals racing on a database
    without row locks still cannot both count.
    """

    __table_args__ = (
        UniqueConstraint("estate_id", "start_date"),
        UniqueConstraint("estate_id", "chain_seq"),
        Index("ix_ledger_period_estate_status", "estate_id", "status", "start_date"),
        Index("ix_ledger_period_status_submitted", "status", "submitted_at"),
        CheckConstraint("end_date > start_date", name="period_not_empty"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"))
    kind: Mapped[str] = mapped_column(String(8))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)  # exclusive
    label: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=PeriodStatus.DRAFT)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Each submission is a new round: approvals of an earlier round do not carry over.
    submission_round: Mapped[int] = mapped_column(default=0)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approvals_required: Mapped[int] = mapped_column(default=2)
    approval_count: Mapped[int] = mapped_column(default=0)
    return_reason: Mapped[str | None] = mapped_column(String(200))
    # Running totals of the entries (signed for reversals), kept with every entry change.
    entry_count: Mapped[int] = mapped_column(default=0)
    income_total_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    expense_total_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    # Written at publication, with the link of the estate's hash chain.
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    opening_balance_fen: Mapped[int | None] = mapped_column(BigInteger)
    closing_balance_fen: Mapped[int | None] = mapped_column(BigInteger)
    chain_seq: Mapped[int | None]
    previous_hash: Mapped[str | None] = mapped_column(String(64))
    head_hash: Mapped[str | None] = mapped_column(String(64))
    # {category: signed total in fen} as the published statement hashed them: frozen with the
    # period, so its statement need not sum the entries again. None before publication, and
    # for periods published before migration 0024 (their totals are summed live).
    category_totals_fen: Mapped[dict | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[PeriodStatus(self.status)]

    @property
    def is_published(self) -> bool:
        return self.status == PeriodStatus.PUBLISHED


class LedgerEntry(db.Model):
    """One income or expense line. A reversal (``reverses_entry_id``) has the direction,
    category and amount of the entry it reverses and counts against them."""

    __table_args__ = (
        # Statement order; and a statement's totals by category read from the index alone.
        Index(
            "ix_ledger_entry_period_date",
            "period_id",
            "entry_date",
            "id",
            postgresql_include=["category", "amount_fen", "reverses_entry_id"],
        ),
        Index("ix_ledger_entry_estate", "estate_id", "id"),
        # An entry is reversed at most once.
        Index("uq_ledger_entry_reverses", "reverses_entry_id", unique=True),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("direction in ('income', 'expense')", name="direction_known"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("ledger_period.id"))
    entry_date: Mapped[date] = mapped_column(Date)
    direction: Mapped[str] = mapped_column(String(8))
    category: Mapped[str] = mapped_column(String(20))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    counterparty: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(String(500), default="")
    reverses_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    vouchers: Mapped[list["LedgerVoucher"]] = relationship(
        order_by="LedgerVoucher.id", viewonly=True
    )

    @property
    def signed_amount_fen(self) -> int:
        return -self.amount_fen if self.reverses_entry_id else self.amount_fen

    @property
    def category_label(self) -> str:
        return CATEGORIES[self.category][1]

    @property
    def direction_label(self) -> str:
        return DIRECTION_LABELS[Direction(self.direction)]


class LedgerVoucher(StoredFileColumns, db.Model):
    """A receipt, invoice or contract (photo or PDF) behind an entry."""

    # Verifying an estate's chain reads its vouchers by estate, not the county's.
    __table_args__ = (Index("ix_ledger_voucher_estate_entry", "estate_id", "entry_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entry.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LedgerApproval(db.Model):
    """A committee member's approval of one submission round; once per member per round."""

    __table_args__ = (UniqueConstraint("period_id", "submission_round", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("ledger_period.id"))
    submission_round: Mapped[int]
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user = relationship("User")


class LedgerEvent(db.Model):
    """Every transition of a period: who, in which role, when, from what to what, and why."""

    __table_args__ = (Index("ix_ledger_event_period", "period_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("ledger_period.id"))
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    actor_role: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor = relationship("User")


class LedgerQuestion(db.Model):
    """An owner's question (质询) on a published period or one of its entries, answered in
    the open."""

    __table_args__ = (
        # The period's questions, newest asked first (read backwards).
        Index("ix_ledger_question_period", "period_id", "asked_at", "id"),
        Index("ix_ledger_question_open", "estate_id", "answered_at", "asked_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("ledger_period.id"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"))
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    answered_by_label: Mapped[str | None] = mapped_column(String(80))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    asked_by = relationship("User", foreign_keys=[asked_by_id])
