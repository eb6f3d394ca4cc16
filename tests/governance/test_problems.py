"""The problem list (十件实事): who records problems and inspections, who closes them out
(township and county officers only: auditors 403), scope (404), bad input (422, nothing
written), closing out twice (409, also at once), and the figures by hand."""

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from backend.accounts.models import User
from backend.common.clock import SHANGHAI
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.extensions import db
from backend.governance.credit.figures import today
from backend.governance.problems import services as problems
from backend.governance.problems.models import Inspection, ProblemEvidence, ProblemItem
from tests.concurrency import at_once, in_own_context
from tests.factories import raw_problem
from tests.ledger_support import png_bytes

PHOTO = ("整改后.png", png_bytes())


def count(model=ProblemItem) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def item(**fields) -> dict:
    body = {
        "category": "fire_safety",
        "title": "消防通道堵塞",
        "description": "3 号楼消防通道堆放杂物",
        "plan": "清理杂物并设置禁停标识",
        "deadline": today() + timedelta(days=14),
    }
    body.update(fields)
    return body


def make(user, estate, **fields) -> ProblemItem:
    return problems.create_problem(user, {"estate_id": estate.id, **item(**fields)})


@pytest.mark.parametrize("who", ["auditor_a", "township_a", "county_officer", "admin"])
def test_staff_in_scope_record_problems(gcast, who):
    problem = make(getattr(gcast, who), gcast.estate_a)
    assert problem.status == "open" and problem.status_label == "整改中"
    assert (problem.community_id, problem.township_id, problem.county_id) == (
        gcast.estate_a.community_id,
        gcast.estate_a.township_id,
        gcast.county.id,
    )


@pytest.mark.parametrize("who", ["township_b", "outsider", "owner_a", "manager"])
def test_outside_scope_is_404_and_writes_nothing(gcast, who):
    with pytest.raises(NotFound):
        make(getattr(gcast, who), gcast.estate_a)
    assert count() == 0


def test_past_deadline_is_refused(gcast):
    with pytest.raises(ValidationFailed) as error:
        make(gcast.auditor_a, gcast.estate_a, deadline=today() - timedelta(days=1))
    assert error.value.fields == {"deadline": ["整改期限不能早于今天"]}
    assert count() == 0


def test_inspection_records_its_items_or_nothing(gcast):
    args = {
        "estate_id": gcast.estate_a.id,
        "inspected_on": today(),
        "notes": "季度督查",
        "items": [item(), item(category="elevator", title="电梯年检过期")],
    }
    inspection = problems.create_inspection(gcast.township_a, args)
    assert inspection.quarter == problems.quarter_of(today())
    assert count() == 2
    rows = db.session.scalars(select(ProblemItem)).all()
    assert {r.inspection_id for r in rows} == {inspection.id}

    bad = {**args, "items": [item(), item(deadline=today() - timedelta(days=3))]}
    with pytest.raises(ValidationFailed) as error:
        problems.create_inspection(gcast.township_a, bad)
    assert "items.1.deadline" in error.value.fields
    db.session.rollback()
    assert count() == 2 and count(Inspection) == 1


def test_quarter_of():
    from datetime import date

    assert problems.quarter_of(date(2026, 12, 31)) == "2026Q4"
    assert problems.quarter_of(date(2026, 1, 1)) == "2026Q1"
    assert problems.quarter_of(date(2026, 7, 1)) == "2026Q3"


@pytest.mark.parametrize("who", ["township_a", "county_officer", "admin"])
def test_officers_close_out_with_a_photo(gcast, who):
    problem = make(gcast.auditor_a, gcast.estate_a)
    person = getattr(gcast, who)
    closed = problems.close_out(person, problem.id, "已清理并复查", [PHOTO])
    assert closed.status == "closed_out" and closed.closed_by_id == person.id
    assert count(ProblemEvidence) == 1


def test_close_out_is_dated_in_shanghai(gcast, monkeypatch):
    """23:30 UTC is already the next day in Shanghai: that is the day the deadline is
    compared with."""
    problem = make(gcast.auditor_a, gcast.estate_a)
    monkeypatch.setattr(problems, "utcnow", lambda: datetime(2026, 3, 31, 23, 30, tzinfo=UTC))
    closed = problems.close_out(gcast.township_a, problem.id, "已清理并复查", [PHOTO])
    assert closed.closed_on.isoformat() == "2026-04-01"


def test_auditor_may_not_close_out(gcast):
    problem = make(gcast.auditor_a, gcast.estate_a)
    with pytest.raises(Forbidden):
        problems.close_out(gcast.auditor_a, problem.id, "已整改", [PHOTO])
    with pytest.raises(NotFound):
        problems.close_out(gcast.township_b, problem.id, "已整改", [PHOTO])


@pytest.mark.parametrize(
    "note, photos, field",
    [
        ("", [PHOTO], "close_note"),
        ("已整改", [], "photos"),
        ("已整改", [PHOTO] * 10, "photos"),
        ("已整改", [("x.jpg", b"not a jpeg")], "file"),
        ("已整改", [("x.pdf", b"%PDF-1.4")], "file"),
    ],
)
def test_bad_close_out_changes_nothing(gcast, note, photos, field):
    problem = make(gcast.auditor_a, gcast.estate_a)
    with pytest.raises(ValidationFailed) as error:
        problems.close_out(gcast.township_a, problem.id, note, photos)
    assert field in error.value.fields
    db.session.expire_all()
    assert db.session.get(ProblemItem, problem.id).status == "open"
    assert count(ProblemEvidence) == 0


def test_closing_out_twice_is_409(gcast):
    problem = make(gcast.auditor_a, gcast.estate_a)
    problems.close_out(gcast.township_a, problem.id, "已整改", [PHOTO])
    with pytest.raises(Conflict):
        problems.close_out(gcast.county_officer, problem.id, "已整改", [PHOTO])


@pytest.mark.committing("threads race, each on a connection of its own")
def test_two_officers_closing_out_at_once_one_wins(app, gcast):
    problem = make(gcast.auditor_a, gcast.estate_a)
    ids = (gcast.township_a.id, gcast.county_officer.id)

    def close(user_id):
        problems.close_out(db.session.get(User, user_id), problem.id, "已整改", [PHOTO])
        return "ok"

    results = at_once(*(in_own_context(app, close, uid) for uid in ids))
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "str"], results
    assert count(ProblemEvidence) == 1


# -- figures ----------------------------------------------------------------------------------


def _at(day, hour=12):
    return datetime.combine(day, time(hour), SHANGHAI)


def raw(gcast, estate, created, deadline, closed=None):
    row = raw_problem(estate, gcast.admin, deadline, closed, created_at=_at(created))
    db.session.commit()
    return row


def test_figures_by_hand(gcast):
    t = today()
    d = lambda n: t - timedelta(days=n)  # noqa: E731
    a, b = gcast.estate_a, gcast.estate_b
    # in township A (estate_a):
    raw(gcast, a, d(20), d(5))  # recorded in range, open, overdue
    raw(gcast, a, d(20), d(10), closed=_at(d(10), 23))  # closed on the deadline day: on time
    raw(gcast, a, d(20), d(12), closed=_at(d(11), 1))  # closed a day late
    raw(gcast, a, d(60), t + timedelta(days=3))  # recorded before the range, open, not overdue
    raw(gcast, a, d(60), d(40))  # recorded before the range, overdue now
    # in township B (estate_b):
    raw(gcast, b, d(3), d(1), closed=_at(d(2)))  # on time
    raw(gcast, b, d(3), d(1))  # overdue
    since, until = d(30), t
    assert problems.problem_figures(("township", a.township_id), since, until) == (
        problems.ProblemFigures(created=3, closed_out=2, closed_on_time=1, overdue_now=2)
    )
    assert problems.problem_figures(("community", b.community_id), since, until) == (
        problems.ProblemFigures(created=2, closed_out=1, closed_on_time=1, overdue_now=1)
    )
    assert problems.problem_figures(("county", gcast.county.id), since, until) == (
        problems.ProblemFigures(created=5, closed_out=3, closed_on_time=2, overdue_now=3)
    )
    # A range ending the day before the late close-out: it counts nowhere in it.
    assert problems.problem_figures(("township", a.township_id), d(30), d(12)) == (
        problems.ProblemFigures(created=3, closed_out=0, closed_on_time=0, overdue_now=2)
    )
    assert problems.problem_figures(("estate", a.id), since, until) == (
        problems.ProblemFigures(created=3, closed_out=2, closed_on_time=1, overdue_now=2)
    )
    with pytest.raises(ValueError):
        problems.problem_figures(("province", 1), since, until)
