"""The meeting figures and the schedule query on SQLite, the embedded default: the same
hand-counted county as on PostgreSQL, on a schema built by the migrations."""

from backend.console.meetings import pages as meeting_pages
from backend.extensions import db
from backend.governance.meetings.figures import MeetingFigures, figures
from tests import factories
from tests.meeting_support import HeldOut


def test_figures_and_schedule_on_sqlite(sqlite_app):
    held = HeldOut(factories)
    since, until = HeldOut.SINCE, HeldOut.UNTIL
    assert figures(("county", held.county.id), since, until) == MeetingFigures(4, 5, 3, 2, 3, 2)
    assert figures(("estate", held.e1.id), since, until) == MeetingFigures(2, 1, 0, 0, 1, 1)
    rows = meeting_pages.schedule_page(held.officer)["rows"]
    assert {r["community"].name: r["overdue"] for r in rows} == {
        "南门社区": True,
        "城关社区": True,
        "岩溪社区": False,
    }
    db.session.remove()
