"""Meeting figures against a county counted by hand, at every scope kind, with meetings on
both sides of each end of the range."""

import pytest

from backend.governance.meetings.figures import MeetingFigures, figures
from tests.meeting_support import HeldOut


@pytest.fixture
def held(make):
    return HeldOut(make)


def test_figures_by_hand(held):
    def fig(kind, place):
        return figures((kind, place.id), HeldOut.SINCE, HeldOut.UNTIL)

    # meetings, decided, disputes, resolved, communities, overdue today
    assert fig("county", held.county) == MeetingFigures(4, 5, 3, 2, 3, 2)
    assert fig("township", held.t1) == MeetingFigures(3, 3, 3, 2, 2, 2)
    assert fig("township", held.t2) == MeetingFigures(1, 2, 0, 0, 1, 0)
    assert fig("community", held.c1) == MeetingFigures(2, 3, 2, 1, 1, 1)
    assert fig("community", held.c2) == MeetingFigures(1, 0, 1, 1, 1, 1)
    # An estate: meetings with its item or attendee, and only its own items.
    assert fig("estate", held.e1) == MeetingFigures(2, 1, 0, 0, 1, 1)
    assert fig("estate", held.e2) == MeetingFigures(1, 0, 1, 1, 1, 1)
    assert fig("estate", held.e3) == MeetingFigures(0, 0, 0, 0, 1, 0)


def test_range_ends_are_included(held):
    day = HeldOut.SINCE
    assert figures(("community", held.c1.id), day, day).meetings_held == 1
    assert figures(("community", held.c1.id), HeldOut.UNTIL, HeldOut.UNTIL).meetings_held == 1


def test_unknown_scope_is_refused():
    with pytest.raises(ValueError):
        figures(("planet", 1), HeldOut.SINCE, HeldOut.UNTIL)
