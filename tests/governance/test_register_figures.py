"""The register's figures against a held-out county worked out by hand (tests.register_support):
every scope kind, a day before and long before, an ended term, a dissolved committee, a
dissolved branch, a joint branch covering two estates, a term not filed yet, the 90-day edge."""

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from backend.governance.register.figures import (
    RegisterFigures,
    figures_by,
    figures_on,
    figures_series,
)
from tests.register_support import HELD_OUT, held_out
from tests.test_query_counts import count_queries

ON = date(2026, 6, 30)
ROOT = Path(__file__).resolve().parents[2]


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


def test_a_series_costs_three_queries_however_many_days(app, county):
    days = [ON + timedelta(days=offset) for offset in range(-400, 1, 30)]
    with count_queries(app) as counted:
        series = figures_series(county["scopes"]["T1"], days)
    assert len(counted) == 3
    assert series == [figures_on(county["scopes"]["T1"], day) for day in days]
    assert figures_series(county["scopes"]["county"], []) == []


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


SQLITE_CHECK = """
import json, sys
from datetime import date, timedelta
from backend import create_app
from backend.extensions import db
from backend.governance.register.figures import figures_on, figures_series
from tests import factories
from tests.register_support import HELD_OUT, held_out

on = date.fromisoformat(sys.argv[1])
with create_app({"TESTING": True}).app_context():
    db.create_all()
    county = held_out(factories, on)
    today = {s: list(vars(figures_on(county["scopes"][s], on)).values()) for s in HELD_OUT[0]}
    days = [on + timedelta(days=o) for o in (-731, -1)]
    series = [list(vars(f).values()) for f in figures_series(county["scopes"]["county"], days)]
    print(json.dumps({"today": today, "series": series}))
"""


def test_the_same_figures_on_sqlite(tmp_path):
    """The embedded default runs on SQLite: the same hand count there. In a process of its
    own, so a second app does not rebind the extensions of the one under test."""
    env = {**os.environ, "LINLI_DATABASE_URL": f"sqlite:///{tmp_path / 'register.db'}"}
    env.pop("LINLI_REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", SQLITE_CHECK, ON.isoformat()],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["today"] == {s: list(v) for s, v in HELD_OUT[0].items()}
    assert result["series"] == [list(HELD_OUT[o]["county"]) for o in (-731, -1)]


@pytest.mark.parametrize("offset", [-731, -1, 0])
def test_figures_by_place_one_level_down_equal_each_places_own(app, county, offset):
    day = ON + timedelta(days=offset)
    scopes = county["scopes"]
    for parent, child_kind in [("county", "township"), ("T1", "community"), ("C1", "estate")]:
        with count_queries(app) as counted:
            found = figures_by(scopes[parent], child_kind, day)
        assert len(counted) == 3
        assert found, parent
        assert found == {child_id: figures_on((child_kind, child_id), day) for child_id in found}
    townships = {t.id for t in county["townships"]}
    assert set(figures_by(scopes["county"], "township", ON)) == townships
