"""Owners' votes (业主共同决定): motions, the eligibility snapshot taken when voting opens,
ballots, and the posts each motion sends to its estate's group chats."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.common.clock import utcnow
from backend.common.stored_files import StoredFileColumns
from backend.extensions import db
from backend.places.models import Estate


class MotionStatus(StrEnum):
    ANNOUNCED = "announced"  # notice period: documents public, no voting yet
    OPEN = "open"  # eligibility snapshot taken, ballots accepted
    CLOSED = "closed"  # tallied; the result is final
    CANCELLED = "cancelled"  # withdrawn before voting opened


STATUS_LABELS = {
    MotionStatus.ANNOUNCED: "公示中",
    MotionStatus.OPEN: "投票中",
    MotionStatus.CLOSED: "已结束",
    MotionStatus.CANCELLED: "已取消",
}


class Choice(StrEnum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


CHOICE_LABELS = {Choice.YES: "赞成", Choice.NO: "反对", Choice.ABSTAIN: "弃权"}


class ElectorKind(StrEnum):
    OWNER = "owner"  # one or more verified users and the units they hold together
    DEVELOPER = "developer"  # the developer's unsold units, together one owner
    UNVERIFIED = "unverified"  # a unit whose owner has not been verified in Linli


class Motion(db.Model):
    """A matter put to the owners of one estate. The figures of the snapshot and of the tally
    are stored on the row so the result never changes after it is closed."""

    __table_args__ = (
        CheckConstraint("opens_at > announced_at", name="opens_after_announcement"),
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
        # Motion lists, newest announcement first (read backwards).
        Index("ix_motion_estate_announced", "estate_id", "announced_at", "id"),
        Index("ix_motion_status_opens_at", "status", "opens_at"),
        Index("ix_motion_status_closes_at", "status", "closes_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"))
    matter: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=MotionStatus.ANNOUNCED)
    organiser: Mapped[str] = mapped_column(String(16))  # "committee" or "community"
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    announced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    # The snapshot's denominators (set when voting opens).
    owners_total: Mapped[int | None]
    area_total_dm2: Mapped[int | None]
    # The tally (set when voting closes): {"yes": {"owners", "area_dm2"}, "no": …, "abstain": …}.
    tally: Mapped[dict | None] = mapped_column(JSON)
    quorum_met: Mapped[bool | None]
    passed: Mapped[bool | None]
    # Art. 278 (5): a use of the maintenance fund is decided by the owners who bear the cost.
    # Given, only units in these buildings are electors; empty means the whole estate.
    building_ids: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    estate: Mapped[Estate] = relationship()
    attachments: Mapped[list["MotionAttachment"]] = relationship(
        order_by="MotionAttachment.id", viewonly=True
    )


# Motion lists, newest first by the announcement (公告) time the owners saw; id breaks ties.
NEWEST_FIRST = (Motion.announced_at.desc(), Motion.id.desc())


class MotionAttachment(StoredFileColumns, db.Model):
    """A document of a motion; ``motion_id`` stays empty until a motion uses it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"), index=True)
    motion_id: Mapped[int | None] = mapped_column(ForeignKey("motion.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Elector(db.Model):
    """One owner in a motion's eligibility snapshot: one head, the summed area of its units."""

    __table_args__ = (
        CheckConstraint("area_dm2 > 0", name="elector_area_positive"),
        # Turnout and tally read each ballot's area from here: covered, no heap fetch.
        Index("ix_elector_motion_area", "motion_id", "id", postgresql_include=["area_dm2"]),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motion.id"))
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(100))  # masked names or "开发建设单位"
    area_dm2: Mapped[int]
    unit_count: Mapped[int]


class ElectorUnit(db.Model):
    """A unit as it stood in the snapshot (label and area copied: the register may change)."""

    __table_args__ = (UniqueConstraint("motion_id", "unit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motion.id"))
    elector_id: Mapped[int] = mapped_column(ForeignKey("elector.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    unit_label: Mapped[str] = mapped_column(String(80))
    area_dm2: Mapped[int]


class ElectorUser(db.Model):
    """A verified user who may cast an elector's ballot (co-owners share one elector)."""

    __table_args__ = (UniqueConstraint("motion_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motion.id"))
    elector_id: Mapped[int] = mapped_column(ForeignKey("elector.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(32))
    motion: Mapped[Motion] = relationship()


class Ballot(db.Model):
    """One elector's vote. The unique constraint, not a check, makes it one per elector."""

    __table_args__ = (UniqueConstraint("motion_id", "elector_id", name="uq_ballot_elector"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motion.id"))
    elector_id: Mapped[int] = mapped_column(ForeignKey("elector.id"))
    choice: Mapped[str] = mapped_column(String(8))
    # Who pressed the button: the owner, or the organiser recording a paper ballot.
    cast_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(200))
    cast_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    motion: Mapped[Motion] = relationship()


class TurnoutShard(db.Model):
    """A share of an open motion's turnout: ballots counted and their electors' area, kept by
    each ballot in its own transaction (votes.turnout). A motion's turnout is the sum of its
    shards; ballots cast at once pick shards at random, so they do not queue on one row."""

    motion_id: Mapped[int] = mapped_column(ForeignKey("motion.id"), primary_key=True)
    shard: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    owners: Mapped[int]
    area_dm2: Mapped[int] = mapped_column(BigInteger)


# A ballot's elector. The motion is stated twice so that the planner reads only the motion's
# electors (ix_elector_motion_area) and the motion's ballots (uq_ballot_elector), both covered.
BALLOT_ELECTOR = (Elector.id == Ballot.elector_id) & (Elector.motion_id == Ballot.motion_id)


class MotionPost(db.Model):
    """What a motion said to its group chats at one moment (announcement, opening, reminder,
    turnout, result), with the figures of that moment; ``key`` makes each post happen once."""

    __table_args__ = (UniqueConstraint("motion_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motion.id"))
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(40))
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    motion: Mapped[Motion] = relationship()
