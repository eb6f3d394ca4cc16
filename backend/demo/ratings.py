"""Demo star ratings for 2025 in the demo county, made through the rating services: township
officers score the default sheet (automatic criteria from the estates' own records where
there are any), the county officer confirms a spread of stars — one 5★ after review, one
below 60 (未评星) — one sheet waits for confirmation and one estate is unrated; the chair of
one estate has an appeal pending. Also property-manager stars and committee reviews."""

from sqlalchemy import select

from backend.access.models import Membership
from backend.access.roles import Role
from backend.accounts.models import User
from backend.common.unit_of_work import unit_of_work
from backend.extensions import db
from backend.governance.ratings import appeals, reviews, services
from backend.places.models import Estate

YEAR = 2025
# Target totals per estate, in the demo's estate order; None: left unrated.
TOTALS = (96, 86, 91, 55, 74, 64, 82, None)
SUBMITTED_ONLY = 6  # 砖文小区: scored and submitted, not yet confirmed
APPEAL = (2, "2025 年已完成电梯更新改造，设施设备项得分偏低，申请复核")
MANAGER_STARS = (
    (5, 95, "工单响应快，业主满意度高"),
    (4, 86, "服务规范"),
    (4, 88, ""),
    (2, 62, "保洁与绿化投诉较多"),
    (3, 76, ""),
    (3, 72, "停车管理有待加强"),
)
COMMITTEE_REVIEWS = (
    ("excellent", 94, "按时换届，账目按月公开"),
    ("good", 85, ""),
    ("good", 82, "四方联席会议参与积极"),
    ("fail", 52, "长期未召开业主大会"),
    ("pass", 70, ""),
)


def _user(**where) -> User:
    return db.session.scalar(select(User).filter_by(**where))


def _township_officer(estate: Estate) -> User:
    return db.session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.role == Role.TOWNSHIP_OFFICER, Membership.scope_id == estate.township_id)
    )


def _points_for(estate: Estate, target: int) -> dict:
    """Hand-scored points that bring the sheet to ``target`` beside the automatic ones, spread
    over the hand-scored lines in proportion to their maxima."""
    lines = services.sheet_lines(estate, YEAR, None)
    manual = [sl.line for sl in lines if sl.manual]
    cap = sum(line.max_points for line in manual)
    left = target - sum(sl.points or 0 for sl in lines if not sl.manual)
    left = max(0, min(cap, left))
    given = {line.code: line.max_points * left // cap for line in manual}
    for line in manual:
        extra = min(left - sum(given.values()), line.max_points - given[line.code])
        given[line.code] += extra
    return given


@unit_of_work
def seed(estates: list[Estate]) -> None:
    county = _user(username="county")
    for n, (estate, target) in enumerate(zip(estates, TOTALS, strict=True)):
        if target is None:
            continue
        officer = _township_officer(estate)
        services.score(officer, estate.id, YEAR, _points_for(estate, target), submit=True)
        if n == SUBMITTED_ONLY:
            continue
        rating = services.confirm(county, estate.id, YEAR)
        if rating.five_star_review == "pending":
            services.review_five_stars(county, estate.id, YEAR, True)
    n, reason = APPEAL
    rating = services.rating_of(estates[n].id, YEAR)
    appeals.appeal(_user(openid=f"demo-chair-{n + 1}"), rating.id, reason)
    for n, (stars, score, comment) in enumerate(MANAGER_STARS):
        estate = estates[n]
        manager = _user(openid=f"demo-manager-{n + 1}")
        args = {"manager_user_id": manager.id, "estate_id": estate.id, "year": YEAR}
        args |= {"stars": stars, "score": score, "comment": comment}
        reviews.rate_manager(_township_officer(estate), args)
    auditors = {}
    for n, (grade, score, comment) in enumerate(COMMITTEE_REVIEWS):
        estate = estates[n]
        auditor = auditors.get(estate.community_id) or db.session.scalar(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.role == Role.AUDITOR, Membership.scope_id == estate.community_id)
        )
        args = {"estate_id": estate.id, "year": YEAR, "grade": grade, "score": score}
        reviews.review_committee(auditor, args | {"comment": comment})
