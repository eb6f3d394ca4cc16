"""A joint meeting (四方联席会议) of a community: who came for each of the four parties, the
items (议题) it took up with their decisions and follow-up, and its minutes (纪要)."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.common.clock import utcnow
from backend.common.stored_files import StoredFileColumns
from backend.extensions import db
from backend.places.models import Community, Estate


class Party(StrEnum):
    COMMUNITY_PARTY = "community_party"  # 社区党组织
    PARTY_BRANCH = "party_branch"  # 小区党支部
    PROPERTY_COMPANY = "property_company"  # 物业服务企业
    COMMITTEE = "committee"  # 业主委员会


PARTY_LABELS = {
    Party.COMMUNITY_PARTY: "社区党组织",
    Party.PARTY_BRANCH: "小区党支部",
    Party.PROPERTY_COMPANY: "物业服务企业",
    Party.COMMITTEE: "业主委员会",
}


class JointMeeting(db.Model):
    """One meeting held by a community; place ids copied so scope filters are one column."""

    __table_args__ = (
        # A form sent twice (a double click, a retry after a lost answer) is one meeting; its
        # index also serves the community's meetings by date.
        UniqueConstraint("community_id", "held_on", "topic"),
        Index("ix_joint_meeting_township_held", "township_id", "held_on"),
        Index("ix_joint_meeting_county_held", "county_id", "held_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"))
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"))
    held_on: Mapped[date] = mapped_column(Date)  # as the community dates it (Shanghai)
    location: Mapped[str] = mapped_column(String(100))
    topic: Mapped[str] = mapped_column(String(200))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    community: Mapped[Community] = relationship()
    attendees: Mapped[list["MeetingAttendee"]] = relationship(
        order_by="MeetingAttendee.id", viewonly=True
    )
    items: Mapped[list["AgendaItem"]] = relationship(order_by="AgendaItem.id", viewonly=True)
    minutes: Mapped[list["MeetingMinutes"]] = relationship(
        order_by="MeetingMinutes.id", viewonly=True
    )


class MeetingAttendee(db.Model):
    """One person at a meeting, for one of the four parties."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("joint_meeting.id"), index=True)
    party: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(32))
    post: Mapped[str] = mapped_column(String(32), default="")
    # The estate the person speaks for (a branch secretary, a committee chair), if one.
    estate_id: Mapped[int | None] = mapped_column(ForeignKey("estate.id"), index=True)
    estate: Mapped[Estate | None] = relationship()


class AgendaItem(db.Model):
    """An item (议题) taken up at a meeting. A decided item names who carries it out and by
    when; its follow-up is marking the decision done. A dispute (矛盾纠纷) may be resolved."""

    __table_args__ = (
        CheckConstraint(
            "(decision = '' AND owner = '' AND deadline IS NULL AND done_at IS NULL)"
            " OR (decision <> '' AND owner <> '' AND deadline IS NOT NULL)",
            name="decision_has_owner_and_deadline",
        ),
        CheckConstraint(
            "(done_at IS NULL AND done_by_id IS NULL)"
            " OR (done_at IS NOT NULL AND done_by_id IS NOT NULL)",
            name="done_has_who",
        ),
        CheckConstraint("is_dispute OR NOT dispute_resolved", name="resolved_only_if_dispute"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("joint_meeting.id"), index=True)
    estate_id: Mapped[int | None] = mapped_column(ForeignKey("estate.id"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), index=True)
    problem_item_id: Mapped[int | None] = mapped_column(ForeignKey("problem_item.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    is_dispute: Mapped[bool] = mapped_column(default=False)
    dispute_resolved: Mapped[bool] = mapped_column(default=False)
    decision: Mapped[str] = mapped_column(String(1000), default="")
    owner: Mapped[str] = mapped_column(String(64), default="")  # 责任方/责任人
    deadline: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    estate: Mapped[Estate | None] = relationship()

    @property
    def is_decided(self) -> bool:
        return bool(self.decision)


class MeetingMinutes(StoredFileColumns, db.Model):
    """The minutes (纪要) of a meeting: a PDF or a photo of the signed pages."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("joint_meeting.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
