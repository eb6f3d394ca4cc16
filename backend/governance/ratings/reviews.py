"""Property-manager stars (物业项目经理星级) and committee performance reviews (业委会履职评价),
one per person or estate and year; giving one again replaces it.

- Manager stars: township and county officers (and admins), for a user who is property
  manager of an estate in their scope; 1–5 stars, a score 0–100 and a comment.
- Committee reviews: the community's auditor and the officers above it; a grade (优秀、良好、
  合格、不合格), a score 0–100 and a comment, keyed by estate and year.
Outside scope: 404; inside scope in the wrong role: 403; bad input: 422, nothing written.
"""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.access.models import Membership
from backend.access.roles import Role
from backend.accounts.models import User
from backend.common.clock import utcnow
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.extensions import db
from backend.governance.ratings import criteria, services
from backend.governance.ratings.models import GRADE_LABELS, CommitteeReview, ManagerStar
from backend.places.models import Estate

COMMENT_MAX = 500
REVIEWER_ROLES = (Role.AUDITOR, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.ADMIN)


def _int_in(value, low: int, high: int, field: str, label: str) -> dict:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        return {field: [f"{label}应为 {low}–{high} 的整数"]}
    return {}


def _comment(value) -> tuple[str, dict]:
    text = value.strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        return "", {"comment": ["评语应为文字"]}
    if len(text) > COMMENT_MAX:
        return "", {"comment": [f"评语不能超过 {COMMENT_MAX} 个字"]}
    return text, {}


def _places(estate: Estate) -> dict:
    return {
        "estate_id": estate.id,
        "community_id": estate.community_id,
        "township_id": estate.township_id,
        "county_id": estate.county_id,
    }


def managed_estate(user: User, manager_id, estate_id) -> Estate:
    """The estate in the officer's scope where ``manager_id`` is property manager.

    :raises NotFound: the estate is outside the user's scope, or the person is not its manager.
    """
    estate = services.staff_estate(user, estate_id)
    found = db.session.scalar(
        select(Membership.id).where(
            Membership.user_id == manager_id,
            Membership.role == Role.PROPERTY_MANAGER,
            Membership.estate_id == estate.id,
        )
    )
    if found is None:
        raise NotFound("未找到该小区的物业项目经理，或您无权查看")
    return estate


@unit_of_work
def rate_manager(user: User, args: dict) -> ManagerStar:
    """Give a property manager stars for a year (args: manager_user_id, estate_id, year,
    stars, score, comment); replaces the year's earlier stars. One transaction.

    :raises ValidationFailed: a value out of range or of the wrong type.
    :raises NotFound: the estate is outside the user's scope, or the person is not its manager.
    :raises Forbidden: the user is no township or county officer of the estate.
    """
    errors = {}
    for field in ("manager_user_id", "estate_id"):
        errors |= _int_in(args.get(field), 1, 2**31 - 1, field, "编号")
    errors |= _int_in(args.get("stars"), 1, 5, "stars", "星级")
    errors |= _int_in(args.get("score"), 0, 100, "score", "得分")
    comment, bad = _comment(args.get("comment"))
    errors |= bad
    try:
        year = criteria.check_year(args.get("year"))
    except ValidationFailed as exc:
        errors |= exc.fields
    if errors:
        raise ValidationFailed(fields=errors)
    estate = managed_estate(user, args["manager_user_id"], args["estate_id"])
    if not services.may(user, estate, services.SCORER_ROLES):
        raise Forbidden("物业项目经理星级由街道（乡镇）或县住建局评定")
    row = db.session.scalar(
        select(ManagerStar)
        .where(ManagerStar.manager_user_id == args["manager_user_id"], ManagerStar.year == year)
        .with_for_update()
    )
    if row is None:
        row = ManagerStar(manager_user_id=args["manager_user_id"], year=year, rated_by_id=user.id)
        db.session.add(row)
    row.stars, row.score, row.comment = args["stars"], args["score"], comment
    row.rated_by_id, row.rated_at = user.id, utcnow()
    for key, value in _places(estate).items():
        setattr(row, key, value)
    _flush()
    return row


@unit_of_work
def review_committee(user: User, args: dict) -> CommitteeReview:
    """Review an estate's committee for a year (args: estate_id, year, grade, score, comment);
    replaces the year's earlier review. One transaction.

    :raises ValidationFailed: a value out of range or of the wrong type.
    :raises NotFound: the estate is outside the user's scope.
    :raises Forbidden: the user holds no auditor or officer role over the estate.
    """
    errors = _int_in(args.get("estate_id"), 1, 2**31 - 1, "estate_id", "编号")
    if args.get("grade") not in GRADE_LABELS:
        errors["grade"] = ["等次应为优秀、良好、合格或不合格"]
    errors |= _int_in(args.get("score"), 0, 100, "score", "得分")
    comment, bad = _comment(args.get("comment"))
    errors |= bad
    try:
        year = criteria.check_year(args.get("year"))
    except ValidationFailed as exc:
        errors |= exc.fields
    if errors:
        raise ValidationFailed(fields=errors)
    estate = services.staff_estate(user, args["estate_id"])
    if not services.may(user, estate, REVIEWER_ROLES):
        raise Forbidden()
    row = db.session.scalar(
        select(CommitteeReview)
        .where(CommitteeReview.estate_id == estate.id, CommitteeReview.year == year)
        .with_for_update()
    )
    if row is None:
        row = CommitteeReview(**_places(estate), year=year, reviewed_by_id=user.id)
        db.session.add(row)
    row.grade, row.score, row.comment = args["grade"], args["score"], comment
    row.reviewed_by_id, row.reviewed_at = user.id, utcnow()
    _flush()
    return row


def _flush() -> None:
    try:
        db.session.flush()
    except IntegrityError as exc:  # two first reviews at once: the unique key keeps one
        raise Conflict("另一位干部刚刚提交了评价，请刷新后查看") from exc
