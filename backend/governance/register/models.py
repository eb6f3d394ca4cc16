"""The estate register's tables. Place ids are copied from the estate (as Estate copies them
from its community) so scope filters and figures are one indexed comparison."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.common.clock import utcnow
from backend.extensions import db
from backend.places.models import Estate

LIVE = text("ended_on IS NULL")
CURRENT_CHAIR = text("role = 'chair' AND left_on IS NULL")


class MemberRole(StrEnum):
    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    MEMBER = "member"


MEMBER_ROLE_LABELS = {
    MemberRole.CHAIR: "主任",
    MemberRole.VICE_CHAIR: "副主任",
    MemberRole.MEMBER: "委员",
}


class CandidateStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    ELECTED = "elected"


CANDIDATE_STATUS_LABELS = {
    CandidateStatus.ACTIVE: "在库",
    CandidateStatus.WITHDRAWN: "已退出",
    CandidateStatus.ELECTED: "已当选",
}


class PlaceColumns:
    """The estate and the places above it, copied when the row is written."""

    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"))
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"))


class Committee(PlaceColumns, db.Model):
    """One term of an estate's owners' committee (业主委员会), from its filing (备案) to the
    next term or its dissolution."""

    __table_args__ = (
        # At most one live term per estate: two officers recording at once record one.
        Index(
            "uq_committee_live_estate",
            "estate_id",
            unique=True,
            postgresql_where=LIVE,
            sqlite_where=LIVE,
        ),
        Index("ix_committee_estate_formed", "estate_id", "formed_on"),
        Index("ix_committee_county_formed", "county_id", "formed_on"),
        Index("ix_committee_township_formed", "township_id", "formed_on"),
        Index("ix_committee_community_formed", "community_id", "formed_on"),
        CheckConstraint("term_ends_on > formed_on", name="committee_term_after_forming"),
        CheckConstraint(
            "(ended_on IS NULL AND end_reason IS NULL)"
            " OR (ended_on IS NOT NULL AND end_reason IS NOT NULL AND ended_on >= formed_on)",
            name="committee_end_has_reason",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    formed_on: Mapped[date] = mapped_column(Date)
    term_ends_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(200))
    # Derived from the members by the configured rule whenever they change (rules.py).
    is_party_led: Mapped[bool] = mapped_column(Boolean, default=False)
    party_led_since: Mapped[date | None] = mapped_column(Date)
    # When the re-election reminder went to the estate's group chats (once per term).
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    estate: Mapped[Estate] = relationship()
    members: Mapped[list["CommitteeMember"]] = relationship(
        order_by="CommitteeMember.id", viewonly=True
    )


class CommitteeMember(db.Model):
    """A person on a committee term; removal sets left_on and keeps the row."""

    __table_args__ = (
        Index(
            "uq_committee_member_one_chair",
            "committee_id",
            unique=True,
            postgresql_where=CURRENT_CHAIR,
            sqlite_where=CURRENT_CHAIR,
        ),
        CheckConstraint("role IN ('chair', 'vice_chair', 'member')", name="member_role_known"),
        CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="member_left_after_join"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("committee_candidate.id"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    is_party_member: Mapped[bool] = mapped_column(Boolean, default=False)
    # Also the estate party branch's secretary (交叉任职).
    is_branch_secretary: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def role_label(self) -> str:
        return MEMBER_ROLE_LABELS[self.role]


class PartyBranch(db.Model):
    """A party branch (小区党支部) covering one or more estates of one community; a joint
    branch (联合党支部) covers several."""

    __table_args__ = (
        CheckConstraint(
            "dissolved_on IS NULL OR dissolved_on >= established_on", name="branch_dissolved_after"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("township.id"), index=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    secretary_name: Mapped[str] = mapped_column(String(32), default="")
    established_on: Mapped[date] = mapped_column(Date)
    dissolved_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    estates: Mapped[list[Estate]] = relationship(
        secondary="party_branch_estate", order_by="Estate.name", viewonly=True
    )


class PartyBranchEstate(db.Model):
    branch_id: Mapped[int] = mapped_column(ForeignKey("party_branch.id"), primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"), primary_key=True, index=True)


class VolunteerTeam(db.Model):
    """A volunteer team (志愿者队伍) of an estate."""

    __table_args__ = (CheckConstraint("member_count >= 0", name="team_members_not_negative"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    leader_name: Mapped[str] = mapped_column(String(32))
    leader_phone: Mapped[str | None] = mapped_column(String(20))
    member_count: Mapped[int] = mapped_column(default=0)
    founded_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CommitteeCandidate(db.Model):
    """A person in a community's committee candidate pool (业委会人选库)."""

    __table_args__ = (Index("ix_committee_candidate_community_status", "community_id", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(20))
    is_party_member: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(16), default=CandidateStatus.ACTIVE)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    estate: Mapped[Estate] = relationship()

    @property
    def status_label(self) -> str:
        return CANDIDATE_STATUS_LABELS[self.status]
