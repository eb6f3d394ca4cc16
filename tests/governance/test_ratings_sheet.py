"""The score sheet: default criteria, the county's own criteria (maxima sum to 100, frozen
once a rating of the year is submitted), auto-filled figures from tickets and the ledger
(points = max × fraction rounded half up; no records → scored by hand), and stars."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from backend.errors import Conflict, Forbidden, ValidationFailed
from backend.extensions import db
from backend.governance.ratings import criteria, services, sources
from backend.governance.ratings.models import RatingCriterion, RatingScore
from tests.governance_support import build_gcast
from tests.isolation import once_per_module
from tests.ratings_support import YEAR, at, manual_sheet, period, split, ticket  # noqa: F401

_gcast_of_module, gcast = once_per_module("gcast", build_gcast)


def test_default_sheet_sums_to_100_and_is_used_for_an_unconfigured_year(rcast):
    assert sum(line.max_points for line in criteria.DEFAULT_SHEET) == 100
    lines = criteria.sheet(rcast.county.id, YEAR)
    assert [(x.name, x.max_points, x.source) for x in lines][:3] == [
        ("党建引领", 10, "manual"),
        ("业委会运作", 15, "manual"),
        ("账目公开", 15, "ledger_on_time"),
    ]


@pytest.mark.parametrize(
    "total, stars, eligible",
    [(0, 0, False), (59, 0, False), (60, 1, False), (69, 1, False), (70, 2, False),
     (79, 2, False), (80, 3, False), (89, 3, False), (90, 4, False), (94, 4, False),
     (95, 4, True), (100, 4, True)],
)  # fmt: skip
def test_stars_follow_the_thresholds_and_95_is_only_eligible_for_five(app, total, stars, eligible):
    assert services.stars_for(total) == (stars, eligible)


def test_thresholds_are_configurable(app):
    app.config["STAR_THRESHOLDS"] = (50, 60, 70, 80, 90)
    try:
        assert services.stars_for(55) == (1, False)
        assert services.stars_for(90) == (4, True)
    finally:
        app.config["STAR_THRESHOLDS"] = (60, 70, 80, 90, 95)


@pytest.mark.parametrize(
    "num, den, max_points, points",
    [(1, 2, 15, 8), (2, 3, 20, 13), (1, 3, 20, 7), (5, 6, 15, 13), (0, 5, 20, 0), (7, 7, 20, 20),
     (1, 8, 20, 3), (3, 8, 20, 8)],
)  # fmt: skip
def test_points_are_max_times_fraction_rounded_half_up(num, den, max_points, points):
    assert sources.Figure(num, den, "").points(max_points) == points


def test_ticket_figures_count_the_shanghai_year(rcast):
    e = rcast.estate_a
    ticket(e, at(date(YEAR, 1, 1), 0, 30), rating=5)  # 2025-01-01 00:30 Shanghai: in
    ticket(e, at(date(YEAR, 6, 1)), rating=3)
    ticket(e, at(date(YEAR, 6, 2)), missed=True, rating=2)
    ticket(e, at(date(YEAR, 6, 3)), replied=False)  # no reply yet: not in the on-time rate
    ticket(e, at(date(YEAR, 12, 31), 23, 59))  # replied on time, not rated
    ticket(e, at(date(YEAR + 1, 1, 1), 0, 1), missed=True, rating=1)  # next year: out
    ticket(e, at(date(YEAR - 1, 12, 31), 23, 59), missed=True, rating=1)  # last year: out
    found = sources.figures(e.id, YEAR)
    on_time, satisfaction = found["ticket_on_time"], found["satisfaction"]
    assert (on_time.numerator, on_time.denominator) == (3, 4)
    assert on_time.points(20) == 15  # 20 × 3/4
    # Average (5+3+2)/3 = 3.33 → (3.33 − 1) / 4 = 7/12 → 20 × 7/12 = 11.67 → 12
    assert (satisfaction.numerator, satisfaction.denominator) == (7, 12)
    assert satisfaction.points(20) == 12
    assert "3 件评价" in satisfaction.basis


def test_ledger_on_time_means_published_within_the_days_after_the_period(app, rcast):
    e, by = rcast.estate_a, rcast.county_officer
    # January [01-01, 02-01): last day 01-31, on time until 02-15 23:59 Shanghai (15 days).
    period(e, by, date(YEAR, 1, 1), date(YEAR, 2, 1), at(date(YEAR, 2, 15), 23, 59))
    period(e, by, date(YEAR, 2, 1), date(YEAR, 3, 1), at(date(YEAR, 3, 16), 0, 0))  # a day late
    period(e, by, date(YEAR, 3, 1), date(YEAR, 4, 1), None)  # never published: late
    period(e, by, date(YEAR - 1, 12, 1), date(YEAR, 1, 1), at(date(YEAR, 1, 2)))  # last year
    figure = sources.figures(e.id, YEAR)["ledger_on_time"]
    assert (figure.numerator, figure.denominator) == (1, 3)
    assert figure.points(15) == 5
    app.config["LEDGER_PUBLISH_DAYS"] = 16
    try:
        assert sources.figures(e.id, YEAR)["ledger_on_time"].numerator == 2
    finally:
        app.config["LEDGER_PUBLISH_DAYS"] = 15


def test_a_period_still_within_its_days_is_not_counted_yet(rcast):
    today = criteria.today()
    start = today.replace(day=1)
    period(rcast.estate_a, rcast.county_officer, start, start + timedelta(days=28), None)
    assert sources.figures(rcast.estate_a.id, today.year)["ledger_on_time"] is None


def test_no_records_means_no_figure_and_the_officer_scores_by_hand(rcast):
    lines = services.sheet_lines(rcast.estate_a, YEAR, None)
    auto = [sl for sl in lines if sl.line.is_auto]
    assert auto and all(sl.figure is None and sl.points is None and sl.manual for sl in auto)
    with pytest.raises(ValidationFailed) as missing:
        services.score(rcast.township_a, rcast.estate_a.id, YEAR, {}, submit=True)
    assert set(missing.value.fields) == {line.code for line in criteria.DEFAULT_SHEET}


def test_auto_filled_points_are_stored_with_their_basis_and_cannot_be_overridden(rcast):
    e = rcast.estate_a
    ticket(e, at(date(YEAR, 5, 1)), rating=5)
    ticket(e, at(date(YEAR, 5, 2)), missed=True, rating=4)
    given = {
        "party_building": 8,
        "committee": 12,
        "accounts_public": 10,  # no ledger records: scored by hand
        "facilities": 9,
        "environment": 7,
        "tickets_on_time": 0,  # has records: this typed value is ignored
    }
    rating = services.score(rcast.township_a, e.id, YEAR, given, submit=True)
    stored = {s.code: (s.points, s.basis) for s in rating.scores}
    assert stored["tickets_on_time"] == (10, "按时办结 1 / 已反馈 2 件")  # 20 × 1/2
    assert stored["satisfaction"][0] == 18  # (4.5 − 1) / 4 = 7/8 → 17.5 → 18
    assert stored["accounts_public"] == (10, "")
    assert rating.total == 8 + 12 + 10 + 10 + 18 + 9 + 7
    assert rating.status == "submitted"


def test_county_officer_sets_the_sheet(rcast):
    lines = manual_sheet(rcast.county_officer, a=40, b=60)
    assert [x.max_points for x in lines] == [40, 60]
    assert [x.code for x in criteria.sheet(rcast.county.id, YEAR)] == ["a", "b"]


@pytest.mark.parametrize(
    "rows, field",
    [
        ([{"code": "a", "name": "甲", "max_points": 60, "source": "manual"}], "criteria"),
        ([{"code": "A!", "name": "甲", "max_points": 100, "source": "manual"}], "0.code"),
        ([{"code": "a", "name": "", "max_points": 100, "source": "manual"}], "0.name"),
        ([{"code": "a", "name": "甲" * 41, "max_points": 100, "source": "manual"}], "0.name"),
        ([{"code": "a", "name": "甲", "max_points": "100", "source": "manual"}], "0.max_points"),
        ([{"code": "a", "name": "甲", "max_points": 0, "source": "manual"}], "0.max_points"),
        ([{"code": "a", "name": "甲", "max_points": 100, "source": "guess"}], "0.source"),
        ([{"code": "a", "name": "甲", "max_points": 50, "source": "manual"}] * 2, "1.code"),
        ([], "criteria"),
    ],
)
def test_a_bad_sheet_is_refused_and_changes_nothing(rcast, rows, field):
    manual_sheet(rcast.county_officer)
    with pytest.raises(ValidationFailed) as refused:
        criteria.set_sheet(rcast.county_officer, YEAR, rows)
    assert field in refused.value.fields
    assert [x.code for x in criteria.sheet(rcast.county.id, YEAR)] == ["a", "b"]


def test_township_officer_cannot_set_the_sheet(rcast):
    with pytest.raises(Forbidden):
        manual_sheet(rcast.township_a)


def test_sheet_is_frozen_once_a_rating_of_the_year_is_submitted(rcast):
    manual_sheet(rcast.county_officer)
    services.score(rcast.township_a, rcast.estate_a.id, YEAR, split(80))  # a draft: not yet
    manual_sheet(rcast.county_officer, a=30, b=70)
    services.score(rcast.township_a, rcast.estate_a.id, YEAR, {"a": 30, "b": 50}, submit=True)
    with pytest.raises(Conflict):
        manual_sheet(rcast.county_officer, a=20, b=80)
    assert [x.max_points for x in criteria.sheet(rcast.county.id, YEAR)] == [30, 70]
    manual_sheet(rcast.county_officer, year=YEAR + 1, a=20, b=80)  # another year is free


def test_first_scoring_freezes_the_default_sheet_into_the_table(rcast):
    services.score(rcast.township_a, rcast.estate_a.id, YEAR, {"party_building": 5})
    count = db.session.scalar(select(func.count()).select_from(RatingCriterion))
    assert count == len(criteria.DEFAULT_SHEET)
    assert db.session.scalar(select(func.count()).select_from(RatingScore)) == 1
