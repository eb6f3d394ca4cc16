"""Appeals against a confirmed rating (申诉): the estate's committee chair or members or its
property manager appeal within LINLI_RATING_APPEAL_DAYS of confirmation, one open appeal at a
time; a county officer upholds it (the rating goes back to draft for rescoring) or dismisses
it with a reason. The rating's row is locked, so two appeals at once open one."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.access.roles import Role
from backend.access.scope import get_estate_for, roles_on_estate
from backend.accounts.models import User
from backend.common.clock import as_utc, utcnow
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.extensions import db
from backend.governance.ratings import services
from backend.governance.ratings.models import (
    AppealStatus,
    EstateRating,
    RatingAppeal,
    RatingStatus,
)

APPELLANT_ROLES = (Role.COMMITTEE_CHAIR, Role.COMMITTEE_MEMBER, Role.PROPERTY_MANAGER)
REASON_MAX = 1000
DECISION_MAX = 500
RATING_NOT_FOUND = "未找到该评定，或您无权查看"


def appeal_deadline(rating: EstateRating):
    return as_utc(rating.confirmed_at) + timedelta(days=current_app.config["RATING_APPEAL_DAYS"])


@unit_of_work
def appeal(user: User, rating_id: int, reason: str) -> RatingAppeal:
    """Appeal a confirmed rating of the user's estate; one transaction.

    :raises NotFound: no such rating, or its estate is outside the user's memberships.
    :raises Forbidden: the user is no committee member or property manager of the estate.
    :raises ValidationFailed: no reason, or one too long.
    :raises Conflict: not confirmed, past the appeal window, or an appeal already open.
    """
    rating = db.session.get(EstateRating, rating_id)
    if rating is None:
        raise NotFound(RATING_NOT_FOUND)
    estate = get_estate_for(user, rating.estate_id)
    if not set(roles_on_estate(user, estate)) & set(APPELLANT_ROLES):
        raise Forbidden("只有本小区业委会或物业项目经理可以申诉")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": ["请填写申诉理由"]})
    if len(reason) > REASON_MAX:
        raise ValidationFailed(fields={"reason": [f"申诉理由不能超过 {REASON_MAX} 个字"]})
    rating = services.locked_rating(rating.id)
    if rating.status != RatingStatus.CONFIRMED:
        raise Conflict("该评定尚未确认或正在重新评分，暂不能申诉", code="rating_not_confirmed")
    days = current_app.config["RATING_APPEAL_DAYS"]
    if utcnow() >= appeal_deadline(rating):
        raise Conflict(f"已超过申诉期限（评定确认后 {days} 天内）", code="appeal_window_closed")
    if open_appeal(rating.id) is not None:
        raise Conflict("该评定已有待处理的申诉，请等待处理结果", code="appeal_open")
    row = RatingAppeal(
        rating_id=rating.id, estate_id=rating.estate_id, appellant_id=user.id, reason=reason
    )
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError as exc:  # the partial unique index: one open appeal per rating
        raise Conflict("该评定已有待处理的申诉，请等待处理结果", code="appeal_open") from exc
    return row


def open_appeal(rating_id: int) -> RatingAppeal | None:
    return db.session.scalar(
        select(RatingAppeal).where(
            RatingAppeal.rating_id == rating_id, RatingAppeal.status == AppealStatus.OPEN
        )
    )


def open_appeals(rating_ids: list[int]) -> dict[int, RatingAppeal]:
    """The open appeal of each of ``rating_ids`` that has one, by rating id."""
    if not rating_ids:
        return {}
    found = db.session.scalars(
        select(RatingAppeal).where(
            RatingAppeal.rating_id.in_(rating_ids), RatingAppeal.status == AppealStatus.OPEN
        )
    )
    return {appeal.rating_id: appeal for appeal in found}


def appeals_of(rating_id: int) -> list[RatingAppeal]:
    return list(
        db.session.scalars(
            select(RatingAppeal)
            .where(RatingAppeal.rating_id == rating_id)
            .order_by(RatingAppeal.created_at.desc(), RatingAppeal.id.desc())
        )
    )


@unit_of_work
def decide(
    user: User, appeal_id: int, uphold: bool, reason: str = "", estate_id: int | None = None
) -> RatingAppeal:
    """Decide an open appeal (county officers): upheld sends the rating back to draft (stars
    cleared) for rescoring; dismissed needs a reason. One transaction, appeal row locked.

    :raises NotFound: no such appeal (of ``estate_id`` if given), or outside the user's scope.
    :raises Forbidden: the user is no county officer of the estate.
    :raises ValidationFailed: dismissing without a reason, or one too long.
    :raises Conflict: the appeal is already decided.
    """
    row = db.session.get(RatingAppeal, appeal_id)
    if row is None or estate_id not in (None, row.estate_id):
        raise NotFound("未找到该申诉，或您无权查看")
    estate = services.staff_estate(user, row.estate_id)
    if not services.may(user, estate, services.COUNTY_ROLES):
        raise Forbidden("申诉由县住建局处理")
    reason = (reason or "").strip()
    if not uphold and not reason:
        raise ValidationFailed(fields={"decision_reason": ["请填写驳回理由"]})
    if len(reason) > DECISION_MAX:
        raise ValidationFailed(
            fields={"decision_reason": [f"处理意见不能超过 {DECISION_MAX} 个字"]}
        )
    row = db.session.scalar(
        select(RatingAppeal)
        .where(RatingAppeal.id == appeal_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if row.status != AppealStatus.OPEN:
        raise Conflict("该申诉已处理", code="appeal_decided")
    row.status = AppealStatus.UPHELD if uphold else AppealStatus.DISMISSED
    row.decided_at = utcnow()
    row.decided_by_id = user.id
    row.decision_reason = reason or None
    if uphold:
        rating = services.locked_rating(row.rating_id)
        rating.status = RatingStatus.DRAFT
        rating.stars = 0
        rating.five_star_review = None
        rating.five_star_reason = None
        rating.confirmed_at = None
        rating.confirmed_by_id = None
    return row
