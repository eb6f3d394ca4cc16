"""The demo county's joint meetings: monthly in every community but one (overdue), decided
items and resolved disputes, a linked ticket and problem, minutes that are a real PDF."""

from datetime import date

from sqlalchemy import select

from backend.common import storage
from backend.extensions import db
from backend.governance.meetings.figures import figures
from backend.governance.meetings.models import AgendaItem, MeetingMinutes
from backend.governance.meetings.schedule import last_completed
from backend.places.models import Community, County


def test_demo_meetings(runner):
    runner.invoke(args=["linli", "seed-demo"])
    county = db.session.scalar(select(County).where(County.name == "安溪县"))
    months = last_completed()[0].month
    year = last_completed()[0].year
    counted = figures(("county", county.id), date(year, 1, 1), date(year, 12, 31))
    assert counted.meetings_held == 4 * months - 2
    assert counted.communities == 4 and counted.communities_overdue == 1
    assert counted.items_decided > 0 and 0 < counted.disputes_resolved < counted.disputes
    late = db.session.scalar(select(Community).where(Community.name == "砖文社区"))
    assert figures(("community", late.id), date(year, 1, 1), date(year, 12, 31)).communities_overdue
    linked = db.session.scalars(
        select(AgendaItem).where(
            AgendaItem.ticket_id.is_not(None) | AgendaItem.problem_item_id.is_not(None)
        )
    ).all()
    assert len(linked) == 2
    minutes = db.session.scalars(select(MeetingMinutes)).all()
    assert len(minutes) == 4
    with storage.open_file(minutes[0].storage_key) as stored:
        assert stored.read(5) == b"%PDF-"
