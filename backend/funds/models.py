"""The maintenance fund (公维金): one fund per estate, its movements (each a link of the fund's
hash chain, split over units), repair projects (维修项目) with their quotes, emergency sign-offs,
documents, events, payments and owners' ratings."""

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


class MovementKind(StrEnum):
    OPENING = "opening"  # 期初余额
    DEPOSIT = "deposit"  # 缴存
    INTEREST = "interest"  # 利息
    PAYMENT = "payment"  # 维修支出


MOVEMENT_LABELS = {
    MovementKind.OPENING: "期初余额",
    MovementKind.DEPOSIT: "缴存",
    MovementKind.INTEREST: "利息",
    MovementKind.PAYMENT: "维修支出",
}


class ProjectStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # waiting for the township's pre-check
    RETURNED = "returned"  # pre-check returned it with comments
    PRECHECKED = "prechecked"  # pre-check passed: waiting for the vote or the sign-offs
    AUTHORISED = "authorised"
    IN_PROGRESS = "in_progress"
    STOPPED = "stopped"  # the budget rose past the limit: waiting for a new approval
    ACCEPTED = "accepted"
    PAID = "paid"
    CANCELLED = "cancelled"


STATUS_LABELS = {
    ProjectStatus.DRAFT: "草稿",
    ProjectStatus.SUBMITTED: "待事前指导",
    ProjectStatus.RETURNED: "已退回修改",
    ProjectStatus.PRECHECKED: "待表决或应急签批",
    ProjectStatus.AUTHORISED: "已批准待施工",
    ProjectStatus.IN_PROGRESS: "施工中",
    ProjectStatus.STOPPED: "预算超限待重新批准",
    ProjectStatus.ACCEPTED: "已验收待支付",
    ProjectStatus.PAID: "已支付",
    ProjectStatus.CANCELLED: "已取消",
}


class ApprovalPath(StrEnum):
    VOTE = "vote"  # a passed use_maintenance_fund motion of the bearing owners
    EMERGENCY = "emergency"  # 应急维修, signed by committee, community and township


PATH_LABELS = {ApprovalPath.VOTE: "业主表决", ApprovalPath.EMERGENCY: "应急维修"}

# The repairs that may take the emergency path (应急维修).
EMERGENCY_CATEGORIES = {
    "lift": "电梯故障",
    "roof_wall_leak": "屋面、外墙渗漏",
    "fire_safety": "消防设施",
    "water_power": "供水、供电设施",
}
CATEGORIES = {**EMERGENCY_CATEGORIES, "other": "其他共用部位、共用设施设备维修"}


class SignOffKind(StrEnum):
    COMMITTEE = "committee"
    COMMUNITY = "community"
    TOWNSHIP = "township"


SIGN_OFF_LABELS = {
    SignOffKind.COMMITTEE: "业委会",
    SignOffKind.COMMUNITY: "社区",
    SignOffKind.TOWNSHIP: "街道（乡镇）",
}


class DocumentKind(StrEnum):
    QUOTE = "quote"  # 报价单
    CONTRACT = "contract"  # 施工合同
    PROGRESS_PHOTO = "progress_photo"  # 施工过程照片
    ACCEPTANCE_PHOTO = "acceptance_photo"  # 验收照片
    VOUCHER = "voucher"  # 付款凭证


DOCUMENT_LABELS = {
    DocumentKind.QUOTE: "报价单",
    DocumentKind.CONTRACT: "施工合同",
    DocumentKind.PROGRESS_PHOTO: "施工照片",
    DocumentKind.ACCEPTANCE_PHOTO: "验收照片",
    DocumentKind.VOUCHER: "付款凭证",
}


class MaintenanceFund(db.Model):
    """An estate's maintenance fund. Its balance is the sum of its movements' allocations;
    the row is locked to append a movement, so the chain grows one link at a time."""

    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"), unique=True)
    balance_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    chain_length: Mapped[int] = mapped_column(default=0)
    head_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FundMovement(db.Model):
    """One line of the housing authority's statement, or one payment for a project: a link of
    the fund's hash chain. Its amount is split over units (FundAllocation)."""

    __table_args__ = (
        UniqueConstraint("fund_id", "chain_seq"),
        Index("ix_fund_movement_estate_date", "estate_id", "occurred_on", "id"),
        CheckConstraint("amount_fen <> 0", name="fund_movement_not_zero"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("maintenance_fund.id"))
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"))
    kind: Mapped[str] = mapped_column(String(16))
    occurred_on: Mapped[date] = mapped_column(Date)
    # Signed: deposits, interest and openings add, payments subtract.
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    # What the line names: a building (split over its units by area) or a single unit.
    building_id: Mapped[int | None] = mapped_column(ForeignKey("building.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    description: Mapped[str] = mapped_column(String(200), default="")
    project_id: Mapped[int | None] = mapped_column(ForeignKey("repair_project.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    chain_seq: Mapped[int]
    previous_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    @property
    def kind_label(self) -> str:
        return MOVEMENT_LABELS[MovementKind(self.kind)]


class FundAllocation(db.Model):
    """A movement's share of one unit, in signed fen; a unit's balance is the sum of these."""

    __table_args__ = (
        UniqueConstraint("movement_id", "unit_id"),
        Index("ix_fund_allocation_fund_unit", "fund_id", "unit_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("maintenance_fund.id"))
    movement_id: Mapped[int] = mapped_column(ForeignKey("fund_movement.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))
    amount_fen: Mapped[int] = mapped_column(BigInteger)


class RepairProject(db.Model):
    """One use of the fund: scope, bearing units, budget, quotes, authorisation (a passed vote
    or the emergency sign-offs), pre-check, works, acceptance, payments and ratings.

    ``approved_budget_fen`` is the budget the current authorisation covers; a budget above it
    by more than LINLI_FUND_BUDGET_RISE_PERCENT stops the project until a new approval.
    """

    __table_args__ = (
        Index("ix_repair_project_estate_created", "estate_id", "created_at", "id"),
        Index("ix_repair_project_status", "status"),
        CheckConstraint("budget_fen > 0", name="repair_budget_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"))
    title: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20))
    path: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=ProjectStatus.DRAFT)
    budget_fen: Mapped[int] = mapped_column(BigInteger)
    approved_budget_fen: Mapped[int | None] = mapped_column(BigInteger)
    paid_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    # Why the chosen quote (RepairQuote.is_chosen) won.
    choice_reason: Mapped[str | None] = mapped_column(String(500))
    # Vote path: the motion that authorises the current budget.
    motion_id: Mapped[int | None] = mapped_column(ForeignKey("motion.id"), index=True)
    # Emergency path: each new approval (after a budget rise) needs three new sign-offs.
    approval_round: Mapped[int] = mapped_column(default=1)
    owners_notice_due_on: Mapped[date | None] = mapped_column(Date)
    owners_notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id"))
    owners_told_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    precheck_comment: Mapped[str | None] = mapped_column(String(1000))
    prechecked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    prechecked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acceptance_note: Mapped[str | None] = mapped_column(String(1000))
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    authorised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    units: Mapped[list["RepairProjectUnit"]] = relationship(
        order_by="RepairProjectUnit.unit_id", viewonly=True
    )

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[ProjectStatus(self.status)]

    @property
    def path_label(self) -> str:
        return PATH_LABELS[ApprovalPath(self.path)]

    @property
    def category_label(self) -> str:
        return CATEGORIES[self.category]


# Project lists, newest created first; id breaks ties.
NEWEST_FIRST = (RepairProject.created_at.desc(), RepairProject.id.desc())


class RepairProjectUnit(db.Model):
    """A unit that bears the project's cost, with its area as it stood when the project was
    written (the payment is apportioned by these areas)."""

    __table_args__ = (UniqueConstraint("project_id", "unit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("repair_project.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))
    area_dm2: Mapped[int]


class RepairQuote(db.Model):
    """A contractor's quote for the project (报价)."""

    __table_args__ = (CheckConstraint("amount_fen > 0", name="repair_quote_positive"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("repair_project.id"), index=True)
    contractor: Mapped[str] = mapped_column(String(100))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(String(500), default="")
    is_chosen: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EmergencySignOff(db.Model):
    """One of the three signatures an emergency repair needs, per approval round."""

    __table_args__ = (UniqueConstraint("project_id", "approval_round", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("repair_project.id"), index=True)
    approval_round: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    role: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(String(500), default="")
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user = relationship("User")


class RepairDocument(StoredFileColumns, db.Model):
    """A quote sheet, the contract, a progress or acceptance photo, or a payment voucher."""

    __table_args__ = (Index("ix_repair_document_project", "project_id", "kind", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("repair_project.id"))
    kind: Mapped[str] = mapped_column(String(20))
    caption: Mapped[str] = mapped_column(String(200), default="")
    # A voucher belongs to the payment it was booked with (empty until then).
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("repair_payment.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RepairPayment(db.Model):
    """A payment to the contractor, booked as a movement of the fund's hash chain and
    apportioned to the bearing units. ``overdraft_*`` records who decided, and why, that some
    unit may go below zero."""

    __table_args__ = (CheckConstraint("amount_fen > 0", name="repair_payment_positive"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("repair_project.id"), index=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date] = mapped_column(Date)
    payee: Mapped[str] = mapped_column(String(100))
    movement_id: Mapped[int] = mapped_column(ForeignKey("fund_movement.id"), unique=True)
    overdraft_reason: Mapped[str | None] = mapped_column(String(500))
    overdraft_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    overdraft_units: Mapped[list | None] = mapped_column(JSON)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RepairRating(db.Model):
    """A bearing owner's rating of the finished work (1–5), once per owner."""

    __table_args__ = (
        UniqueConstraint("project_id", "user_id", name="uq_repair_rating_owner"),
        CheckConstraint("score between 1 and 5", name="repair_rating_score"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("repair_project.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RepairProjectEvent(db.Model):
    """Every change of a project: who, in which role, when, what (and the figures of it)."""

    __table_args__ = (Index("ix_repair_project_event_project", "project_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"))
    project_id: Mapped[int] = mapped_column(ForeignKey("repair_project.id"))
    action: Mapped[str] = mapped_column(String(24))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    actor_role: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(String(1000))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor = relationship("User")
