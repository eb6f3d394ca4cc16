"""What an estate's people read of its ratings: the confirmed ratings with stars, total and
each criterion's points, and the appeal window."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from backend.access.scope import get_estate_for
from backend.accounts.models import User
from backend.extensions import db
from backend.governance.ratings import appeals, criteria
from backend.governance.ratings.models import EstateRating, RatingStatus


def confirmed_ratings(user: User, estate_id: int) -> dict:
    """The estate's confirmed ratings, newest year first (anyone with a membership that
    reaches the estate; 404 otherwise).

    :raises NotFound: no such estate, or outside the user's memberships.
    """
    estate = get_estate_for(user, estate_id)
    ratings = db.session.scalars(
        select(EstateRating)
        .where(EstateRating.estate_id == estate.id, EstateRating.status == RatingStatus.CONFIRMED)
        .order_by(EstateRating.year.desc())
        .options(selectinload(EstateRating.scores))
    ).all()
    # One statement each for every rating's open appeal and every year's sheet, not per rating.
    open_appeals = appeals.open_appeals([rating.id for rating in ratings])
    sheets = criteria.sheets(estate.county_id, {rating.year for rating in ratings})
    items = []
    for rating in ratings:
        points = {s.code: s for s in rating.scores}
        open_appeal = open_appeals.get(rating.id)
        items.append(
            {
                "id": rating.id,
                "year": rating.year,
                "total": rating.total,
                "stars": rating.stars,
                "five_star_review": rating.five_star_review,
                "confirmed_at": rating.confirmed_at,
                "appeal_deadline": appeals.appeal_deadline(rating),
                "open_appeal_id": open_appeal.id if open_appeal else None,
                "criteria": [
                    {
                        "code": line.code,
                        "name": line.name,
                        "max_points": line.max_points,
                        "source": line.source,
                        "points": points[line.code].points if line.code in points else None,
                        "basis": points[line.code].basis if line.code in points else "",
                    }
                    for line in sheets[rating.year]
                ],
            }
        )
    return {"estate_id": estate.id, "estate_name": estate.name, "ratings": items}
