"""The five targets (四升一降): ratios from integer counts, the places a staff user may open,
and the ticket figures of a held-out year computed by hand — per place, per month (edges in
Shanghai time) and per place one level down — counted live and read from the roll-ups."""

from datetime import date, datetime

import pytest

from backend.common import ratios
from backend.common.clock import SHANGHAI
from backend.errors import NotFound
from backend.governance.targets import periods, places, rollup_build, tickets
from backend.governance.targets.tickets import TicketFigures
from tests.governance_support import build_gcast
from tests.isolation import once_per_module
from tests.target_support import YEAR

_gcast_of_module, gcast = once_per_module("gcast", build_gcast)

# -- ratios -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "count, of, text",
    [(2, 3, "66.67%"), (1, 3, "33.33%"), (1, 8, "12.50%"), (0, 5, "0.00%"), (5, 5, "100.00%")],
)
def test_percent_is_exact_and_rounded_half_up(count, of, text):
    assert ratios.percent(count, of) == text


def test_half_a_basis_point_rounds_up():
    assert ratios.basis_points(1, 20_000) == 1  # 0.005% → 0.01%
    assert ratios.basis_points(1, 30_000) == 0  # 0.0033% → 0.00%


def test_nothing_to_divide_by_is_no_data_not_zero():
    assert ratios.percent(0, 0) is None
    assert ratios.average(0, 0) is None
    assert ratios.chart_value(None) is None


@pytest.mark.parametrize("total, count, text", [(7, 2, "3.50"), (10, 3, "3.33"), (5, 3, "1.67")])
def test_average_to_two_decimals(total, count, text):
    assert ratios.average(total, count) == text


# -- periods ----------------------------------------------------------------------------------


def test_months_run_from_the_first_month_to_the_last_and_are_capped():
    found = periods.months(date(2025, 11, 15), date(2026, 2, 1))
    assert [m.label for m in found] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert found[1].last_day == date(2025, 12, 31)
    assert found[1].end == datetime(2026, 1, 1, tzinfo=SHANGHAI)
    assert len(periods.months(date(2000, 1, 1), date(2026, 12, 1))) == periods.MAX_MONTHS


# -- places -----------------------------------------------------------------------------------


def test_officers_open_their_own_place_and_everything_below(gcast):
    a, b = gcast.estate_a, gcast.estate_b
    place = places.place_for(gcast.township_a, "estate", a.id)
    assert place.trail == (
        ("county", gcast.county.id, "安溪县"),
        ("township", a.township_id, "凤城镇"),
        ("community", a.community_id, "城东社区"),
    )
    assert places.place_for(gcast.county_officer, "estate", b.id).name == "河滨小区"
    assert places.place_for(gcast.auditor_a, "community", a.community_id).name == "城东社区"


@pytest.mark.parametrize(
    "who, kind, target",
    [
        ("township_a", "county", "county"),  # a level above their own
        ("township_a", "township", "township_b"),
        ("township_a", "estate", "estate_b"),  # an estate of another township
        ("auditor_a", "township", "township_a"),
        ("outsider", "county", "county"),  # another county's officer
        ("owner_a", "estate", "estate_a"),  # owners do not use the console
        ("manager", "estate", "estate_a"),
    ],
)
def test_places_outside_the_scope_are_not_found(gcast, who, kind, target):
    ids = {
        "county": gcast.county.id,
        "township_a": gcast.estate_a.township_id,
        "township_b": gcast.estate_b.township_id,
        "estate_a": gcast.estate_a.id,
        "estate_b": gcast.estate_b.id,
    }
    with pytest.raises(NotFound):
        places.place_for(getattr(gcast, who), kind, ids[target])


def test_unknown_kinds_and_ids_are_not_found(gcast):
    for kind, place_id in [("province", gcast.county.id), ("estate", 999_999)]:
        with pytest.raises(NotFound):
            places.place_for(gcast.county_officer, kind, place_id)


def test_home_is_the_widest_place_supervised(gcast):
    assert places.home_place(gcast.county_officer).scope == ("county", gcast.county.id)
    assert places.home_place(gcast.township_a).scope == ("township", gcast.estate_a.township_id)
    assert places.home_place(gcast.auditor_a).scope == ("community", gcast.estate_a.community_id)
    with pytest.raises(NotFound):
        places.home_place(gcast.owner_a)


# -- ticket figures of a held-out year (tests/target_support.py) -----------------------------


@pytest.fixture(params=["live", "rolled_up"])
def counted(request, year_of_tickets):
    """The held-out year, counted live or with every closed month around it rolled up (a
    period's edges cut into months are still counted live)."""
    if request.param == "rolled_up":
        assert rollup_build.rebuild(date(2024, 12, 1), date(2026, 1, 31)) == 14
    return year_of_tickets


def test_figures_of_each_place_match_the_hand_count(counted):
    g = counted
    a, b, c = g.estate_a, g.estate_b, g.estate_c
    assert tickets.figures(("county", g.county.id), *YEAR) == TicketFigures(
        tickets=6, hotline=2, replied=5, on_time=3, rated=4, rating_sum=13, satisfied=2
    )
    assert tickets.figures(("township", a.township_id), *YEAR) == TicketFigures(
        tickets=3, hotline=1, replied=2, on_time=1, rated=2, rating_sum=8, satisfied=1
    )
    assert tickets.figures(("community", b.community_id), *YEAR) == TicketFigures(
        tickets=3, hotline=1, replied=3, on_time=2, rated=2, rating_sum=5, satisfied=1
    )
    assert tickets.figures(("estate", c.id), *YEAR) == TicketFigures(
        tickets=1, hotline=0, replied=1, on_time=0, rated=1, rating_sum=1, satisfied=0
    )
    # One day: the first of February in Shanghai holds just the ticket of 00:10.
    assert tickets.figures(("county", g.county.id), date(2025, 2, 1), date(2025, 2, 1)).tickets == 1


def test_figures_per_place_one_level_down(counted):
    g = counted
    found = tickets.by_place(("county", g.county.id), "township", *YEAR)
    assert found[g.estate_a.township_id].on_time == 1
    assert found[g.estate_b.township_id] == TicketFigures(3, 1, 3, 2, 2, 5, 1)
    per_estate = tickets.by_place(("community", g.estate_b.community_id), "estate", *YEAR)
    assert set(per_estate) == {g.estate_b.id, g.estate_c.id}
    assert per_estate[g.estate_b.id].tickets == 2


def test_figures_per_month_cut_at_shanghai_midnight(counted):
    g = counted
    months = periods.months(*YEAR)
    found = tickets.by_month(("county", g.county.id), months)
    assert [found[m].tickets for m in months] == [2, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    january, march = found[months[0]], found[months[2]]
    assert january == TicketFigures(2, 1, 2, 1, 2, 8, 1)
    assert march == TicketFigures(3, 1, 3, 2, 2, 5, 1)
    assert tickets.by_month(("county", g.county.id), []) == {}


@pytest.mark.parametrize(
    "since, until",
    [(date(2025, 1, 15), date(2025, 3, 6)), (date(2025, 2, 1), date(2025, 2, 1)), YEAR],
)
def test_months_cut_to_the_period_add_up_to_it(counted, since, until):
    scope = ("county", counted.county.id)
    by_month = tickets.by_month(scope, periods.months(since, until), since, until)
    assert tickets.total(by_month.values()) == tickets.figures(scope, since, until)


def test_the_total_of_nothing_is_zero():
    assert tickets.total([]) == TicketFigures()
