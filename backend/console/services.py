"""What the console shows a staff user: the estates they supervise, with their counts."""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from backend.accounts.models import Claim, User
from backend.accounts.scope import visible_estates
from backend.common.pagination import Page, paginate
from backend.extensions import db
from backend.places.models import Community, Estate, Unit


def supervised_estates(user: User, q: str | None, page: int, page_size: int = 50) -> dict:
    """A page of estates in the staff user's scope, with unit and pending-claim counts
    fetched in two grouped queries (never one per estate)."""
    query = visible_estates(user).options(
        joinedload(Estate.community).joinedload(Community.township)
    )
    if q:
        query = query.where(Estate.name.contains(q.strip(), autoescape=True))
    result: Page = paginate(query.order_by(Estate.township_id, Estate.name), page, page_size)
    ids = [e.id for e in result.items]
    units = dict(
        db.session.execute(
            select(Unit.estate_id, func.count())
            .where(Unit.estate_id.in_(ids))
            .group_by(Unit.estate_id)
        ).all()
    )
    pending = dict(
        db.session.execute(
            select(Claim.estate_id, func.count())
            .where(Claim.estate_id.in_(ids), Claim.status == "pending")
            .group_by(Claim.estate_id)
        ).all()
    )
    return {
        "page": result,
        "rows": [
            {"estate": e, "units": units.get(e.id, 0), "pending_claims": pending.get(e.id, 0)}
            for e in result.items
        ],
    }
