"""Subscribe consents: how many messages of one template a person has allowed and not yet
received, and whether WeChat answered ``ban`` (then the template is never asked for again)."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.common.clock import utcnow
from backend.extensions import db


class SubscribeConsent(db.Model):
    __table_args__ = (UniqueConstraint("user_id", "template_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    template_id: Mapped[str] = mapped_column(String(128))
    # Each `accept` allows one message (WeChat's consents are one-time and add up); each
    # message sent spends one.
    remaining: Mapped[int] = mapped_column(default=0)
    banned: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
