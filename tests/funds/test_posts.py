"""The daily post of emergency repairs whose owners were not told in time: once per project."""

from datetime import date, timedelta

from sqlalchemy import select

from backend.extensions import db
from backend.funds.models import RepairProject
from backend.funds.posts import NOTICE_OVERDUE, post_overdue_owner_notices
from backend.outbox.models import OutboxMessage


def _signed(fund, fcast):
    project = fund.prechecked(path="emergency")
    for person, kind in (
        (fcast.chair, "committee"),
        (fcast.auditor, "community"),
        (fcast.township, "township"),
    ):
        fund.sign(person, project["id"], kind)
    return project


def test_untold_owners_past_the_due_date_are_posted_once(fund, fcast, make):
    group = make.group_chat(fcast.estate)
    project = _signed(fund, fcast)
    due = date.fromisoformat(
        fund.get(fcast.chair, fund.project_url(project["id"])).json["owners_notice_due_on"]
    )
    assert post_overdue_owner_notices(due) == 0  # the due day itself is still in time
    assert post_overdue_owner_notices(due + timedelta(days=1)) == 1
    assert post_overdue_owner_notices(due + timedelta(days=2)) == 0
    rows = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.topic == NOTICE_OVERDUE)
    ).all()
    assert [(r.subject_id, r.group_chat_id) for r in rows] == [(project["id"], group.id)]


def test_owners_told_in_time_are_not_posted(fund, fcast, make):
    make.group_chat(fcast.estate)
    project = _signed(fund, fcast)
    fund.post(fcast.chair, fund.project_url(project["id"], "/owners-notice"))
    row = db.session.get(RepairProject, project["id"])
    assert post_overdue_owner_notices(row.owners_notice_due_on + timedelta(days=5)) == 0
