"""A held-out year of tickets and register entries whose figures were counted by hand (the
expected values are in tests/governance/test_targets.py and tests/console/test_target_pages.py)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from backend.common.clock import SHANGHAI
from backend.extensions import db
from backend.governance.register.models import Committee, PartyBranch, PartyBranchEstate
from backend.governance.targets.models import RollupMonth
from backend.places.models import County
from tests.factories import places_of, raw_ticket

YEAR = (date(2025, 1, 1), date(2025, 12, 31))


def ticket(estate, local: datetime, channel="miniprogram", replied=None, rating=None):
    """A ticket created at ``local`` Shanghai time; ``replied`` is "on_time", "late" or None."""
    created = local.replace(tzinfo=SHANGHAI).astimezone(UTC)
    return raw_ticket(
        estate,
        created,
        channel=channel,
        status="replied" if replied else "accepted",
        replied_at=created + timedelta(hours=5) if replied else None,
        missed_deadline=replied == "late",
        rating=rating,
    )


@pytest.fixture
def year_of_tickets(gcast, make):
    a, b, c = gcast.estate_a, gcast.estate_b, gcast.estate_c
    ticket(a, datetime(2025, 1, 10, 9), replied="on_time", rating=5)
    ticket(a, datetime(2025, 1, 31, 23, 30), "hotline", replied="late", rating=3)  # January
    ticket(a, datetime(2025, 2, 1, 0, 10))  # February in Shanghai, still January in UTC
    ticket(b, datetime(2025, 3, 5, 10), "hotline", replied="on_time")
    ticket(b, datetime(2025, 3, 6, 10), replied="on_time", rating=4)
    ticket(c, datetime(2025, 3, 7, 10), replied="late", rating=1)
    ticket(c, datetime(2024, 12, 31, 23, 59), replied="on_time", rating=5)  # the year before
    ticket(c, datetime(2026, 1, 1, 0, 0), replied="on_time", rating=5)  # the year after
    nanan = db.session.scalar(select(County).where(County.name == "南安市"))
    elsewhere = make.estate(
        make.community(make.township(nanan, "溪美街道"), "柳城社区"), "江滨花园"
    )
    ticket(elsewhere, datetime(2025, 5, 1, 10), replied="on_time", rating=5)
    # The register: estate_a's committee filed 15 March 2025 and party-led from then; estate_b
    # covered by a party branch since June 2024.
    db.session.add(
        Committee(
            **places_of(a),
            formed_on=date(2025, 3, 15),
            term_ends_on=date(2030, 3, 14),
            is_party_led=True,
            party_led_since=date(2025, 3, 15),
            created_by_id=gcast.admin.id,
        )
    )
    branch = PartyBranch(
        community_id=b.community_id,
        township_id=b.township_id,
        county_id=b.county_id,
        name="河滨小区党支部",
        established_on=date(2024, 6, 1),
        created_by_id=gcast.admin.id,
    )
    db.session.add(branch)
    db.session.flush()
    db.session.add(PartyBranchEstate(branch_id=branch.id, estate_id=b.id))
    db.session.commit()
    return gcast


def counted_live(everything, *args):
    """``everything(*args)`` with no month built, so every figure is counted live; in a
    transaction rolled back, so the roll-ups are there again afterwards."""
    db.session.execute(delete(RollupMonth))
    try:
        return everything(*args)
    finally:
        db.session.rollback()
