"""The dashboards' roll-ups of closed months: the job builds what is missing or stale, late
edits to a closed month are picked up by the next run, and after random edits every figure
read through the roll-ups equals the same figure counted live — on PostgreSQL and, for the
hand-counted year, on SQLite (the embedded default)."""

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from backend.common.clock import SHANGHAI, utcnow
from backend.extensions import db
from backend.governance.targets import periods, rollup_build, tickets
from backend.governance.targets.models import PlaceMonthFigures, RollupMonth
from backend.governance.targets.tickets import TicketFigures
from backend.tickets.models import Ticket
from tests import factories
from tests.target_support import YEAR, counted_live, ticket


def _this_month() -> periods.Month:
    today = periods.today()
    return periods.Month(today.year, today.month)


def _months_back(count: int) -> list[periods.Month]:
    month = _this_month()
    found = [month]
    for _ in range(count):
        first = found[-1].first_day - timedelta(days=1)
        found.append(periods.Month(first.year, first.month))
    return list(reversed(found))


def _everything(g, months):
    """Every figure a dashboard or report reads, for each place and several periods."""
    since, until = months[0].first_day, periods.today()
    periods_ = [
        (since, until),
        (months[1].first_day, months[-2].last_day),
        (months[1].first_day + timedelta(days=9), months[-1].first_day + timedelta(days=3)),
    ]
    scopes = [
        ("county", g.county.id),
        ("township", g.estate_a.township_id),
        ("township", g.estate_b.township_id),
        ("community", g.estate_b.community_id),
        ("estate", g.estate_c.id),
    ]
    found = []
    for scope in scopes:
        for low, high in periods_:
            found.append(tickets.figures(scope, low, high))
            found.append(tickets.by_month(scope, periods.months(low, high), low, high))
            found.append(tickets.by_month(scope, periods.months(low, high)))
    for scope, child in [("county", "township"), ("township", "community")]:
        for low, high in periods_:
            found.append(tickets.by_place((scope, g.county.id), child, low, high))
    found.append(tickets.by_place(("community", g.estate_b.community_id), "estate", *periods_[0]))
    return found


def _random_ticket(rng, estates, months):
    month = rng.choice(months)
    moment = datetime.combine(month.first_day, datetime.min.time(), SHANGHAI) + timedelta(
        minutes=rng.randrange(0, 28 * 24 * 60)
    )
    moment = min(moment.astimezone(UTC), utcnow() - timedelta(minutes=1))
    replied = rng.random() < 0.7
    return factories.raw_ticket(
        rng.choice(estates),
        moment,
        channel=rng.choice(["miniprogram", "hotline", "group_chat"]),
        status="replied" if replied else "accepted",
        replied_at=moment + timedelta(hours=5) if replied else None,
        missed_deadline=rng.random() < 0.3,
        rating=rng.choice([None, 1, 2, 3, 4, 5]) if replied else None,
    )


def test_the_job_builds_closed_months_only_and_then_nothing(year_of_tickets):
    built = rollup_build.refresh()
    # From June 2024 (the oldest record: a party branch; the oldest ticket is of December
    # 2024) to last month; never the current month.
    closed = periods.months_between(date(2024, 6, 1), _this_month().first_day)[:-1]
    assert built == len(closed)
    months = set(db.session.scalars(select(RollupMonth.month)))
    assert months == {m.first_day for m in closed}
    assert rollup_build.refresh() == 0
    county = db.session.scalars(
        select(PlaceMonthFigures).where(
            PlaceMonthFigures.kind == "county",
            PlaceMonthFigures.place_id == year_of_tickets.county.id,
        )
    ).all()
    assert sum(row.tickets for row in county) == 8


def test_a_late_edit_to_a_closed_month_is_rebuilt_by_the_next_run(year_of_tickets):
    g = year_of_tickets
    rollup_build.refresh()
    march = date(2025, 3, 1), date(2025, 3, 31)
    late = db.session.scalars(
        select(Ticket).where(Ticket.estate_id == g.estate_c.id, Ticket.rating == 1)
    ).one()
    late.rating, late.updated_at = 5, utcnow()  # say, rated again after a reopen
    ticket(g.estate_a, datetime(2025, 3, 20, 10), replied="on_time")  # an import, back-dated
    db.session.commit()
    assert tickets.figures(("county", g.county.id), *march).rating_sum == 5  # not yet
    assert rollup_build.refresh() == 1
    assert tickets.figures(("county", g.county.id), *march) == TicketFigures(
        tickets=4, hotline=1, replied=4, on_time=3, rated=2, rating_sum=9, satisfied=2
    )


def test_rollups_and_live_counts_agree_after_random_edits(year_of_tickets):
    g = year_of_tickets
    rng = random.Random(21)
    months = _months_back(5)
    estates = [g.estate_a, g.estate_b, g.estate_c]
    for _ in range(60):
        _random_ticket(rng, estates, months)
    db.session.commit()
    assert rollup_build.refresh() > 0
    for _round in range(3):
        rows = db.session.scalars(select(Ticket).where(Ticket.county_id == g.county.id)).all()
        for row in rng.sample(rows, 15):
            row.updated_at = utcnow()
            edit = rng.choice(["reply", "rate", "reopen", "late"])
            if edit == "reply":
                row.replied_at = row.created_at + timedelta(days=1)
            elif edit == "rate" and row.replied_at is not None:
                row.rating = rng.randint(1, 5)
            elif edit == "reopen":
                row.rating, row.reopen_count = None, row.reopen_count + 1
            else:
                row.missed_deadline = True
        for _ in range(5):  # back-dated arrivals, stamped with their old dates
            _random_ticket(rng, estates, months)
        db.session.commit()
        rollup_build.refresh()
        assert _everything(g, months) == counted_live(_everything, g, months)
    built = db.session.scalar(select(func.count()).select_from(RollupMonth))
    assert built >= 5


def test_the_rebuild_command_builds_the_closed_months_of_a_range(app, year_of_tickets):
    result = app.test_cli_runner().invoke(
        args=["linli", "rebuild-rollups", "2025-01-01", "2025-12-31"]
    )
    assert result.exit_code == 0, result.output
    assert "12 months" in result.output
    assert tickets.figures(("county", year_of_tickets.county.id), *YEAR).tickets == 6


def test_the_hand_count_from_rollups_on_sqlite(sqlite_app):
    county = factories.county("安溪县")
    cb = factories.community(factories.township(county))
    a = factories.estate(factories.community(factories.township(county)))
    b, c = factories.estate(cb), factories.estate(cb)
    ticket(a, datetime(2025, 1, 10, 9), replied="on_time", rating=5)
    ticket(a, datetime(2025, 1, 31, 23, 30), "hotline", replied="late", rating=3)
    ticket(a, datetime(2025, 2, 1, 0, 10))
    ticket(b, datetime(2025, 3, 5, 10), "hotline", replied="on_time")
    ticket(b, datetime(2025, 3, 6, 10), replied="on_time", rating=4)
    ticket(c, datetime(2025, 3, 7, 10), replied="late", rating=1)
    ticket(c, datetime(2024, 12, 31, 23, 59), replied="on_time", rating=5)
    db.session.commit()
    assert rollup_build.refresh() > 12
    scope = ("county", county.id)
    assert tickets.figures(scope, *YEAR) == TicketFigures(6, 2, 5, 3, 4, 13, 2)
    by_month = tickets.by_month(scope, periods.months(*YEAR))
    assert [f.tickets for f in by_month.values()] == [2, 1, 3] + [0] * 9
    assert tickets.by_place(("community", cb.id), "estate", *YEAR)[b.id].tickets == 2
    assert tickets.figures(scope, date(2025, 2, 1), date(2025, 2, 1)).tickets == 1
    db.session.remove()
