"""Notices (公告): written once, read by owners, delivered to group chats via the outbox."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.common.clock import utcnow
from backend.common.stored_files import StoredFileColumns
from backend.extensions import db


class Notice(db.Model):
    __table_args__ = (
        Index("ix_notice_audience", "audience_kind", "audience_id"),
        # A retried post (double tap, lost response) carries the same token: one notice.
        UniqueConstraint("author_id", "client_token"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    client_token: Mapped[str | None] = mapped_column(String(64))
    author_role: Mapped[str] = mapped_column(String(32))
    # Written once, as people read it then ("阳光小区业委会"), whatever roles change later.
    author_label: Mapped[str] = mapped_column(String(80))
    audience_kind: Mapped[str] = mapped_column(String(12))
    audience_id: Mapped[int]
    audience_label: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(Text)
    pinned: Mapped[bool] = mapped_column(default=False)
    attachment_count: Mapped[int] = mapped_column(default=0)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    withdraw_reason: Mapped[str | None] = mapped_column(String(200))
    attachments: Mapped[list["NoticeAttachment"]] = relationship(
        order_by="NoticeAttachment.id", viewonly=True
    )

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class NoticeEstate(db.Model):
    """The estates a notice reached when it was published (its audience, resolved once)."""

    __table_args__ = (Index("ix_notice_estate_estate", "estate_id", "notice_id"),)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"), primary_key=True)


class NoticeRead(db.Model):
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class NoticeAttachment(StoredFileColumns, db.Model):
    """A file uploaded for a notice; ``notice_id`` stays empty until a notice uses it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
