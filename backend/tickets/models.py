"""Snap reports (随手拍): tickets, their photos, their events (the closed loop's history),
"me too" supporters, per-county time limits and the digests posted to group chats."""

from datetime import datetime
from enum import IntEnum, StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Computed,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.accounts.models import User
from backend.common.clock import utcnow
from backend.extensions import db
from backend.places.models import Building, Estate

# The ten priority items (十件实事) and "other", in the order people pick them.
CATEGORIES = {
    "security": "治安安全",
    "cleaning": "环境卫生",
    "fire_safety": "消防安全",
    "ebike": "电动车停放充电",
    "elevator": "电梯故障",
    "parking": "车辆停放",
    "drains": "管道疏通",
    "pavement": "路面破损",
    "lighting": "公共照明",
    "green_land": "绿地裸土",
    "other": "其他",
}

CHANNELS = {
    "miniprogram": "小程序",
    "group_chat": "群聊",
    "hotline": "12345热线",
    "console": "后台录入",
    "open311": "外部平台",
}


class TicketStatus(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    REPLIED = "replied"
    CLOSED = "closed"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"


STATUS_LABELS = {
    TicketStatus.SUBMITTED: "待受理",
    TicketStatus.ACCEPTED: "已受理",
    TicketStatus.ASSIGNED: "已转办",
    TicketStatus.IN_PROGRESS: "办理中",
    TicketStatus.REPLIED: "已反馈",
    TicketStatus.CLOSED: "已办结",
    TicketStatus.REJECTED: "不予受理",
    TicketStatus.DUPLICATE: "重复工单",
}

# Waiting for the handler (a deadline runs) / open at all (others may still say "me too").
HANDLING_STATUSES = (
    TicketStatus.SUBMITTED,
    TicketStatus.ACCEPTED,
    TicketStatus.ASSIGNED,
    TicketStatus.IN_PROGRESS,
)
OPEN_STATUSES = (*HANDLING_STATUSES, TicketStatus.REPLIED)
HANDLING_SQL = "status IN ({})".format(", ".join(f"'{s}'" for s in HANDLING_STATUSES))
# The deadline running now (to accept while submitted, then to reply): ``Ticket.deadline_at``,
# a column the database computes, so the work list's indexes are ordered by it.
DEADLINE_SQL = "CASE WHEN status = 'submitted' THEN accept_due_at ELSE reply_due_at END"
# What a work list's arm filters on beyond its keys, so its scan never reads the table.
WORK_INCLUDE = [
    "status",
    "estate_id",
    "community_id",
    "township_id",
    "county_id",
    "assignee_id",
    "accept_due_at",
    "reply_due_at",
]


def _work_index(name: str, *keys: str) -> Index:
    """A work list arm's index: its keys, then the deadline and id, over handling tickets."""
    return Index(
        name,
        *keys,
        "deadline_at",
        "id",
        postgresql_where=text(HANDLING_SQL),
        sqlite_where=text(HANDLING_SQL),
        postgresql_include=[column for column in WORK_INCLUDE if column not in keys],
    )


class Level(IntEnum):
    """Who answers for an overdue ticket: one rung up per missed deadline."""

    PROPERTY = 0
    COMMITTEE = 1
    COMMUNITY = 2
    TOWNSHIP = 3
    COUNTY = 4


LEVEL_LABELS = {
    Level.PROPERTY: "物业项目经理",
    Level.COMMITTEE: "业委会",
    Level.COMMUNITY: "社区",
    Level.TOWNSHIP: "街道（乡镇）",
    Level.COUNTY: "县住建局",
}

EVENT_LABELS = {
    "created": "提交",
    "accepted": "受理",
    "assigned": "转办",
    "started": "开始办理",
    "replied": "反馈结果",
    "rejected": "不予受理",
    "duplicate": "标记重复",
    "reopened": "重新办理",
    "rated": "评价",
    "closed_not_rated": "超时未评价自动办结",
    "escalated": "超时升级",
    "supported": "附议",
}


class Ticket(db.Model):
    """One reported problem. Place ids are copied from the estate so supervisors' lists
    filter on one indexed column; ``escalate_at`` is when the job next looks at it."""

    __table_args__ = (
        # "Newest first" lists sort by the report's time, id breaking ties (DESIGN: input
        # bounds); each is read backwards along (filter, created_at, id), so ascending
        # columns serve the descending order on PostgreSQL and SQLite alike.
        Index("ix_ticket_estate_created", "estate_id", "created_at", "id"),
        # One status (a tab of the list) read newest first, in order; counted from the index.
        Index("ix_ticket_estate_status", "estate_id", "status", "created_at", "id"),
        Index("ix_ticket_estate_category_created", "estate_id", "category", "created_at"),
        Index("ix_ticket_community", "community_id", "id"),
        Index("ix_ticket_township", "township_id", "id"),
        Index("ix_ticket_county", "county_id", "created_at", "id"),
        # The dashboards count a township's or community's current month live (targets/tickets.py).
        Index("ix_ticket_township_created", "township_id", "created_at"),
        Index("ix_ticket_community_created", "community_id", "created_at"),
        Index("ix_ticket_reporter", "reporter_id", "created_at", "id"),
        # Work lists: "assigned to me" OR "at my rung in my places", among handling tickets.
        # Each arm of the OR needs an index, or PostgreSQL reads the whole table.
        Index("ix_ticket_assignee", "assignee_id", "id"),
        Index(
            "ix_ticket_handling_level",
            "escalation_level",
            postgresql_where=text(HANDLING_SQL),
            sqlite_where=text(HANDLING_SQL),
        ),
        # The work list read as a UNION ALL of its arms (queries.list_work), each arm an
        # ordered scan of one of these, merged in deadline order and cut at the page.
        _work_index("ix_ticket_work_assignee", "assignee_id"),
        _work_index("ix_ticket_work_estate", "estate_id", "escalation_level"),
        _work_index("ix_ticket_work_community", "community_id", "escalation_level"),
        _work_index("ix_ticket_work_township", "township_id", "escalation_level"),
        _work_index("ix_ticket_work_county", "county_id", "escalation_level"),
        Index(
            "ix_ticket_escalate_at",
            "escalate_at",
            postgresql_where=text("escalate_at IS NOT NULL"),
            sqlite_where=text("escalate_at IS NOT NULL"),
        ),
        Index(
            "ix_ticket_replied_open",
            "replied_at",
            postgresql_where=text("status = 'replied'"),
            sqlite_where=text("status = 'replied'"),
        ),
        # A 12345 case enters the loop once per county.
        UniqueConstraint("county_id", "hotline_case_no"),
        UniqueConstraint("reporter_id", "client_token"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
        CheckConstraint("escalation_level BETWEEN 0 AND 4", name="escalation_level_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"))
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"))
    # The company serving the estate when the ticket came in: its figures stay its own.
    property_company_id: Mapped[int | None] = mapped_column(
        ForeignKey("property_company.id"), index=True
    )
    category: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("building.id"))
    location_text: Mapped[str] = mapped_column(String(100), default="")
    # A point on the estate's map, in thousandths of its width and height.
    map_x: Mapped[int | None]
    map_y: Mapped[int | None]
    # Microdegrees (GCJ-02 as the phone reports them): exact, and indexable for "within 50 m".
    lat_e6: Mapped[int | None]
    lng_e6: Mapped[int | None]
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    client_token: Mapped[str | None] = mapped_column(String(64))
    # Hotline cases: the caller is not a user; stored whole, shown masked.
    hotline_case_no: Mapped[str | None] = mapped_column(String(40))
    caller_name: Mapped[str | None] = mapped_column(String(32))
    caller_phone: Mapped[str | None] = mapped_column(String(20))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(String(16), default=TicketStatus.SUBMITTED)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"))
    reject_reason: Mapped[str | None] = mapped_column(String(200))
    escalation_level: Mapped[int] = mapped_column(default=Level.PROPERTY)
    accept_due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reply_due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Computed by the database from the two above, whatever writes them (bulk updates too):
    # stored on PostgreSQL, virtual on SQLite (which cannot add a stored column).
    deadline_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), Computed(DEADLINE_SQL, persisted=True)
    )
    escalate_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set once a deadline is missed (seen late by the handler or by the job): not on time.
    missed_deadline: Mapped[bool] = mapped_column(default=False)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    replied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    close_reason: Mapped[str | None] = mapped_column(String(16))
    rating: Mapped[int | None]
    rating_comment: Mapped[str | None] = mapped_column(String(200))
    rated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reopen_count: Mapped[int] = mapped_column(default=0)
    supporter_count: Mapped[int] = mapped_column(default=0)
    photo_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    estate: Mapped["Estate"] = relationship(lazy="raise")
    building: Mapped["Building | None"] = relationship(lazy="raise")
    reporter: Mapped["User | None"] = relationship(foreign_keys=[reporter_id], lazy="raise")
    assignee: Mapped["User | None"] = relationship(foreign_keys=[assignee_id], lazy="raise")
    events: Mapped[list["TicketEvent"]] = relationship(
        order_by="TicketEvent.id", viewonly=True, lazy="raise"
    )

    @property
    def deadline(self) -> datetime | None:
        """The deadline running now: to accept, then to reply; none once replied."""
        if self.status == TicketStatus.SUBMITTED:
            return self.accept_due_at
        return self.reply_due_at if self.status in HANDLING_STATUSES else None


# The order of every "newest first" ticket list: the time people see on the ticket, the id
# only as a tie-break (back-dated or imported reports have ids out of time order).
NEWEST_FIRST = (Ticket.created_at.desc(), Ticket.id.desc())
DEADLINE = Ticket.deadline_at


class TicketTally(db.Model):
    """How many tickets an estate has in one status and category: a list's total is the sum
    of a few of these rows instead of a count of its tickets (100,000 in a large estate).

    Kept exactly by triggers on ``ticket`` (migration 0023), so every writer counts, whether
    the services, a bulk ``UPDATE`` or SQL typed by hand. Loads that switch triggers off
    (``session_replication_role = replica``) call ``backend.tickets.tally.rebuild`` after."""

    estate_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    category: Mapped[str] = mapped_column(String(16), primary_key=True)
    tickets: Mapped[int]


class TicketPhoto(db.Model):
    """A re-encoded photo and its thumbnail. Uploaded first (``ticket_id`` empty), then
    attached to a new ticket or to the event that shows the work done."""

    __table_args__ = (
        Index("ix_ticket_photo_ticket", "ticket_id", "id"),
        Index("ix_ticket_photo_event", "event_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_event.id"))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    storage_key: Mapped[str] = mapped_column(String(200))
    thumb_key: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int]
    height: Mapped[int]
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TicketEvent(db.Model):
    """One step of the loop: who, when, what, with which note and photos."""

    __table_args__ = (
        Index("ix_ticket_event_ticket", "ticket_id", "id"),
        # Each rung is climbed once, however often or concurrently the job runs.
        Index(
            "uq_ticket_event_escalation",
            "ticket_id",
            "escalation_level",
            unique=True,
            postgresql_where=text("kind = 'escalated'"),
            sqlite_where=text("kind = 'escalated'"),
        ),
        Index("ix_ticket_event_estate_kind", "estate_id", "kind", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"))
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"))
    kind: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Written as people read it then ("物业项目经理 李*", "系统"), whatever roles change later.
    actor_label: Mapped[str] = mapped_column(String(60))
    note: Mapped[str | None] = mapped_column(Text)
    # The rung the ticket stood on after this event (levels never go down, even on reopen).
    escalation_level: Mapped[int] = mapped_column(default=Level.PROPERTY)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    photos: Mapped[list[TicketPhoto]] = relationship(
        order_by="TicketPhoto.id", viewonly=True, lazy="raise"
    )
    # Read to name the actor to each reader (backend.accounts.naming), not from the label.
    actor: Mapped["User | None"] = relationship(viewonly=True, lazy="raise")


class TicketSupporter(db.Model):
    """An owner who said "me too" (or whose duplicate report was folded in)."""

    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TicketTimeLimit(db.Model):
    """A county's own hours for one category; categories without a row use config."""

    __table_args__ = (
        UniqueConstraint("county_id", "category"),
        CheckConstraint("accept_hours > 0 AND reply_hours > 0", name="hours_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"))
    category: Mapped[str] = mapped_column(String(16))
    accept_hours: Mapped[int]
    reply_hours: Mapped[int]
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TicketDigest(db.Model):
    """What one message to an estate's group summarised: a week's figures, or one run's
    escalations. The unique key makes a rerun of the same week post nothing new."""

    __table_args__ = (UniqueConstraint("estate_id", "kind", "period_start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"))
    kind: Mapped[str] = mapped_column(String(12))  # "weekly" | "escalation"
    period_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    period_end: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    figures: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Open311Client(db.Model):
    """A civic tool allowed to read and file a county's tickets through Open311."""

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
