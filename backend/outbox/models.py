"""Outbox rows: one message (in one or more parts) for one group chat or one person, written
in the same transaction as the fact it announces and delivered by a job."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.common.clock import utcnow
from backend.extensions import db
from backend.group_chats.models import GroupChat


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for the relay (new, deferred or requeued)
    QUEUED = "queued"  # handed to a job queue
    RETRYING = "retrying"  # failed, another try is scheduled
    SENT = "sent"
    DEAD = "dead"  # out of tries or refused for good; an admin may requeue it
    CANCELLED = "cancelled"  # no longer wanted (e.g. the notice was withdrawn before sending)


STATUS_LABELS = {
    OutboxStatus.PENDING: "待发送",
    OutboxStatus.QUEUED: "发送中",
    OutboxStatus.RETRYING: "重试中",
    OutboxStatus.SENT: "已送达",
    OutboxStatus.DEAD: "发送失败",
    OutboxStatus.CANCELLED: "已取消",
}

# Rows a job may still send.
OPEN_STATUSES = (OutboxStatus.PENDING, OutboxStatus.QUEUED, OutboxStatus.RETRYING)


class OutboxMessage(db.Model):
    __table_args__ = (
        # The relay's two questions: what is due, and what has been in flight too long.
        Index("ix_outbox_message_due", "status", "available_at"),
        Index("ix_outbox_message_lease", "status", "lease_until"),
        # The delivery log: an estate's rows newest first by created_at (read backwards).
        Index("ix_outbox_message_estate", "estate_id", "created_at", "id"),
        Index("ix_outbox_message_group", "group_chat_id", "id"),
        # Who a subject was already sent to (the escalation job asks it every batch; the
        # outbox keeps every row, so without it that is a scan of all ever sent).
        Index("ix_outbox_message_topic_subject", "topic", "subject_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # What is announced, e.g. ("notice.published", notice id).
    topic: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int]
    # "<topic>:<subject>:<target>": the same message can never be queued twice for a target.
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    estate_id: Mapped[int | None] = mapped_column(ForeignKey("estate.id"))
    group_chat_id: Mapped[int | None] = mapped_column(ForeignKey("group_chat.id"))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    # The parts to send, in order, already cut to the channel's limits (bot.messages).
    payload: Mapped[list] = mapped_column(JSON)
    parts_sent: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(12), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    available_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # While queued or retrying: when the relay should suspect the job was lost.
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    group_chat: Mapped[GroupChat | None] = relationship()

    @property
    def parts_total(self) -> int:
        return len(self.payload or [])
