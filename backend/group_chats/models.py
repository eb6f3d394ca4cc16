"""Each estate's supervision group chats (小微权力监督群) and how the bot reaches them."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.common.clock import utcnow
from backend.extensions import db
from backend.places.models import Estate


class ChannelKind(StrEnum):
    WECOM_ROBOT = "wecom_robot"  # address: the group robot's webhook key
    WECOM_APPCHAT = "wecom_appchat"  # address: the chat id of a group the WeCom app created


class GroupProfile(StrEnum):
    """Who is in a group, which decides what the bot may post there: WeCom members see every
    robot message type, personal-WeChat members of an external group (客户群) see only text,
    images and news links (WECHAT.md)."""

    INTERNAL = "internal"  # WeCom members only: the committee's or the workers' own chat
    EXTERNAL = "external"  # has owners who joined from personal WeChat


PROFILE_LABELS = {
    GroupProfile.INTERNAL: "内部群（仅企业微信成员）",
    GroupProfile.EXTERNAL: "外部群（含个人微信业主）",
}


CHANNEL_LABELS = {
    ChannelKind.WECOM_ROBOT: "企业微信群机器人",
    ChannelKind.WECOM_APPCHAT: "企业微信应用群聊",
}


class GroupChat(db.Model):
    """One group the bot posts into. ``address`` is a secret: anyone holding a robot key can
    post into the group, so it is never returned by the API or shown in full."""

    __table_args__ = (UniqueConstraint("channel", "address"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(default=True)
    profile: Mapped[str] = mapped_column(
        String(10), default=GroupProfile.INTERNAL, server_default=GroupProfile.INTERNAL.value
    )
    # The member count a community worker last read off the group; WeCom's robot API cannot
    # tell it, so it is recorded by hand (with when) for the group's liveness figures.
    member_count: Mapped[int | None]
    member_count_recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The group's join QR code as WeCom shows it (a stored upload), framed into the poster
    # owners scan to join; WeCom has no API that hands it to a robot.
    join_qr_key: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    estate: Mapped[Estate] = relationship()

    @property
    def address_hint(self) -> str:
        return "••••" + self.address[-4:]

    @property
    def has_join_qr(self) -> bool:
        return self.join_qr_key is not None
