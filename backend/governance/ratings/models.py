"""Yearly star ratings of estates (小区星级评定) with their score sheets and appeals,
property-manager stars (物业项目经理星级) and committee performance reviews (业委会履职评价).

Place ids are copied onto each row so scope filters and the distribution table are one
indexed comparison. Years are calendar years as officers date them (Shanghai)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.common.clock import utcnow
from backend.extensions import db
from backend.places.models import Estate


class Source(StrEnum):
    MANUAL = "manual"
    TICKET_ON_TIME = "ticket_on_time"
    SATISFACTION = "satisfaction"
    LEDGER_ON_TIME = "ledger_on_time"


SOURCE_LABELS = {
    Source.MANUAL: "人工评分",
    Source.TICKET_ON_TIME: "工单按时办结率",
    Source.SATISFACTION: "业主满意度",
    Source.LEDGER_ON_TIME: "账目按时公示率",
}


class RatingStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CONFIRMED = "confirmed"


RATING_STATUS_LABELS = {
    RatingStatus.DRAFT: "评分中",
    RatingStatus.SUBMITTED: "待县级确认",
    RatingStatus.CONFIRMED: "已确认",
}


class FiveStarReview(StrEnum):
    PENDING = "pending"
    GRANTED = "granted"
    DECLINED = "declined"


class AppealStatus(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"  # the rating goes back to draft for rescoring
    DISMISSED = "dismissed"


APPEAL_STATUS_LABELS = {
    AppealStatus.OPEN: "待处理",
    AppealStatus.UPHELD: "申诉成立，重新评分",
    AppealStatus.DISMISSED: "申诉驳回",
}


class Grade(StrEnum):
    EXCELLENT = "excellent"
    GOOD = "good"
    PASS = "pass"
    FAIL = "fail"


GRADE_LABELS = {
    Grade.EXCELLENT: "优秀",
    Grade.GOOD: "良好",
    Grade.PASS: "合格",
    Grade.FAIL: "不合格",
}


class _Places:
    """The estate and the places above it, copied for scope filters."""

    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"))
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"))


class RatingCriterion(db.Model):
    """One line of a county's score sheet for a year; a year's maxima sum to 100."""

    __table_args__ = (
        UniqueConstraint("county_id", "year", "code"),
        CheckConstraint("max_points BETWEEN 1 AND 100", name="criterion_max_points_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"))
    year: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(40))
    max_points: Mapped[int]
    source: Mapped[str] = mapped_column(String(20), default=Source.MANUAL)


class EstateRating(_Places, db.Model):
    """An estate's rating for a year: draft → submitted → confirmed. ``stars`` is set on
    confirmation (0 = 未评星); a total eligible for 5★ stays 4★ until the review grants it."""

    __table_args__ = (
        UniqueConstraint("estate_id", "year"),
        CheckConstraint("total BETWEEN 0 AND 100", name="rating_total_range"),
        CheckConstraint("stars BETWEEN 0 AND 5", name="rating_stars_range"),
        Index("ix_estate_rating_county_year", "county_id", "year", "status"),
        Index("ix_estate_rating_township_year", "township_id", "year", "status"),
        Index("ix_estate_rating_community_year", "community_id", "year", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default=RatingStatus.DRAFT)
    total: Mapped[int] = mapped_column(default=0)
    stars: Mapped[int] = mapped_column(default=0)
    five_star_review: Mapped[str | None] = mapped_column(String(16))
    five_star_reason: Mapped[str | None] = mapped_column(String(500))
    five_star_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    scored_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Kept when an upheld appeal sends the rating back: the year's sheet stays frozen.
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    estate: Mapped[Estate] = relationship()
    scores: Mapped[list["RatingScore"]] = relationship(order_by="RatingScore.id", viewonly=True)

    @property
    def status_label(self) -> str:
        return RATING_STATUS_LABELS[self.status]


class RatingScore(db.Model):
    """Points given on one criterion (by its code: a draft outlives a sheet's edits), with the
    figures an auto-filled value came from."""

    __table_args__ = (
        UniqueConstraint("rating_id", "code"),
        CheckConstraint("points BETWEEN 0 AND 100", name="score_points_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("estate_rating.id"))
    code: Mapped[str] = mapped_column(String(32))
    points: Mapped[int]
    basis: Mapped[str] = mapped_column(String(100), default="")


class RatingAppeal(db.Model):
    """An estate's appeal against a confirmed rating; at most one open per rating."""

    __table_args__ = (
        Index(
            "uq_rating_appeal_open",
            "rating_id",
            unique=True,
            postgresql_where=text("status = 'open'"),
            sqlite_where=text("status = 'open'"),
        ),
        # A rating's appeals, newest first (read backwards).
        Index("ix_rating_appeal_rating_created", "rating_id", "created_at", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("estate_rating.id"))
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"), index=True)
    appellant_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(16), default=AppealStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decision_reason: Mapped[str | None] = mapped_column(String(500))

    @property
    def status_label(self) -> str:
        return APPEAL_STATUS_LABELS[self.status]


class ManagerStar(_Places, db.Model):
    """A property manager's stars for a year, given on the estate they manage."""

    __table_args__ = (
        UniqueConstraint("manager_user_id", "year"),
        CheckConstraint("stars BETWEEN 1 AND 5", name="manager_stars_range"),
        CheckConstraint("score BETWEEN 0 AND 100", name="manager_score_range"),
        Index("ix_manager_star_county_year", "county_id", "year"),
        Index("ix_manager_star_township_year", "township_id", "year"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    manager_user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    year: Mapped[int]
    stars: Mapped[int]
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(String(500), default="")
    rated_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    rated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    estate: Mapped[Estate] = relationship()


class CommitteeReview(_Places, db.Model):
    """The owners' committee's performance review (履职评价) of an estate for a year."""

    __table_args__ = (
        UniqueConstraint("estate_id", "year"),
        CheckConstraint("score BETWEEN 0 AND 100", name="committee_score_range"),
        Index("ix_committee_review_county_year", "county_id", "year"),
        Index("ix_committee_review_township_year", "township_id", "year"),
        Index("ix_committee_review_community_year", "community_id", "year"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    grade: Mapped[str] = mapped_column(String(16))
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(String(500), default="")
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    estate: Mapped[Estate] = relationship()

    @property
    def grade_label(self) -> str:
        return GRADE_LABELS[self.grade]
