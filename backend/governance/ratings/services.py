"""An estate's yearly rating: scoring the sheet, submitting it, the county's confirmation and
the 5★ review.

Who may do what, on the estates in their scope (outside it: 404):
- township officers (and county officers, admins) score and submit; auditors and estate roles
  read the sheet but get 403 on scoring;
- county officers (and admins) confirm a submitted rating and grant or decline 5★;
- stars come from the total and LINLI_STAR_THRESHOLDS: below the first no star (未评星), then
  1★..4★; a total at or above the last threshold is only eligible for 5★ and stays 4★ until
  the county's review grants it.
Confirming and reviewing lock the rating's row: two officers at once act once.
"""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.access.roles import Role
from backend.access.scope import roles_on_estate, visible_estates
from backend.accounts.models import User
from backend.common.clock import utcnow
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.extensions import db
from backend.governance.ratings import criteria, sources
from backend.governance.ratings.models import (
    EstateRating,
    FiveStarReview,
    RatingScore,
    RatingStatus,
)
from backend.group_chats.audience import active_groups
from backend.outbox import services as outbox
from backend.places.models import Estate

STAFF_ROLES = (Role.AUDITOR, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.ADMIN)
SCORER_ROLES = (Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.ADMIN)
COUNTY_ROLES = criteria.COUNTY_ROLES
CONFIRMED_TOPIC = "rating.confirmed"
ESTATE_NOT_FOUND = "未找到该小区，或您无权查看"
REASON_MAX = 500


def thresholds() -> tuple[int, ...]:
    """The five totals from LINLI_STAR_THRESHOLDS (checked at start): where 1★..4★ begin, and
    5★ eligibility."""
    return tuple(current_app.config["STAR_THRESHOLDS"])


def stars_for(total: int) -> tuple[int, bool]:
    """(stars before any review, eligible for 5★)."""
    limits = thresholds()
    return sum(total >= t for t in limits[:4]), total >= limits[4]


def staff_estate(user: User, estate_id: int) -> Estate:
    """:raises NotFound: no such estate, or not one the user supervises."""
    estate = db.session.scalar(visible_estates(user, STAFF_ROLES).where(Estate.id == estate_id))
    if estate is None:
        raise NotFound(ESTATE_NOT_FOUND)
    return estate


def may(user: User, estate: Estate, roles) -> bool:
    return bool(set(roles_on_estate(user, estate)) & set(roles))


def rating_of(estate_id: int, year: int) -> EstateRating | None:
    return db.session.scalar(
        select(EstateRating).where(EstateRating.estate_id == estate_id, EstateRating.year == year)
    )


@dataclass
class SheetLine:
    """A criterion of the sheet as scored: its stored points, or the value Linli's records
    give it now (``figure``), or nothing yet."""

    line: criteria.Line
    points: int | None
    basis: str
    figure: sources.Figure | None

    @property
    def manual(self) -> bool:
        """Scored by hand: a manual criterion, or an automatic one without records."""
        return not self.line.is_auto or self.figure is None


def sheet_lines(estate: Estate, year: int, rating: EstateRating | None) -> list[SheetLine]:
    """The year's criteria with their points. A draft shows automatic values as Linli's
    records give them today; a submitted sheet shows what was submitted."""
    stored = {s.code: s for s in rating.scores} if rating else {}
    live = rating is None or rating.status == RatingStatus.DRAFT
    found = sources.figures(estate.id, year) if live else {}
    lines = []
    for line in criteria.sheet(estate.county_id, year):
        score = stored.get(line.code)
        figure = found.get(line.source) if line.is_auto else None
        if live and figure is not None:
            lines.append(SheetLine(line, figure.points(line.max_points), figure.basis, figure))
        else:
            # Stored points: hand-scored, or an automatic value as it was submitted.
            points = score.points if score else None
            lines.append(SheetLine(line, points, score.basis if score else "", None))
    return lines


def _parse_points(lines: list[SheetLine], given: dict, complete: bool) -> dict[str, int]:
    """The hand-scored points from ``given`` (code -> int or None).

    :raises ValidationFailed: a value not an integer 0..max; with ``complete``, one missing.
    """
    errors, points = {}, {}
    for sl in lines:
        if not sl.manual:
            continue
        value = given.get(sl.line.code)
        if value is None or value == "":
            if complete:
                errors[sl.line.code] = [f"请为「{sl.line.name}」评分"]
            continue
        ok = isinstance(value, int) and not isinstance(value, bool)
        if not ok or not 0 <= value <= sl.line.max_points:
            errors[sl.line.code] = [f"「{sl.line.name}」应为 0–{sl.line.max_points} 的整数"]
            continue
        points[sl.line.code] = value
    if errors:
        raise ValidationFailed(fields=errors)
    return points


def _draft(user: User, estate: Estate, year: int) -> EstateRating:
    """The estate's rating for the year, created as a draft if there is none (locked)."""
    rating = db.session.scalar(
        select(EstateRating)
        .where(EstateRating.estate_id == estate.id, EstateRating.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if rating is None:
        rating = EstateRating(
            estate_id=estate.id,
            community_id=estate.community_id,
            township_id=estate.township_id,
            county_id=estate.county_id,
            year=year,
            status=RatingStatus.DRAFT,
        )
        db.session.add(rating)
        try:
            db.session.flush()
        except IntegrityError as exc:
            raise Conflict("另一位干部正在为该小区评分，请刷新后重试") from exc
    if rating.status != RatingStatus.DRAFT:
        raise Conflict("该小区本年度评分已提交，不能再修改", code="rating_not_draft")
    return rating


@unit_of_work
def score(user: User, estate_id: int, year, given: dict, submit: bool = False) -> EstateRating:
    """Save the sheet of an estate's year (hand-scored points by criterion code; automatic
    ones from Linli's records), and with ``submit`` send it to the county; one transaction.

    :raises NotFound: the estate is outside the user's scope.
    :raises Forbidden: the user is no township or county officer of it (auditors).
    :raises ValidationFailed: a bad year; points not integers 0..max; on submit, one missing.
    :raises Conflict: the rating is already submitted or confirmed.
    """
    estate = staff_estate(user, estate_id)
    if not may(user, estate, SCORER_ROLES):
        raise Forbidden("星级评定由街道（乡镇）或县住建局评分，社区不能评分")
    year = criteria.check_year(year)
    if submit:
        criteria.lock_county(estate.county_id, share=True)
    lines = sheet_lines(estate, year, None)
    points = _parse_points(lines, given, complete=submit)
    criteria.freeze_default(estate.county_id, year)
    rating = _draft(user, estate, year)
    stored = {s.code: s for s in rating.scores}
    total = 0
    for sl in lines:
        value = points.get(sl.line.code) if sl.manual else sl.points
        basis = "" if sl.manual else sl.basis
        row = stored.pop(sl.line.code, None)
        if value is None:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(
                RatingScore(rating_id=rating.id, code=sl.line.code, points=value, basis=basis)
            )
        else:
            row.points, row.basis = value, basis
        total += value or 0
    for leftover in stored.values():  # a criterion no longer on the sheet
        db.session.delete(leftover)
    rating.total = total
    rating.scored_by_id = user.id
    if submit:
        rating.status = RatingStatus.SUBMITTED
        rating.submitted_at = utcnow()
        rating.submitted_by_id = user.id
    return rating


def locked_rating(rating_id: int) -> EstateRating:
    rating = db.session.scalar(
        select(EstateRating)
        .where(EstateRating.id == rating_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if rating is None:
        raise NotFound("未找到该评定，或您无权查看")
    return rating


def county_rating(user: User, estate_id: int, year: int) -> EstateRating:
    """The estate's rating, if the user confirms ratings there.

    :raises NotFound: outside the user's scope, or no rating that year.
    :raises Forbidden: the user is no county officer of the estate.
    """
    estate = staff_estate(user, estate_id)
    if not may(user, estate, COUNTY_ROLES):
        raise Forbidden("星级评定由县住建局确认")
    rating = rating_of(estate.id, year)
    if rating is None:
        raise NotFound("该小区本年度尚未评分")
    return rating


@unit_of_work
def confirm(user: User, estate_id: int, year: int) -> EstateRating:
    """Confirm a submitted rating (county officers): stars from the total; a total eligible
    for 5★ is confirmed as 4★ with the 5★ review pending. One transaction, row locked.

    :raises NotFound, Forbidden: as ``county_rating``.
    :raises Conflict: not submitted (a draft, or already confirmed — also when two confirm).
    """
    rating = locked_rating(county_rating(user, estate_id, year).id)
    if rating.status != RatingStatus.SUBMITTED:
        raise Conflict("该评定不是待确认状态（可能已被确认），请刷新后查看", code="not_submitted")
    stars, eligible = stars_for(rating.total)
    rating.status = RatingStatus.CONFIRMED
    rating.stars = stars
    rating.five_star_review = FiveStarReview.PENDING if eligible else None
    rating.five_star_reason = None
    rating.confirmed_at = utcnow()
    rating.confirmed_by_id = user.id
    outbox.add_once_for_groups(CONFIRMED_TOPIC, rating.id, active_groups([rating.estate_id]))
    return rating


@unit_of_work
def review_five_stars(
    user: User, estate_id: int, year: int, grant: bool, reason: str = ""
) -> EstateRating:
    """Grant 5★ to a confirmed rating eligible for it, or decline with a reason (county
    officers); one transaction, row locked.

    :raises NotFound, Forbidden: as ``county_rating``.
    :raises ValidationFailed: declining without a reason, or one too long.
    :raises Conflict: no 5★ review pending.
    """
    reason = (reason or "").strip()
    if not grant and not reason:
        raise ValidationFailed(fields={"reason": ["请填写不授予五星的理由"]})
    if len(reason) > REASON_MAX:
        raise ValidationFailed(fields={"reason": [f"理由不能超过 {REASON_MAX} 个字"]})
    rating = locked_rating(county_rating(user, estate_id, year).id)
    if rating.status != RatingStatus.CONFIRMED or rating.five_star_review != (
        FiveStarReview.PENDING
    ):
        raise Conflict("该评定没有待审核的五星申请", code="no_five_star_review")
    rating.five_star_review = FiveStarReview.GRANTED if grant else FiveStarReview.DECLINED
    rating.stars = 5 if grant else rating.stars
    rating.five_star_reason = reason or None
    rating.five_star_by_id = user.id
    return rating
