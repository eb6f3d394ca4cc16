"""Consents racing on real PostgreSQL: two answers posted at once both count, and two
messages racing for one consent spend it once."""

import pytest

from backend.ledger import questions
from tests.concurrency import posts_at_once
from tests.subscriptions.conftest import personal_rows, remaining


@pytest.mark.committing("threads race, each on a connection of its own")
def test_two_accepts_posted_at_once_both_count(app, auth, cast):
    body = {"moment": "question_asked", "answers": {"demo-question-answered": "accept"}}

    results = posts_at_once(app, auth, [(cast.owner, "/api/v1/subscriptions", body)] * 2)

    assert [code for code, _body in results] == [200, 200], results
    assert remaining(cast.owner, "question_answered") == 2


@pytest.mark.committing("threads race, each on a connection of its own")
def test_two_answers_racing_for_one_consent_send_one_message(app, auth, ledger, cast, consent):
    period = ledger.publish_period(cast, "2026-10-01")
    consent(cast.owner, "question_asked", accept=["question_answered"])
    asked = [
        questions.ask(cast.owner, cast.estate.id, period["id"], body).id
        for body in ("停车收入为何减少？", "广告收入在哪？")
    ]
    url = ledger.url("/questions/{}/answer")

    results = posts_at_once(
        app,
        auth,
        [
            (cast.chair, url.format(asked[0]), {"body": "重复记账已冲销。"}),
            (cast.manager, url.format(asked[1]), {"body": "见第 3 笔分录。"}),
        ],
    )

    assert [code for code, _body in results] == [200, 200], results
    assert sorted(row.status for row in personal_rows("question_answered")) == [
        "cancelled",
        "pending",
    ]
    assert remaining(cast.owner, "question_answered") == 0
