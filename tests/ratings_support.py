"""The people, sheets and records of the star-rating tests: the credit cast (one county, an
estate in township A, two in township B) plus a committee chair of estate A, and helpers that
write tickets, ledger periods and ratings straight to their tables."""

from datetime import date, datetime, time, timedelta

import pytest

from backend.access.roles import Role
from backend.common.clock import SHANGHAI, utcnow
from backend.extensions import db
from backend.governance.ratings import criteria
from backend.governance.ratings.models import EstateRating, FiveStarReview, RatingStatus
from backend.ledger.models import LedgerPeriod
from backend.tickets.models import Ticket
from tests.factories import raw_ticket
from tests.governance_support import GovCast

YEAR = 2025  # a past year: its ratings may be scored now


@pytest.fixture
def rcast(gcast, make) -> GovCast:
    gcast.chair_a = make.member(Role.COMMITTEE_CHAIR, gcast.estate_a, make.user(real_name="李芳"))
    return gcast


def manual_sheet(county_officer, year=YEAR, a=50, b=50):
    """Two hand-scored criteria, so a test sets any total it needs."""
    return criteria.set_sheet(
        county_officer,
        year,
        [
            {"code": "a", "name": "甲项", "max_points": a, "source": "manual"},
            {"code": "b", "name": "乙项", "max_points": b, "source": "manual"},
        ],
    )


def split(total: int) -> dict:
    return {"a": min(total, 50), "b": max(total - 50, 0)}


def at(day: date, hour=12, minute=0) -> datetime:
    return datetime.combine(day, time(hour, minute), SHANGHAI)


def ticket(estate, created: datetime, replied=True, missed=False, rating=None) -> Ticket:
    row = raw_ticket(
        estate,
        created,
        status="closed" if replied else "accepted",
        replied_at=created + timedelta(hours=5) if replied else None,
        missed_deadline=missed,
        rating=rating,
    )
    db.session.commit()
    return row


def period(estate, by, start: date, end: date, published: datetime | None) -> LedgerPeriod:
    """A ledger period [start, end) published at ``published`` (None: not yet)."""
    row = LedgerPeriod(
        estate_id=estate.id,
        kind="month",
        start_date=start,
        end_date=end,
        label=f"{start:%Y-%m}",
        status="published" if published else "draft",
        created_by_id=by.id,
        published_at=published,
    )
    db.session.add(row)
    db.session.commit()
    return row


def rating(estate, total, stars, year=YEAR, status=RatingStatus.CONFIRMED, five=None):
    """A rating written straight to its table (for the distribution: no rules applied)."""
    row = EstateRating(
        estate_id=estate.id,
        community_id=estate.community_id,
        township_id=estate.township_id,
        county_id=estate.county_id,
        year=year,
        status=status,
        total=total,
        stars=stars,
        five_star_review=five,
        submitted_at=utcnow() if status != RatingStatus.DRAFT else None,
        confirmed_at=utcnow() if status == RatingStatus.CONFIRMED else None,
    )
    db.session.add(row)
    db.session.commit()
    return row


__all__ = ["FiveStarReview", "rcast"]


def held_out(make, year=YEAR):
    """A county of two townships whose star distribution was worked out by hand:

    凤城镇 (A): a1 59 → no star; a2 60 → 1★; a3 94 → 4★; a4 95, 5★ review pending → 4★;
                a5 never scored; a6 99 submitted, not confirmed.
    城厢镇 (B): b1 95, 5★ granted → 5★; b2 96, 5★ declined → 4★; b3 70 → 2★; b4 80 → 3★;
                b5 a draft of 90; b6 5★ for the year before only.
    County: 5★ 1, 4★ 3, 3★ 1, 2★ 1, 1★ 1, no star 1, unrated 4 (of 12).
    """
    from backend.governance.ratings import services

    county = make.county("安溪县")
    ta, tb = make.township(county, "凤城镇"), make.township(county, "城厢镇")
    ca, cb = make.community(ta, "城东社区"), make.community(tb, "城西社区")
    officer = make.member(Role.COUNTY_OFFICER, county)
    manual_sheet(officer, year)
    manual_sheet(officer, year - 1)
    e = {f"a{n}": make.estate(ca, f"凤城{n}号小区") for n in range(1, 7)}
    e |= {f"b{n}": make.estate(cb, f"城厢{n}号小区") for n in range(1, 7)}

    def rate(key, total, confirm=True, five=None, submit=True, on_year=year):
        services.score(officer, e[key].id, on_year, split(total), submit=submit)
        if confirm:
            services.confirm(officer, e[key].id, on_year)
        if five is not None:
            services.review_five_stars(
                officer, e[key].id, on_year, five, "" if five else "投诉较多"
            )

    for key, total in (("a1", 59), ("a2", 60), ("a3", 94), ("a4", 95), ("b3", 70), ("b4", 80)):
        rate(key, total)
    rate("a6", 99, confirm=False)
    rate("b1", 95, five=True)
    rate("b2", 96, five=False)
    rate("b5", 90, confirm=False, submit=False)
    rate("b6", 99, five=True, on_year=year - 1)
    return {"county": county, "township_a": ta, "township_b": tb, "officer": officer, **e}
