"""The register's figures against a held-out county worked out by hand (tests.register_support):
every scope kind, a day before and long before, an ended term, a dissolved committee, a
dissolved branch, a joint branch covering two estates, a term not filed yet, the 90-day edge."""

from datetime import date, timedelta

import pytest

from backend.governance.register.figures import RegisterFigures, figures_on, figures_series
from tests.register_support import HELD_OUT, held_out
from tests.test_query_counts import count_queries

ON = date(2026, 6, 30)


@pytest.fixture
def county(make):
    return held_out(make, ON)


@pytest.mark.parametrize("scope", list(HELD_OUT[0]))
def test_figures_on_the_day_match_the_hand_count(county, scope):
    assert figures_on(county["scopes"][scope], ON) == RegisterFigures(*HELD_OUT[0][scope])


def test_the_series_matches_the_hand_count_day_by_day(county):
    days = [ON + timedelta(days=offset) for offset in (-731, -1, 0)]
    series = figures_series(county["scopes"]["county"], days)
    assert series == [RegisterFigures(*HELD_OUT[o]["county"]) for o in (-731, -1, 0)]


def test_a_day_costs_three_queries(app, county):
    with count_queries(app) as counted:
        figures_on(county["scopes"]["county"], ON)
    assert len(counted) == 3


def test_an_unknown_scope_is_refused():
    with pytest.raises(ValueError):
        figures_on(("planet", 1), ON)


def test_the_notice_days_setting_moves_the_edge(app, county):
    app.config["REELECTION_NOTICE_DAYS"] = 91
    try:
        assert figures_on(county["scopes"]["county"], ON).reelection_due == 3
    finally:
        app.config["REELECTION_NOTICE_DAYS"] = 90


def test_the_same_figures_on_sqlite(tmp_path):
    """The embedded default runs on SQLite: the same hand count there."""
    from backend import create_app
    from backend.extensions import db
    from tests import factories

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'register.db'}",
            "STORAGE_DIR": str(tmp_path),
        }
    )
    with app.app_context():
        db.create_all()
        county = held_out(factories, ON)
        for scope, expected in HELD_OUT[0].items():
            assert figures_on(county["scopes"][scope], ON) == RegisterFigures(*expected), scope
        days = [ON + timedelta(days=o) for o in (-731, -1)]
        assert figures_series(county["scopes"]["county"], days) == [
            RegisterFigures(*HELD_OUT[o]["county"]) for o in (-731, -1)
        ]
        db.session.remove()
