"""draft → submitted → committee_approved → audited → published, and everyone who must not
move a period failing with 403/404/409 while nothing changes."""

import pytest
from sqlalchemy import func, select

from backend.extensions import db
from backend.ledger.models import LedgerApproval, LedgerEvent, LedgerPeriod
from backend.outbox.models import OutboxMessage
from tests.isolation import once_per_module
from tests.ledger_support import build_cast

_cast_of_module, cast = once_per_module("cast", build_cast)


def _snapshot(period_id):
    db.session.expire_all()
    period = db.session.get(LedgerPeriod, period_id)
    events = db.session.scalar(select(func.count()).where(LedgerEvent.period_id == period_id))
    approvals = db.session.scalar(select(func.count()).where(LedgerApproval.period_id == period_id))
    return (period.status, period.approval_count, period.version, events, approvals)


def test_full_workflow_records_an_event_for_every_transition(ledger, cast, make):
    make.group_chat(cast.estate)
    period = ledger.open_period(cast.manager)
    assert period["status"] == "draft" and period["label"] == "2026年10月"
    assert period["approvals_required"] == 2
    assert ledger.add_entry(cast.manager, period["id"]).status_code == 201
    pid = period["id"]

    assert ledger.act(cast.manager, pid, "submit").json["status"] == "submitted"
    first = ledger.act(cast.chair, pid, "approve").json
    assert (first["status"], first["approval_count"]) == ("submitted", 1)
    second = ledger.act(cast.member, pid, "approve").json
    assert (second["status"], second["approval_count"]) == ("committee_approved", 2)
    assert ledger.act(cast.auditor, pid, "audit").json["status"] == "audited"
    published = ledger.act(cast.chair, pid, "publish").json

    assert published["status"] == "published"
    assert len(published["head_hash"]) == 64 and published["previous_hash"] == "0" * 64
    assert published["opening_balance_fen"] == 0
    assert published["closing_balance_fen"] == 360000
    assert [(e["action"], e["from_status"], e["to_status"]) for e in published["events"]] == [
        ("create", None, "draft"),
        ("submit", "draft", "submitted"),
        ("approve", "submitted", "submitted"),
        ("approve", "submitted", "committee_approved"),
        ("audit", "committee_approved", "audited"),
        ("publish", "audited", "published"),
    ]
    # The chair reads the trail: every actor by their full name (DESIGN.md, people and trails).
    assert published["events"][3]["by"] == "王芳（业委会委员）"
    # The groups hear the publication only (the preparer's personal rows: tests/subscriptions).
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient_id.is_(None)))
    assert [(r.topic, r.subject_id) for r in rows] == [("ledger.published", pid)]


def test_returned_period_goes_back_to_draft_with_reason_and_approvals_start_over(ledger, cast):
    pid = ledger.open_period(cast.manager)["id"]
    ledger.add_entry(cast.manager, pid)
    ledger.act(cast.manager, pid, "submit")
    ledger.act(cast.chair, pid, "approve")

    missing = ledger.act(cast.member, pid, "return")
    assert missing.status_code == 422 and "reason" in missing.json["error"]["fields"]
    returned = ledger.act(cast.member, pid, "return", reason="停车收入缺少收费系统截图")
    assert returned.status_code == 200
    assert returned.json["status"] == "draft"
    assert returned.json["return_reason"] == "停车收入缺少收费系统截图"
    assert returned.json["events"][-1]["reason"] == "停车收入缺少收费系统截图"

    ledger.act(cast.manager, pid, "submit")
    again = ledger.act(cast.chair, pid, "approve").json
    assert (again["status"], again["approval_count"]) == ("submitted", 1)


def test_auditor_returns_an_approved_period_to_draft(ledger, cast):
    pid = ledger.open_period(cast.manager)["id"]
    ledger.add_entry(cast.manager, pid)
    for person, action in (
        (cast.manager, "submit"),
        (cast.chair, "approve"),
        (cast.member, "approve"),
    ):
        ledger.act(person, pid, action)
    response = ledger.act(cast.auditor, pid, "return", reason="维修支出无合同")
    assert response.status_code == 200 and response.json["status"] == "draft"
    assert response.json["events"][-1]["by"] == "林慧（社区业账监管员）"


def test_estate_may_require_more_approvals(ledger, cast):
    cast.estate.ledger_approvals_required = 3
    db.session.commit()
    pid = ledger.open_period(cast.manager)["id"]
    ledger.add_entry(cast.manager, pid)
    ledger.act(cast.manager, pid, "submit")
    for person in (cast.chair, cast.member):
        assert ledger.act(person, pid, "approve").json["status"] == "submitted"
    assert ledger.act(cast.member2, pid, "approve").json["status"] == "committee_approved"


def test_author_cannot_approve_their_own_submission(ledger, cast):
    pid = ledger.open_period(cast.chair)["id"]
    ledger.add_entry(cast.chair, pid)
    ledger.act(cast.member, pid, "submit")
    before = _snapshot(pid)
    for author in (cast.chair, cast.member):  # prepared it, submitted it
        response = ledger.act(author, pid, "approve")
        assert response.status_code == 403, response.json
        assert "不能审批自己" in response.json["error"]["message"]
    assert _snapshot(pid) == before


def test_approving_twice_counts_once(ledger, cast):
    pid = ledger.open_period(cast.manager)["id"]
    ledger.add_entry(cast.manager, pid)
    ledger.act(cast.manager, pid, "submit")
    assert ledger.act(cast.chair, pid, "approve").status_code == 200
    before = _snapshot(pid)
    again = ledger.act(cast.chair, pid, "approve")
    assert again.status_code == 409 and again.json["error"]["code"] == "invalid_transition"
    assert _snapshot(pid) == before


# (step the period is at, action, who tries it, expected status). Owners and officers do not
# see periods before publication at all, so for them an unpublished period is 404.
WRONG_ACTORS = [
    ("draft", "submit", "owner", 404),
    ("draft", "submit", "auditor", 403),
    ("draft", "submit", "township", 404),
    ("draft", "submit", "outsider", 404),
    ("draft", "submit", "other_auditor", 404),
    ("draft", "approve", "chair", 409),
    ("draft", "audit", "auditor", 409),
    ("draft", "publish", "chair", 409),
    ("submitted", "submit", "manager", 409),
    ("submitted", "approve", "manager", 403),
    ("submitted", "approve", "owner", 404),
    ("submitted", "approve", "auditor", 403),
    ("submitted", "approve", "outsider", 404),
    ("submitted", "audit", "auditor", 409),
    ("submitted", "audit", "chair", 403),
    ("submitted", "publish", "chair", 409),
    ("submitted", "return", "owner", 404),
    ("submitted", "return", "manager", 403),
    ("committee_approved", "approve", "member2", 409),
    ("committee_approved", "audit", "chair", 403),
    ("committee_approved", "audit", "manager", 403),
    ("committee_approved", "audit", "owner", 404),
    ("committee_approved", "audit", "township", 404),
    ("committee_approved", "audit", "other_auditor", 404),
    ("committee_approved", "return", "chair", 403),
    ("committee_approved", "publish", "chair", 409),
    ("audited", "publish", "manager", 403),
    ("audited", "publish", "owner", 404),
    ("audited", "publish", "township", 404),
    ("audited", "publish", "outsider", 404),
    ("audited", "audit", "auditor", 409),
    ("audited", "return", "auditor", 409),
    ("published", "publish", "chair", 409),
    ("published", "return", "auditor", 409),
    ("published", "submit", "manager", 409),
    ("published", "approve", "member2", 409),
    ("published", "return", "owner", 403),
    ("published", "audit", "township", 403),
]
STEPS = {
    "draft": [],
    "submitted": [("manager", "submit")],
    "committee_approved": [("manager", "submit"), ("chair", "approve"), ("member", "approve")],
}
STEPS["audited"] = STEPS["committee_approved"] + [("auditor", "audit")]
STEPS["published"] = STEPS["audited"] + [("chair", "publish")]


@pytest.mark.parametrize(("status", "action", "who", "expected"), WRONG_ACTORS)
def test_wrong_actor_or_wrong_moment_changes_nothing(ledger, cast, status, action, who, expected):
    pid = ledger.open_period(cast.manager)["id"]
    ledger.add_entry(cast.manager, pid)
    for person, step in STEPS[status]:
        assert ledger.act(getattr(cast, person), pid, step).status_code == 200
    before = _snapshot(pid)

    response = ledger.act(getattr(cast, who), pid, action, reason="试图越权操作")

    assert response.status_code == expected, response.json
    assert set(response.json) == {"error"}
    assert _snapshot(pid) == before


def test_drafts_are_hidden_from_owners_and_officers_but_published_periods_are_not(ledger, cast):
    draft = ledger.open_period(cast.manager, "2026-11-01")["id"]
    published = ledger.publish_period(cast, "2026-10-01")["id"]
    for person in (cast.owner, cast.township):
        assert ledger.get(person, f"/periods/{draft}").status_code == 404
        assert ledger.get(person, f"/periods/{draft}/entries").status_code == 404
        assert ledger.get(person, f"/periods/{draft}/statement").status_code == 404
        listed = ledger.get(person, "/periods").json
        assert [p["id"] for p in listed["items"]] == [published]
        assert ledger.get(person, f"/periods/{published}").status_code == 200
    for person in (cast.manager, cast.chair, cast.auditor):
        listed = ledger.get(person, "/periods").json
        assert [p["id"] for p in listed["items"]] == [draft, published]
    assert ledger.get(cast.outsider, f"/periods/{published}").status_code == 404
    assert ledger.get(cast.outsider, "/periods").status_code == 404


def test_periods_cannot_overlap_or_start_before_what_is_published(ledger, cast):
    ledger.publish_period(cast, "2026-07-01")
    quarter = ledger.post(cast.manager, "/periods", {"kind": "quarter", "start_date": "2026-07-01"})
    assert quarter.status_code == 409
    ledger.open_period(cast.manager, "2026-10-01", kind="quarter")
    month = ledger.post(cast.manager, "/periods", {"kind": "month", "start_date": "2026-11-01"})
    assert month.status_code == 409 and "重叠" in month.json["error"]["message"]
    bad_start = ledger.post(
        cast.manager, "/periods", {"kind": "quarter", "start_date": "2026-08-01"}
    )
    assert bad_start.status_code == 422


def test_later_period_waits_for_earlier_ones_to_be_published(ledger, cast):
    ledger.open_period(cast.manager, "2026-09-01")
    later = ledger.open_period(cast.manager, "2026-10-01")["id"]
    ledger.add_entry(cast.manager, later)
    for person, action in STEPS["audited"]:
        ledger.act(getattr(cast, person), later, action)
    response = ledger.act(cast.chair, later, "publish")
    assert response.status_code == 409 and "2026年9月" in response.json["error"]["message"]


def test_pending_approvals_lists_what_i_can_still_approve(client, auth, ledger, cast):
    pid = ledger.open_period(cast.manager)["id"]
    ledger.add_entry(cast.manager, pid)
    ledger.act(cast.manager, pid, "submit")
    ledger.act(cast.chair, pid, "approve")

    def pending(person):
        response = client.get("/api/v1/ledger/pending-approvals", headers=auth(person))
        return [(p["id"], p["estate_name"]) for p in response.json["items"]]

    assert pending(cast.member) == [(pid, cast.estate.name)]
    assert pending(cast.chair) == []  # already approved
    assert pending(cast.manager) == []  # not a committee member
    assert pending(cast.owner) == []
