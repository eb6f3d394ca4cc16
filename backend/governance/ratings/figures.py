"""The star distribution a county, township, community or estate reports for a year: how many
estates hold 5★..1★, how many were rated below the first threshold (未评星), and how many
have no confirmed rating (未评定). One grouped query; runs on PostgreSQL and SQLite."""

from dataclasses import dataclass

from sqlalchemy import and_, func, select

from backend.extensions import db
from backend.governance.ratings.models import EstateRating, RatingStatus
from backend.places.models import Estate

SCOPE_COLUMNS = {
    "county": Estate.county_id,
    "township": Estate.township_id,
    "community": Estate.community_id,
    "estate": Estate.id,
}


@dataclass(frozen=True)
class StarDistribution:
    five: int
    four: int
    three: int
    two: int
    one: int
    no_star: int
    unrated: int

    @property
    def total(self) -> int:
        rated = self.five + self.four + self.three + self.two + self.one
        return rated + self.no_star + self.unrated


def distribution(scope: tuple[str, int], year: int) -> StarDistribution:
    """Estates in ``scope`` by their confirmed stars for ``year``.

    :param scope: ("county" | "township" | "community" | "estate", id).
    """
    kind, place_id = scope
    if kind not in SCOPE_COLUMNS:
        raise ValueError(f"unknown scope {kind!r}")
    confirmed = and_(
        EstateRating.estate_id == Estate.id,
        EstateRating.year == year,
        EstateRating.status == RatingStatus.CONFIRMED,
    )
    rows = db.session.execute(
        select(EstateRating.stars, func.count(Estate.id))
        .select_from(Estate)
        .outerjoin(EstateRating, confirmed)
        .where(SCOPE_COLUMNS[kind] == place_id)
        .group_by(EstateRating.stars)
    )
    counts = {stars: int(n) for stars, n in rows}
    return StarDistribution(
        five=counts.get(5, 0),
        four=counts.get(4, 0),
        three=counts.get(3, 0),
        two=counts.get(2, 0),
        one=counts.get(1, 0),
        no_star=counts.get(0, 0),
        unrated=counts.get(None, 0),
    )
