"""The schedule: intervals of LINLI_JOINT_MEETING_INTERVAL_MONTHS calendar months, and a
community overdue when the last completed interval had no meeting — at month edges in
Shanghai time (the 1st at 00:30 Shanghai is still the last day of the month in UTC)."""

from datetime import UTC, date, datetime

import pytest

from backend.governance.meetings import schedule
from backend.governance.meetings.figures import figures
from config import settings
from tests.meeting_support import hold


def test_intervals():
    assert schedule.interval_of(date(2026, 12, 1), 1) == (date(2026, 12, 1), date(2027, 1, 1))
    assert schedule.interval_of(date(2026, 5, 31), 3) == (date(2026, 4, 1), date(2026, 7, 1))
    assert schedule.last_completed(date(2026, 1, 15), 1) == (date(2025, 12, 1), date(2026, 1, 1))
    assert schedule.last_completed(date(2026, 4, 1), 3) == (date(2026, 1, 1), date(2026, 4, 1))
    assert schedule.last_completed(date(2026, 3, 31), 6) == (date(2025, 7, 1), date(2026, 1, 1))


@pytest.mark.parametrize("months", ["0", "5", "13"])
def test_an_interval_that_does_not_divide_a_year_is_refused(monkeypatch, months):
    monkeypatch.setenv("LINLI_JOINT_MEETING_INTERVAL_MONTHS", months)
    with pytest.raises(ValueError):
        settings.load()


def at(monkeypatch, utc: datetime):
    monkeypatch.setattr(schedule, "utcnow", lambda: utc)


@pytest.fixture
def three(make, gcast):
    """Three communities of township A's county: one met on 30 Nov, one only on 1 Dec,
    one last on 31 Oct."""
    ta = gcast.estate_a.community.township
    late_nov = gcast.estate_a.community
    first_dec, late_oct = make.community(ta, "东门社区"), make.community(ta, "西门社区")
    hold(gcast.township_a, late_nov, date(2026, 11, 30))
    hold(gcast.township_a, late_oct, date(2026, 10, 31))
    return late_nov, first_dec, late_oct


def overdue(community) -> int:
    return figures(
        ("community", community.id), date(2026, 1, 1), date(2026, 12, 31)
    ).communities_overdue


def test_the_first_of_the_month_at_half_past_midnight_in_shanghai(monkeypatch, gcast, three):
    late_nov, first_dec, late_oct = three
    at(monkeypatch, datetime(2026, 11, 30, 16, 30, tzinfo=UTC))  # 1 Dec 00:30 in Shanghai
    assert schedule.today() == date(2026, 12, 1)
    hold(gcast.township_a, first_dec, date(2026, 12, 1))  # allowed: it is 1 Dec already
    assert [overdue(c) for c in three] == [0, 1, 1]  # November is the last completed month


def test_the_last_evening_of_the_month_in_shanghai(monkeypatch, gcast, three):
    at(monkeypatch, datetime(2026, 11, 30, 15, 30, tzinfo=UTC))  # 30 Nov 23:30 in Shanghai
    assert schedule.today() == date(2026, 11, 30)
    # October is the last completed month: only the one that met on 31 Oct is in time.
    assert [overdue(c) for c in three] == [1, 1, 0]


def test_quarterly(monkeypatch, app, gcast, three):
    monkeypatch.setitem(app.config, "JOINT_MEETING_INTERVAL_MONTHS", 3)
    at(monkeypatch, datetime(2026, 12, 15, 4, tzinfo=UTC))  # last completed: Jul–Sep
    assert [overdue(c) for c in three] == [1, 1, 1]
    at(monkeypatch, datetime(2027, 1, 2, 4, tzinfo=UTC))  # last completed: Oct–Dec
    assert [overdue(c) for c in three] == [0, 1, 0]
