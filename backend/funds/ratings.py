"""Owners who bear a repair's cost rate the work (1–5) once each, within
LINLI_FUND_RATING_DAYS days of its acceptance (竣工验收)."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError

from backend.access.models import Membership
from backend.access.roles import Role, ScopeKind
from backend.accounts.models import User
from backend.common.clock import as_utc, utcnow
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, Forbidden
from backend.extensions import db
from backend.funds.access import project_for
from backend.funds.models import RepairProject, RepairProjectUnit, RepairRating


def open_until(project: RepairProject):
    """When rating closes (None before acceptance)."""
    if project.accepted_at is None:
        return None
    # SQLite gives back naive UTC times: as_utc makes them comparable with now.
    return as_utc(project.accepted_at) + timedelta(days=current_app.config["FUND_RATING_DAYS"])


def bears_cost(user: User, project: RepairProject) -> bool:
    """Whether ``user`` is a verified owner of a unit that bears the project's cost."""
    return db.session.scalar(
        select(
            exists().where(
                Membership.user_id == user.id,
                Membership.role == Role.OWNER,
                Membership.scope_kind == ScopeKind.UNIT,
                Membership.scope_id == RepairProjectUnit.unit_id,
                RepairProjectUnit.project_id == project.id,
            )
        )
    )


def summary(project: RepairProject, user: User) -> dict:
    count, total = db.session.execute(
        select(func.count(), func.coalesce(func.sum(RepairRating.score), 0)).where(
            RepairRating.project_id == project.id
        )
    ).one()
    mine = db.session.scalar(
        select(RepairRating.score).where(
            RepairRating.project_id == project.id, RepairRating.user_id == user.id
        )
    )
    until = open_until(project)
    tenths = (20 * total + count) // (2 * count) if count else None  # half up: 13/3 → 43
    return {
        "count": count,
        "average": f"{tenths // 10}.{tenths % 10}" if count else None,
        "open_until": until,
        "my_score": mine,
        "can_rate": bool(
            until and mine is None and utcnow() <= until and bears_cost(user, project)
        ),
    }


@unit_of_work
def rate(user: User, estate_id: int, project_id: int, score: int, comment: str = ""):
    """Rate the repair.

    :raises Forbidden: the user bears none of its cost.
    :raises Conflict: not accepted yet, the window has closed, or rated already.
    """
    _estate, project, _roles = project_for(user, estate_id, project_id)
    if not bears_cost(user, project):
        raise Forbidden("只有承担费用的业主可以评价")
    until = open_until(project)
    if until is None:
        raise Conflict("竣工验收后才能评价")
    if utcnow() > until:
        raise Conflict(f"验收后 {current_app.config['FUND_RATING_DAYS']} 天内可评价，评价期已过")
    rating = RepairRating(
        project_id=project.id, user_id=user.id, score=score, comment=comment or ""
    )
    try:
        with db.session.begin_nested():
            db.session.add(rating)
    except IntegrityError:
        raise Conflict("您已评价过该项目") from None
    return rating
