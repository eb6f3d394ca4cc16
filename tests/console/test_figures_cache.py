"""The dashboards' figures cache (backend/governance/targets/cache.py): a page is served from
Redis until a write to what it counts commits, and shows that write right after the commit;
a rolled-back write bumps nothing; one place's or period's entry never serves another; access
is checked before the cache is read; and the cached figures are the live ones.

"Commit" here is the test session's own commit: the session joins the module's connection
with a savepoint (tests/isolation.py), so its outermost transaction commits (and fires
``after_commit``) exactly as a request's does, while the rows stay in the module's transaction.
"""

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update

from backend.extensions import db, redis_holder
from backend.governance.register.models import Committee
from backend.governance.targets import cache
from backend.tickets.models import Ticket
from tests.console.test_estate_page import table_rows
from tests.console.test_report_pages import meeting
from tests.console.test_target_pages import target_values
from tests.console.test_ticket_pages import html_of, signed_in
from tests.factories import places_of, raw_problem, raw_ticket
from tests.governance_support import penalty
from tests.ratings_support import rating

YEAR_2025 = "?year=2025"


@pytest.fixture(autouse=True)
def _counted_from_zero(app):
    # conftest empties the test Redis db after each test; whatever ran before the first
    # one (a bench on the same db) may have left the counters behind.
    redis_holder.client.delete(cache.HITS, cache.MISSES)


@pytest.fixture
def as_county(client, gcast):
    return signed_in(client, gcast.county_officer, "county1")


def page_html(response) -> str:
    """The page as HTML, its sign-out form's CSRF token masked: the token carries the second
    it was made, so two renders a second apart differ there and nowhere else."""
    return CSRF_TOKEN.sub(r"\1…", html_of(response))


CSRF_TOKEN = re.compile(r'(name="csrf_token" value=")[^"]*')


def county_page(client, gcast, query=YEAR_2025) -> str:
    response = client.get(f"/console/targets/county/{gcast.county.id}{query}")
    assert response.status_code == 200
    return page_html(response)


def shown(html) -> dict:
    """Every figure the page shows: the target cards and each table's rows."""
    tables = ("monthly", "children", "meeting-figures", "problem-figures", "credit-figures")
    return {"targets": target_values(html)} | {t: table_rows(html, t) for t in tables}


def a_ticket(g):
    raw_ticket(g.estate_b, datetime(2025, 5, 1, 2, tzinfo=UTC))


def a_committee_filed_with_a_past_date(g):
    db.session.add(
        Committee(
            **places_of(g.estate_b),
            formed_on=date(2025, 5, 1),
            term_ends_on=date(2030, 4, 30),
            is_party_led=False,
            created_by_id=g.admin.id,
        )
    )


def a_rating(g):
    rating(g.estate_a, 92, 4, 2025)


def a_penalty(g):
    penalty(g.company, "criticism", decided_on=date(2025, 6, 1), recorded_by_id=g.admin.id)


def a_meeting(g):
    meeting(g.estate_a, date(2025, 4, 10), "四月联席会议", g.admin, [("电梯", True, True, True)])


def a_problem(g):
    raw_problem(
        g.estate_c, g.admin, date(2025, 8, 1), created_at=datetime(2025, 7, 1, 2, tzinfo=UTC)
    )


EDITS = {
    # edit -> what it changes on the county page of 2025
    a_ticket: lambda html: target_values(html)["complaints"][0],
    a_committee_filed_with_a_past_date: lambda html: target_values(html)["committee_formation"],
    a_rating: lambda html: target_values(html)["stars"],
    a_penalty: lambda html: table_rows(html, "credit-figures"),
    a_meeting: lambda html: table_rows(html, "meeting-figures"),
    a_problem: lambda html: table_rows(html, "problem-figures"),
}


@pytest.mark.parametrize("edit", EDITS, ids=lambda edit: edit.__name__)
def test_an_edit_shows_right_after_its_commit(as_county, gcast, year_of_tickets, edit):
    figure = EDITS[edit]
    before = figure(county_page(as_county, gcast))
    assert cache.stats() == (0, 1)  # counted, then stored
    assert figure(county_page(as_county, gcast)) == before
    assert cache.stats() == (1, 1)  # served from the cache
    edit(gcast)
    db.session.commit()
    after = figure(county_page(as_county, gcast))
    assert cache.stats() == (1, 2)  # the commit left the entry behind
    assert after != before


def test_a_rolled_back_write_bumps_nothing(as_county, gcast, year_of_tickets):
    before = county_page(as_county, gcast)
    version = redis_holder.client.get(f"{cache.VERSION}{gcast.county.id}")
    a_ticket(gcast)
    db.session.flush()
    db.session.rollback()
    assert redis_holder.client.get(f"{cache.VERSION}{gcast.county.id}") == version
    assert county_page(as_county, gcast) == before
    assert cache.stats() == (1, 1)


def test_a_bulk_update_through_the_session_bumps_every_county(as_county, gcast, year_of_tickets):
    before = target_values(county_page(as_county, gcast))["service_quality"]
    db.session.execute(
        update(Ticket).where(Ticket.county_id == gcast.county.id).values(missed_deadline=True)
    )
    db.session.commit()
    assert target_values(county_page(as_county, gcast))["service_quality"] == (
        "0.00%",
        "已反馈 5 件，按时 0 件",
    )
    assert before[0] == "60.00%"
    assert cache.stats() == (0, 2)


def test_a_write_in_another_county_leaves_the_entry(as_county, gcast, year_of_tickets, make):
    county_page(as_county, gcast)
    elsewhere = make.estate(make.community(make.township(make.county("别县"), "某镇"), "某社区"))
    db.session.commit()  # a community's county is not at hand: every county's figures recount
    county_page(as_county, gcast)
    raw_ticket(elsewhere, datetime(2025, 5, 1, 2, tzinfo=UTC))
    db.session.commit()
    county_page(as_county, gcast)
    assert cache.stats() == (1, 2)


def test_one_places_or_periods_entry_never_serves_another(as_county, gcast, year_of_tickets):
    county = shown(county_page(as_county, gcast))
    half = shown(county_page(as_county, gcast, "?since=2025-01-01&until=2025-02-28"))
    township = as_county.get(f"/console/targets/township/{gcast.estate_a.township_id}{YEAR_2025}")
    assert cache.stats() == (0, 3)
    assert county["targets"]["complaints"][0] == "6 件"
    assert half["targets"]["complaints"][0] == "3 件"
    assert len(half["monthly"]) == 2
    assert target_values(html_of(township))["complaints"][0] == "3 件"


def test_access_is_checked_before_the_cache(as_county, gcast, year_of_tickets, app):
    other = f"/console/targets/township/{gcast.estate_b.township_id}{YEAR_2025}"
    assert as_county.get(other).status_code == 200  # cached now
    as_township = signed_in(app.test_client(), gcast.township_a, "township1")
    assert as_township.get(other).status_code == 404
    assert cache.stats() == (0, 1)


def test_the_cached_figures_are_the_live_ones(as_county, gcast, year_of_tickets, monkeypatch):
    county_page(as_county, gcast)
    cached = shown(county_page(as_county, gcast))
    report_url = f"/console/reports/county/{gcast.county.id}{YEAR_2025}"
    report = page_html(as_county.get(report_url))
    report_cached = page_html(as_county.get(report_url))
    assert cache.stats() == (2, 2)
    assert cached["targets"]["complaints"] == ("6 件", "其中 12345 热线 2 件")
    assert report_cached == report
    monkeypatch.setattr(redis_holder, "client", None)  # counted live
    assert shown(county_page(as_county, gcast)) == cached
    live_report = as_county.get(report_url)
    assert page_html(live_report) == report


def test_a_savepoint_neither_bumps_nor_forgets(as_county, gcast, year_of_tickets):
    key = f"{cache.VERSION}{gcast.county.id}"
    county_page(as_county, gcast)
    version = redis_holder.client.get(key)
    a_ticket(gcast)
    db.session.flush()
    with db.session.begin_nested():
        a_committee_filed_with_a_past_date(gcast)
    assert redis_holder.client.get(key) == version  # released, not committed
    nested = db.session.begin_nested()
    a_problem(gcast)
    db.session.flush()
    nested.rollback()  # the ticket flushed before it is still to be shown
    assert redis_holder.client.get(key) == version
    db.session.commit()
    assert int(redis_holder.client.get(key)) == int(version) + 1
    assert target_values(county_page(as_county, gcast))["complaints"][0] == "7 件"


def test_a_lost_version_never_starts_again_at_one(as_county, gcast, year_of_tickets):
    key = f"{cache.VERSION}{gcast.county.id}"
    county_page(as_county, gcast)
    redis_holder.client.delete(key)
    a_ticket(gcast)
    db.session.commit()
    assert int(redis_holder.client.get(key)) > 10**15  # microseconds since 1970
    assert target_values(county_page(as_county, gcast))["complaints"][0] == "7 件"


def test_versions_missing_when_a_page_is_read_start_past_any_earlier_one(
    as_county, gcast, year_of_tickets
):
    # The lookup (one script) sets a missing version as a bump does: never back to 1, where
    # an entry stored before the key was lost could be met again.
    keys = [f"{cache.VERSION}{gcast.county.id}", f"{cache.VERSION}{cache.GLOBAL}"]
    redis_holder.client.delete(*keys)
    first = county_page(as_county, gcast)
    versions = redis_holder.client.mget(keys)
    assert all(int(version) > 10**15 for version in versions)  # microseconds since 1970
    assert county_page(as_county, gcast) == first
    assert redis_holder.client.mget(keys) == versions
    assert cache.stats() == (1, 1)


def test_a_bulk_update_of_no_row_leaves_the_entries(as_county, gcast, year_of_tickets):
    county_page(as_county, gcast)
    db.session.execute(update(Ticket).where(Ticket.id < 0).values(missed_deadline=True))
    db.session.commit()
    county_page(as_county, gcast)
    assert cache.stats() == (1, 1)
