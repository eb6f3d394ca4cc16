"""An estate's public record (公示公开小区重要信息) as its people read it on the estate page:
the committee roster and its term, the property company with its managers, this year's star
rating with the committee's appeal, and how many problems and joint-meeting decisions it has
(their lists are in lists.py).

Whoever belongs to or supervises the estate reads it; outside that, 404. Names are shown in
full to the committee and staff, masked (张*) to everyone else, except a person's own name."""

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import joinedload

from backend.access.models import Membership
from backend.access.roles import Role
from backend.access.scope import get_estate_for, roles_on_estate
from backend.accounts.models import User
from backend.accounts.naming import UNNAMED, naming_from_roles
from backend.common.clock import utcnow
from backend.extensions import db
from backend.governance.credit import figures as credit
from backend.governance.meetings.models import AgendaItem
from backend.governance.problems.models import ProblemItem, ProblemStatus
from backend.governance.ratings import appeals
from backend.governance.ratings.models import (
    AppealStatus,
    EstateRating,
    RatingAppeal,
    RatingStatus,
)
from backend.governance.register.models import Committee, CommitteeMember, MemberRole
from backend.places.models import Estate

_RANK = {MemberRole.CHAIR: 0, MemberRole.VICE_CHAIR: 1, MemberRole.MEMBER: 2}


class Viewer:
    """Who reads the record, and so which names they read in full."""

    def __init__(self, user: User, estate: Estate):
        self.user = user
        self.roles = roles_on_estate(user, estate)
        self.naming = naming_from_roles(user, self.roles)

    def name(self, name: str | None, user_id: int | None = None) -> str | None:
        """``name`` as this viewer may read it (backend.accounts.naming decides)."""
        return self.naming.text(name, user_id)

    def holds(self, roles) -> bool:
        return bool(set(self.roles) & set(roles))


def record_estate(user: User, estate_id: int) -> tuple[Estate, Viewer]:
    """:raises NotFound: no such estate, or outside the user's memberships."""
    estate = get_estate_for(user, estate_id)
    return estate, Viewer(user, estate)


def _committee(estate: Estate, viewer: Viewer) -> dict | None:
    """The live term with its sitting members, chair first (one statement)."""
    term = (
        db.session.scalars(
            select(Committee)
            .options(joinedload(Committee.members))
            .where(Committee.estate_id == estate.id, Committee.ended_on.is_(None))
        )
        .unique()
        .first()
    )
    if term is None:
        return None
    sitting = sorted(
        (m for m in term.members if m.left_on is None), key=lambda m: (_RANK[m.role], m.id)
    )
    return {
        "formed_on": term.formed_on,
        "term_ends_on": term.term_ends_on,
        "lapsed": term.term_ends_on < credit.today(),
        "is_party_led": term.is_party_led,
        "members": [_member(m, viewer) for m in sitting],
    }


def _member(member: CommitteeMember, viewer: Viewer) -> dict:
    return {
        "name": viewer.name(member.name, member.user_id),
        "role": member.role,
        "role_label": member.role_label,
        "is_party_member": member.is_party_member,
    }


def _company(estate: Estate, viewer: Viewer) -> dict:
    """The company serving the estate (none yet: nulls), its credit score and its managers."""
    company = estate.property_company
    managers = db.session.execute(
        select(User.id, User.real_name, User.display_name)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.role == Role.PROPERTY_MANAGER, Membership.estate_id == estate.id)
        .order_by(User.id)
    ).all()
    people = [{"name": viewer.name(real, uid) or UNNAMED} for uid, real, _shown in managers]
    return {
        "id": company.id if company else None,
        "name": company.name if company else None,
        "score": credit.score(company.id) if company else None,
        "managers": people,
    }


def _rating(estate: Estate, viewer: Viewer) -> dict | None:
    """The newest confirmed rating, its appeals (newest first) and whether the viewer may
    appeal it now (two statements)."""
    rating = db.session.scalar(
        select(EstateRating)
        .where(EstateRating.estate_id == estate.id, EstateRating.status == RatingStatus.CONFIRMED)
        .order_by(EstateRating.year.desc())
        .limit(1)
    )
    if rating is None:
        return None
    lodged = db.session.scalars(
        select(RatingAppeal)
        .where(RatingAppeal.rating_id == rating.id)
        .order_by(RatingAppeal.created_at.desc(), RatingAppeal.id.desc())
    ).all()
    deadline = appeals.appeal_deadline(rating)
    is_open = any(a.status == AppealStatus.OPEN for a in lodged)
    may = viewer.holds(appeals.APPELLANT_ROLES)
    return {
        "id": rating.id,
        "year": rating.year,
        "stars": rating.stars,
        "total": rating.total,
        "confirmed_at": rating.confirmed_at,
        "appeal_deadline": deadline,
        "can_appeal": may and not is_open and utcnow() < deadline,
        "appeals": lodged,
    }


def _counts(estate: Estate) -> dict:
    """How many problems are open (and overdue) and closed out, and how many joint-meeting
    decisions name the estate (two statements)."""
    open_ = ProblemItem.status == ProblemStatus.OPEN
    row = db.session.execute(
        select(
            func.count(case((open_, 1))),
            func.count(case((and_(open_, ProblemItem.deadline < credit.today()), 1))),
            func.count(case((ProblemItem.status == ProblemStatus.CLOSED_OUT, 1))),
        ).where(ProblemItem.estate_id == estate.id)
    ).one()
    decisions = db.session.scalar(
        select(func.count()).where(AgendaItem.estate_id == estate.id, AgendaItem.decision != "")
    )
    return {
        "problems_open": row[0],
        "problems_overdue": row[1],
        "problems_closed_out": row[2],
        "decisions": decisions,
    }


def public_record(user: User, estate_id: int) -> dict:
    """The estate's public record for its estate page; a fixed number of statements.

    :raises NotFound: no such estate, or outside the user's memberships.
    """
    estate, viewer = record_estate(user, estate_id)
    return {
        "estate_id": estate.id,
        "estate_name": estate.name,
        "committee": _committee(estate, viewer),
        "company": _company(estate, viewer),
        "rating": _rating(estate, viewer),
        **_counts(estate),
    }
