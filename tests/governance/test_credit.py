"""Credit arithmetic: the score (base minus live deductions of the window, floored at 0) and
the figures a county, township or community reports, against answers computed by hand."""

from datetime import date

import pytest

from backend.governance.credit import figures as credit
from backend.governance.credit.figures import Figures
from tests.governance_support import build_gcast, on, penalty
from tests.isolation import once_per_module

_gcast_of_module, gcast = once_per_module("gcast", build_gcast)


def test_full_score_without_penalties(gcast):
    assert credit.score(gcast.company.id) == 100


def test_score_subtracts_live_deductions_only(gcast):
    by = gcast.county_officer.id
    penalty(gcast.company, "deduction", 5, points=10, recorded_by_id=by)
    penalty(gcast.company, "deduction", 200, points=7, recorded_by_id=by)
    penalty(gcast.company, "interview", 3, recorded_by_id=by)  # no points
    revoked = penalty(gcast.company, "deduction", 1, points=30, recorded_by_id=by)
    revoked.revoked_at = revoked.created_at
    penalty(gcast.other_company, "deduction", 1, points=40, recorded_by_id=by)
    assert credit.score(gcast.company.id) == 100 - 10 - 7
    assert credit.score(gcast.other_company.id) == 60


def test_window_counts_364_days_back_and_not_365(gcast):
    by = gcast.county_officer.id
    penalty(gcast.company, "deduction", 364, points=11, recorded_by_id=by)  # day 365 of window
    penalty(gcast.company, "deduction", 365, points=13, recorded_by_id=by)  # one day out
    penalty(gcast.company, "deduction", 0, points=2, recorded_by_id=by)  # today
    assert credit.score(gcast.company.id) == 100 - 11 - 2


def test_window_and_base_come_from_config(gcast, app):
    by = gcast.county_officer.id
    penalty(gcast.company, "deduction", 40, points=5, recorded_by_id=by)
    app.config.update(CREDIT_WINDOW_DAYS=30, CREDIT_BASE_SCORE=90)
    try:
        assert credit.score(gcast.company.id) == 90
    finally:
        app.config.update(CREDIT_WINDOW_DAYS=365, CREDIT_BASE_SCORE=100)


def test_score_is_floored_at_zero(gcast):
    for _ in range(3):
        penalty(gcast.company, "deduction", 1, points=40, recorded_by_id=gcast.county_officer.id)
    assert credit.score(gcast.company.id) == 0


@pytest.fixture
def year_2025(gcast, make):
    """Penalties of 2025 (and two outside it), worked out by hand below.

    company (serves A and B)    other_company (serves C, township B)
      interview   A  03-01        interview  C 05-05
      interview   -  04-01        criticism  C 05-06
      criticism   A  06-30        deduction  C 07-07  8 pts
      criticism   B  07-01        project_removal C 12-31
      deduction   A  08-08  5 pts
      deduction   B  09-09 20 pts (revoked)
      manager_dismissal A 10-10
      interview   A  2024-12-31  (before the range)
      interview   A  2026-01-01  (after the range; decided_on in the past in tests that run later)
    """
    by = gcast.county_officer.id
    c, o = gcast.company, gcast.other_company
    a, b, cc = gcast.estate_a, gcast.estate_b, gcast.estate_c
    rows = [
        (c, "interview", date(2025, 3, 1), 0, a),
        (c, "interview", date(2025, 4, 1), 0, None),
        (c, "criticism", date(2025, 6, 30), 0, a),
        (c, "criticism", date(2025, 7, 1), 0, b),
        (c, "deduction", date(2025, 8, 8), 5, a),
        (c, "manager_dismissal", date(2025, 10, 10), 0, a),
        (c, "interview", date(2024, 12, 31), 0, a),
        (c, "interview", date(2026, 1, 1), 0, a),
        (o, "interview", date(2025, 5, 5), 0, cc),
        (o, "criticism", date(2025, 5, 6), 0, cc),
        (o, "deduction", date(2025, 7, 7), 8, cc),
        (o, "project_removal", date(2025, 12, 31), 0, cc),
    ]
    for company_row, kind, decided_on, points, estate in rows:
        penalty(
            company_row,
            kind,
            points=points,
            estate=estate,
            decided_on=decided_on,
            recorded_by_id=by,
        )
    revoked = penalty(
        c, "deduction", points=20, estate=b, decided_on=date(2025, 9, 9), recorded_by_id=by
    )
    revoked.revoked_at = revoked.created_at
    return gcast


def test_county_figures_for_a_year(year_2025):
    got = credit.figures(("county", year_2025.county.id), date(2025, 1, 1), date(2025, 12, 31))
    assert got == Figures(
        interview=3,
        criticism=3,
        deduction=2,
        manager_dismissal=1,
        project_removal=1,
        companies_interviewed=2,
        companies_criticised=2,
        points=13,
    )


def test_township_figures_count_only_their_estates(year_2025):
    township_b = year_2025.estate_b.township_id
    got = credit.figures(("township", township_b), date(2025, 1, 1), date(2025, 12, 31))
    # B: company's criticism (B); C: other's interview, criticism, deduction, removal.
    assert got == Figures(
        interview=1,
        criticism=2,
        deduction=1,
        project_removal=1,
        companies_interviewed=1,
        companies_criticised=2,
        points=8,
    )


def test_community_figures_and_range_edges(year_2025):
    community_a = year_2025.estate_a.community_id
    got = credit.figures(("community", community_a), date(2025, 3, 1), date(2025, 8, 8))
    # A between 03-01 and 08-08 inclusive: interview 03-01, criticism 06-30, deduction 08-08.
    assert got == Figures(
        interview=1,
        criticism=1,
        deduction=1,
        companies_interviewed=1,
        companies_criticised=1,
        points=5,
    )


def test_figures_of_another_county_are_empty(year_2025, make):
    other = make.county("永春县")
    assert credit.figures(("county", other.id), date(2025, 1, 1), date(2025, 12, 31)) == Figures()


def test_unknown_scope_kind_is_refused(gcast):
    with pytest.raises(ValueError):
        credit.figures(("province", 1), on(10), on(0))
