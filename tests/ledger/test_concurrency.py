"""Approvals racing on real PostgreSQL: never more approvals than needed, never a lost one."""

import pytest
from sqlalchemy import func, select

from backend.extensions import db
from backend.ledger.models import LedgerApproval, LedgerEvent, LedgerPeriod
from tests.concurrency import posts_at_once


def _submitted(ledger, cast):
    pid = ledger.open_period(cast.manager)["id"]
    ledger.add_entry(cast.manager, pid)
    assert ledger.act(cast.manager, pid, "submit").status_code == 200
    return pid


def _counts(pid):
    db.session.expire_all()
    period = db.session.get(LedgerPeriod, pid)
    approvals = db.session.scalar(select(func.count()).where(LedgerApproval.period_id == pid))
    events = db.session.scalar(
        select(func.count()).where(LedgerEvent.period_id == pid, LedgerEvent.action == "approve")
    )
    return period.status, period.approval_count, approvals, events


@pytest.mark.committing("threads race, each on a connection of its own")
def test_three_approvals_racing_for_two_places(app, auth, ledger, cast):
    pid = _submitted(ledger, cast)
    url = ledger.url(f"/periods/{pid}/transitions")
    approvers = (cast.chair, cast.member, cast.member2)

    results = posts_at_once(app, auth, [(p, url, {"action": "approve"}) for p in approvers])

    statuses = sorted(code for code, _body in results)
    assert statuses == [200, 200, 409], results
    assert _counts(pid) == ("committee_approved", 2, 2, 2)


@pytest.mark.committing("threads race, each on a connection of its own")
def test_two_approvals_racing_for_three_places_both_count(app, auth, ledger, cast):
    cast.estate.ledger_approvals_required = 3
    db.session.commit()
    pid = _submitted(ledger, cast)
    url = ledger.url(f"/periods/{pid}/transitions")

    results = posts_at_once(
        app, auth, [(p, url, {"action": "approve"}) for p in (cast.chair, cast.member)]
    )

    assert [code for code, _body in results] == [200, 200], results
    assert _counts(pid) == ("submitted", 2, 2, 2)


@pytest.mark.committing("threads race, each on a connection of its own")
def test_the_same_member_approving_twice_at_once_counts_once(app, auth, ledger, cast):
    pid = _submitted(ledger, cast)
    url = ledger.url(f"/periods/{pid}/transitions")

    results = posts_at_once(app, auth, [(cast.chair, url, {"action": "approve"})] * 2)

    assert sorted(code for code, _body in results) == [200, 409], results
    assert _counts(pid) == ("submitted", 1, 1, 1)


@pytest.mark.committing("threads race, each on a connection of its own")
def test_approve_and_return_racing_leave_one_consistent_outcome(app, auth, ledger, cast):
    pid = _submitted(ledger, cast)
    url = ledger.url(f"/periods/{pid}/transitions")
    calls = [
        (cast.chair, url, {"action": "approve"}),
        (cast.member, url, {"action": "return", "reason": "缺少凭证"}),
    ]

    results = posts_at_once(app, auth, calls)

    assert [code for code, _body in results].count(200) >= 1, results
    status, count, _approvals, _events = _counts(pid)
    # Either the approval came first and the return reset it, or the return came first and
    # the approval found a draft (409): a draft never keeps a count.
    assert (status, count) == ("draft", 0)


@pytest.mark.committing("threads race, each on a connection of its own")
def test_two_publications_of_one_estate_do_not_fork_the_chain(app, auth, ledger, cast):
    ledger.publish_period(cast, "2026-08-01")
    pid = ledger.open_period(cast.manager, "2026-09-01")["id"]
    ledger.add_entry(cast.manager, pid, entry_date="2026-09-05")
    for person, action in (
        (cast.manager, "submit"),
        (cast.chair, "approve"),
        (cast.member, "approve"),
        (cast.auditor, "audit"),
    ):
        ledger.act(person, pid, action)
    url = ledger.url(f"/periods/{pid}/transitions")

    results = posts_at_once(
        app,
        auth,
        [(cast.chair, url, {"action": "publish"}), (cast.auditor, url, {"action": "publish"})],
    )

    assert sorted(code for code, _body in results) == [200, 409], results
    assert ledger.get(cast.owner, "/verify").json["ok"] is True
    seqs = db.session.scalars(
        select(LedgerPeriod.chain_seq).where(LedgerPeriod.status == "published")
    )
    assert sorted(seqs) == [1, 2]


@pytest.mark.committing("threads race, each on a connection of its own")
def test_the_same_month_opened_twice_at_once_gives_one_period(app, auth, ledger, cast):
    url = ledger.url("/periods")
    body = {"kind": "month", "start_date": "2026-10-01"}

    results = posts_at_once(app, auth, [(cast.manager, url, body), (cast.chair, url, body)])

    assert sorted(code for code, _body in results) == [201, 409], results
    assert db.session.scalar(select(func.count()).select_from(LedgerPeriod)) == 1


@pytest.mark.committing("threads race, each on a connection of its own")
def test_a_question_answered_twice_at_once_keeps_the_first_answer(app, auth, ledger, cast):
    period = ledger.publish_period(cast, "2026-10-01")
    asked = ledger.post(
        cast.owner, f"/periods/{period['id']}/questions", {"body": "停车费去哪了？"}
    )
    url = ledger.url(f"/questions/{asked.json['id']}/answer")
    calls = [(cast.chair, url, {"body": "见凭证一"}), (cast.manager, url, {"body": "见凭证二"})]

    results = posts_at_once(app, auth, calls)

    assert sorted(code for code, _body in results) == [200, 409], results
    winner = next(body for code, body in results if code == 200)
    questions = ledger.get(cast.owner, f"/periods/{period['id']}/questions").json["items"]
    assert [q["answer"] for q in questions] == [winner["answer"]]
