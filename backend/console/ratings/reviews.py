"""What the console's manager-star and committee-review pages show and do: the property
managers (物业项目经理星级) and the owners' committees (业委会履职评价) of the estates in
scope with the year's stars or review, and the form that gives them.

Rules and scope stay in backend.governance.ratings.reviews (outside scope: 404)."""

from math import ceil

from sqlalchemy import select

from backend.access.models import Membership
from backend.access.roles import Role
from backend.accounts.models import User
from backend.accounts.naming import UNNAMED, staff_naming
from backend.common.clock import local_text
from backend.common.pagination import paginate
from backend.console.forms import page_arg, typed_int
from backend.console.ratings.pages import year_arg
from backend.extensions import db
from backend.governance.ratings import reviews, services
from backend.governance.ratings.models import GRADE_LABELS, CommitteeReview, ManagerStar
from backend.places.models import Estate

PAGE_SIZE = 20
IN_FORM = 500
MANAGER_FIELDS = ("manager", "year", "stars", "score", "comment")
COMMITTEE_FIELDS = ("estate_id", "year", "grade", "score", "comment")


def _page(args) -> int:
    return page_arg(args.get("page"))


def _staff_estate_ids(user: User, roles=services.STAFF_ROLES):
    return services.visible_estates(user, roles).with_only_columns(Estate.id)


def manager_page(user: User, args) -> dict:
    """One page of the property managers in scope (manager, estate) with the year's stars."""
    year = year_arg(args.get("year"))
    query = (
        select(Membership)
        .join(Estate, Estate.id == Membership.estate_id)
        .where(
            Membership.role == Role.PROPERTY_MANAGER,
            Membership.estate_id.in_(_staff_estate_ids(user)),
        )
        .order_by(Estate.name, Membership.id)
    )
    result = paginate(query, _page(args), PAGE_SIZE)
    user_ids = [m.user_id for m in result.items]
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    estates = {
        e.id: e
        for e in db.session.scalars(
            select(Estate).where(Estate.id.in_([m.estate_id for m in result.items]))
        )
    }
    stars = {
        s.manager_user_id: s
        for s in db.session.scalars(
            select(ManagerStar).where(
                ManagerStar.year == year, ManagerStar.manager_user_id.in_(user_ids)
            )
        )
    }
    rows = []
    for m in result.items:
        star = stars.get(m.user_id)
        rows.append(
            {
                "manager": staff_naming().name(people[m.user_id]),
                "estate": estates[m.estate_id].name,
                "stars": "★" * star.stars if star else "—",
                "score": star.score if star else "—",
                "comment": star.comment if star else "",
                "rated_at": local_text(star.rated_at) if star else "",
            }
        )
    can_rate = bool(db.session.scalar(_staff_estate_ids(user, services.SCORER_ROLES).limit(1)))
    return {
        "year": year,
        "query": {"year": year},
        "result": result,
        "pages": max(1, ceil(result.total / PAGE_SIZE)),
        "rows": rows,
        "can_rate": can_rate,
        "choices": _manager_choices(user) if can_rate else [],
    }


def _manager_choices(user: User) -> list[dict]:
    rows = db.session.execute(
        select(Membership.user_id, Estate.id, Estate.name, User.real_name, User.display_name)
        .join(Estate, Estate.id == Membership.estate_id)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.role == Role.PROPERTY_MANAGER,
            Membership.estate_id.in_(_staff_estate_ids(user, services.SCORER_ROLES)),
        )
        .order_by(Estate.name)
        .limit(IN_FORM)
    )
    return [
        {"value": f"{uid}:{eid}", "label": f"{ename} · {real or UNNAMED}"}
        for uid, eid, ename, real, _display in rows
    ]


def rate_manager(user: User, form) -> ManagerStar:
    """:raises ValidationFailed, NotFound, Forbidden: as reviews.rate_manager."""
    manager, _, estate = form.get("manager", "").partition(":")
    args = {
        "manager_user_id": typed_int(manager),
        "estate_id": typed_int(estate),
        "year": typed_int(form.get("year", "")),
        "stars": typed_int(form.get("stars", "")),
        "score": typed_int(form.get("score", "")),
        "comment": form.get("comment", ""),
    }
    return reviews.rate_manager(user, args)


def committee_page(user: User, args) -> dict:
    """One page of the estates in scope with the year's committee review."""
    year = year_arg(args.get("year"))
    query = services.visible_estates(user, services.STAFF_ROLES).order_by(Estate.name, Estate.id)
    result = paginate(query, _page(args), PAGE_SIZE)
    found = {
        r.estate_id: r
        for r in db.session.scalars(
            select(CommitteeReview).where(
                CommitteeReview.year == year,
                CommitteeReview.estate_id.in_([e.id for e in result.items]),
            )
        )
    }
    rows = []
    for e in result.items:
        review = found.get(e.id)
        rows.append(
            {
                "estate": e.name,
                "grade": review.grade_label if review else "未评价",
                "score": review.score if review else "—",
                "comment": review.comment if review else "",
                "reviewed_at": local_text(review.reviewed_at) if review else "",
            }
        )
    estates = db.session.scalars(
        services.visible_estates(user, reviews.REVIEWER_ROLES).order_by(Estate.name).limit(IN_FORM)
    ).all()
    return {
        "year": year,
        "query": {"year": year},
        "result": result,
        "pages": max(1, ceil(result.total / PAGE_SIZE)),
        "rows": rows,
        "grades": GRADE_LABELS,
        "estates": estates,
    }


def review_committee(user: User, form) -> CommitteeReview:
    """:raises ValidationFailed, NotFound, Forbidden: as reviews.review_committee."""
    args = {
        "estate_id": typed_int(form.get("estate_id", "")),
        "year": typed_int(form.get("year", "")),
        "grade": form.get("grade", ""),
        "score": typed_int(form.get("score", "")),
        "comment": form.get("comment", ""),
    }
    return reviews.review_committee(user, args)
