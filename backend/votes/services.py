"""Owners' votes: announcing a motion, its documents, cancelling it before voting opens,
casting ballots (by the owner or recorded from paper by the organiser), and closing on demand.

Who organises: the estate's owners' committee; where the estate has no committee, the
community (its auditors) organises instead, as the neighbourhood committee does in practice.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from backend.access.models import Membership
from backend.access.roles import Role
from backend.access.scope import get_estate_for, roles_on_estate, sees_estate
from backend.accounts.models import User
from backend.common import uploads
from backend.common.clock import as_utc, utcnow
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.extensions import db
from backend.places.models import Building, Estate
from backend.votes import lifecycle, rules, turnout
from backend.votes.models import (
    CHOICE_LABELS,
    Ballot,
    Elector,
    ElectorUser,
    Motion,
    MotionAttachment,
    MotionStatus,
)

S = MotionStatus
COMMITTEE_ROLES = (Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIR)
# Who may see per-unit ballots, export, and close a motion whose time is up.
SUPERVISOR_ROLES = (
    *COMMITTEE_ROLES,
    Role.AUDITOR,
    Role.TOWNSHIP_OFFICER,
    Role.COUNTY_OFFICER,
    Role.ADMIN,
)
ATTACHMENT_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx")
CHANNELS = {
    "miniprogram": "小程序",
    "wecom_text": "企业微信消息",
    "wecom_card": "企业微信投票卡片",
    "paper": "纸质表决票",
}
NOT_OPEN = {
    S.ANNOUNCED: "投票尚未开始，请在开始后再投票",
    S.CLOSED: "投票已结束，不能再投票",
    S.CANCELLED: "该表决已取消",
}


def has_committee(estate_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Membership.estate_id == estate_id, Membership.role.in_(COMMITTEE_ROLES)
                )
            )
        )
    )


def organiser_of(user: User, estate: Estate) -> str | None:
    """ "committee" or "community" if ``user`` may organise votes on the estate, else None."""
    roles = set(roles_on_estate(user, estate))
    if roles & set(COMMITTEE_ROLES):
        return "committee"
    if Role.AUDITOR in roles and not has_committee(estate.id):
        return "community"
    return None


def supervises(user: User, estate: Estate) -> bool:
    return bool(set(roles_on_estate(user, estate)) & set(SUPERVISOR_ROLES))


def _require_organiser(user: User, estate: Estate) -> str:
    organiser = organiser_of(user, estate)
    if organiser is None:
        raise Forbidden("只有业主委员会（未成立业委会的由社区）可以发起和管理表决")
    return organiser


def visible_motion(user: User, motion_id: int) -> Motion:
    """The motion, with its estate and attachments, if its estate is in the user's scope,
    brought up to the clock first. One statement, and no commit unless the clock moved it:
    a commit would expire every object the request has read (the user, the motion, the
    estate), and reading them again costs three statements.

    :raises NotFound: unknown, or outside the user's scope.
    """
    motion = (
        db.session.execute(
            select(Motion)
            .options(joinedload(Motion.estate), joinedload(Motion.attachments))
            .where(Motion.id == motion_id)
        )
        .unique()
        .scalar_one_or_none()
    )
    if motion is None:
        raise NotFound("未找到该表决，或您无权查看")
    if not sees_estate(user, motion.estate):
        raise NotFound()
    if lifecycle.is_due(motion, utcnow()):
        lifecycle.advance(motion.id, wait=False)
        db.session.commit()  # early commit: the catch-up stands even if the request is refused
    return motion


@unit_of_work
def upload_attachment(user: User, estate_id: int, filename: str, data: bytes) -> MotionAttachment:
    """Keep a document for a motion the organiser is about to announce.

    :raises NotFound: the estate is outside the user's scope.
    :raises Forbidden: the user does not organise votes there.
    :raises ValidationFailed: empty, of a kind we do not take, or not what its name says.
    """
    _require_organiser(user, get_estate_for(user, estate_id))
    stored = uploads.keep(filename, data, ATTACHMENT_SUFFIXES, "PDF、Word、Excel、JPG、PNG")
    row = MotionAttachment(estate_id=estate_id, uploaded_by_id=user.id, **stored)
    db.session.add(row)
    db.session.flush()
    return row


def attachment_for(user: User, attachment_id: int) -> MotionAttachment:
    """A document of a motion the user may read (or the uploader's own, not yet used).

    :raises NotFound: unknown, or outside the user's scope.
    """
    row = db.session.get(MotionAttachment, attachment_id)
    if row is None or (row.motion_id is None and row.uploaded_by_id != user.id):
        raise NotFound()
    get_estate_for(user, row.estate_id)
    return row


def _check_times(announced_at: datetime, opens_at: datetime, closes_at: datetime) -> None:
    cfg = current_app.config
    notice_days, max_days = cfg["VOTE_NOTICE_DAYS"], cfg["VOTE_MAX_DAYS"]
    if opens_at < announced_at + timedelta(days=notice_days):
        raise ValidationFailed(
            f"投票开始时间须在公告之日起至少 {notice_days} 日之后",
            fields={"opens_at": [f"至少在 {notice_days} 日后开始"]},
        )
    # Owners read a notice for the vote at hand: voting opens at most one longest voting
    # period after the notice period ends (75 days by default), not in a year nobody plans.
    latest_days = notice_days + max_days
    if opens_at > announced_at + timedelta(days=latest_days):
        raise ValidationFailed(
            f"投票开始时间须在公告之日起 {latest_days} 日之内",
            fields={"opens_at": [f"最晚在 {latest_days} 日内开始"]},
        )
    if closes_at <= opens_at:
        raise ValidationFailed(
            "投票结束时间须晚于开始时间", fields={"closes_at": ["须晚于开始时间"]}
        )
    if closes_at - opens_at > timedelta(days=max_days):
        raise ValidationFailed(
            f"投票期不能超过 {max_days} 日", fields={"closes_at": [f"投票期最长 {max_days} 日"]}
        )


@unit_of_work
def create_motion(user: User, estate_id: int, args: dict) -> Motion:
    """Announce a motion: its documents are public to the estate from now, voting opens at
    ``opens_at`` (at least the notice period later) and the group chats are told.

    :raises NotFound: the estate is outside the user's scope.
    :raises Forbidden: the user does not organise votes there.
    :raises ValidationFailed: bad times, or attachments that are not the user's unused uploads.
    """
    estate = get_estate_for(user, estate_id)
    organiser = _require_organiser(user, estate)
    now = utcnow()
    opens_at, closes_at = as_utc(args["opens_at"]), as_utc(args["closes_at"])
    _check_times(now, opens_at, closes_at)
    building_ids = _building_scope(estate, args["matter"], args.get("building_ids") or ())
    motion = Motion(
        estate_id=estate.id,
        matter=args["matter"],
        title=args["title"],
        body=args["body"],
        organiser=organiser,
        created_by_id=user.id,
        announced_at=now,
        opens_at=opens_at,
        closes_at=closes_at,
        building_ids=building_ids,
    )
    db.session.add(motion)
    db.session.flush()
    _attach(user, motion, args.get("attachment_ids") or ())
    lifecycle.post(motion, "announced")
    return motion


def _building_scope(estate: Estate, matter: str, building_ids) -> list[int] | None:
    """The buildings whose owners alone vote (sorted), or None for the whole estate.

    :raises ValidationFailed: a scope on another matter, or buildings of another estate.
    """
    ids = sorted(set(building_ids))
    if not ids:
        return None
    if matter != "use_maintenance_fund":
        raise ValidationFailed(
            "只有使用维修资金的表决可以限定楼栋", fields={"building_ids": ["该事项不能限定楼栋"]}
        )
    found = db.session.scalars(
        select(Building.id).where(Building.id.in_(ids), Building.estate_id == estate.id)
    ).all()
    if len(found) != len(ids):
        raise ValidationFailed("楼栋不属于本小区", fields={"building_ids": ["楼栋无效"]})
    return ids


def _attach(user: User, motion: Motion, attachment_ids) -> None:
    ids = set(attachment_ids)
    if not ids:
        return
    rows = db.session.scalars(
        select(MotionAttachment)
        .where(
            MotionAttachment.id.in_(ids),
            MotionAttachment.uploaded_by_id == user.id,
            MotionAttachment.estate_id == motion.estate_id,
            MotionAttachment.motion_id.is_(None),
        )
        .with_for_update()
    ).all()
    if len(rows) != len(ids):
        raise ValidationFailed(
            "附件不存在或已被使用，请重新上传", fields={"attachment_ids": ["附件无效"]}
        )
    for row in rows:
        row.motion_id = motion.id


@unit_of_work
def cancel_motion(user: User, motion_id: int, reason: str) -> Motion:
    """Withdraw a motion before voting opens; the group chats are told why.

    :raises NotFound: unknown, or outside the user's scope.
    :raises Forbidden: the user does not organise votes on the estate.
    :raises Conflict: voting has already opened (a vote in progress is never withdrawn).
    """
    motion = visible_motion(user, motion_id)
    _require_organiser(user, motion.estate)
    motion = lifecycle.lock(motion.id)
    if motion.status != S.ANNOUNCED or utcnow() >= as_utc(motion.opens_at):
        raise Conflict("投票已经开始或已结束，不能取消", code="motion_not_announced")
    motion.status, motion.cancelled_at, motion.cancel_reason = S.CANCELLED, utcnow(), reason
    lifecycle.post(motion, "cancelled")
    return motion


def close_motion(user: User, motion_id: int) -> Motion:
    """Tally a motion whose time is up now, without waiting for the scheduler.

    :raises NotFound: unknown, or outside the user's scope.
    :raises Forbidden: neither the organiser nor a supervisor of the estate.
    :raises Conflict: voting has not ended yet, or the motion was cancelled.
    """
    motion = visible_motion(user, motion_id)
    if not supervises(user, motion.estate) and not organiser_of(user, motion.estate):
        raise Forbidden("只有业主委员会、社区或主管部门可以计票")
    if motion.status == S.CANCELLED:
        raise Conflict("该表决已取消", code="motion_cancelled")
    if motion.status != S.CLOSED:
        raise Conflict(
            "投票尚未结束，结束后才能计票（投票中只公布参与情况）", code="motion_not_ended"
        )
    return motion


def _elector_of(motion: Motion, user: User) -> tuple[int, int]:
    """(elector id, its area) of the user on the motion.

    :raises Forbidden: the user was not a verified owner when voting opened.
    """
    row = db.session.execute(
        select(ElectorUser.elector_id, Elector.area_dm2)
        .join(Elector, Elector.id == ElectorUser.elector_id)
        .where(ElectorUser.motion_id == motion.id, ElectorUser.user_id == user.id)
    ).first()
    if row is None:
        raise Forbidden("您在投票开始时不是本小区的认证业主，不能参与本次表决", code="not_eligible")
    return row.elector_id, row.area_dm2


def _lock_open(motion_id: int) -> Motion:
    """The motion under a shared lock, open for ballots.

    :raises Conflict: not open (not yet, ended or cancelled).
    """
    motion = lifecycle.lock(motion_id, shared=True)
    if motion.status != S.OPEN or utcnow() >= as_utc(motion.closes_at):
        raise Conflict(NOT_OPEN.get(motion.status, NOT_OPEN[S.CLOSED]), code="motion_not_open")
    return motion


def _insert_ballot(motion: Motion, elector: tuple[int, int], choice, by: User, channel, note=None):
    """Insert the ballot of ``elector`` (id, area) and count it in the motion's turnout.

    :raises ValidationFailed: the choice is not yes, no or abstain.
    :raises Conflict: the elector has already voted (already_voted).
    """
    elector_id, area_dm2 = elector
    if choice not in CHOICE_LABELS:
        raise ValidationFailed("请选择赞成、反对或弃权", fields={"choice": ["无效的选项"]})
    ballot = Ballot(
        motion_id=motion.id,
        elector_id=elector_id,
        choice=choice,
        cast_by_id=by.id,
        channel=channel,
        note=note,
    )
    db.session.add(ballot)
    try:
        db.session.flush()
    except IntegrityError:
        raise Conflict("已投票，表决票一经提交不可更改", code="already_voted") from None
    turnout.count_ballot(motion.id, area_dm2)
    return ballot


@unit_of_work
def cast_ballot(user: User, motion_id: int, choice: str, channel: str = "miniprogram") -> Ballot:
    """The owner's one ballot on an open motion, final once cast.

    :raises NotFound: unknown, or outside the user's scope.
    :raises Conflict: voting is not open (code motion_not_open), or this owner has already
        voted (code already_voted; co-owners share one ballot).
    :raises Forbidden: the user was not a verified owner when voting opened (not_eligible).
    :raises ValidationFailed: the choice is not yes, no or abstain.
    """
    motion = visible_motion(user, motion_id)
    motion = _lock_open(motion.id)
    return _insert_ballot(motion, _elector_of(motion, user), choice, user, channel)


@unit_of_work
def record_paper_ballot(user: User, motion_id: int, elector_id: int, choice: str, note: str):
    """The organiser records a paper ballot (an owner without the app, the developer).

    :raises NotFound: unknown motion or elector, or outside the user's scope.
    :raises Forbidden: the user does not organise votes on the estate.
    :raises Conflict: voting is not open, or that owner has already voted.
    """
    motion = visible_motion(user, motion_id)
    _require_organiser(user, motion.estate)
    motion = _lock_open(motion.id)
    elector = db.session.get(Elector, elector_id)
    if elector is None or elector.motion_id != motion.id:
        raise NotFound("表决名册中没有该业主", fields={"elector_id": ["不在本次表决名册中"]})
    return _insert_ballot(motion, (elector.id, elector.area_dm2), choice, user, "paper", note)


def outcome_of(motion: Motion) -> rules.Outcome | None:
    if motion.status != S.CLOSED:
        return None
    return rules.Outcome(quorum_met=bool(motion.quorum_met), passed=bool(motion.passed))
