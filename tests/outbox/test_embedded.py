"""`make run` has no Redis: the in-process runner delivers rows and keeps the retry timing."""

from datetime import timedelta

from backend.common.clock import utcnow
from backend.extensions import db
from backend.jobs.embedded import EmbeddedRunner


def test_runner_delivers_due_rows_and_retries_only_when_the_wait_is_over(
    app, make, post, rows, fake_wechat
):
    estate = make.estate()
    make.group_chat(estate)
    post(estate)
    fake_wechat.inject("http_500", 1, paths=["/cgi-bin/webhook/send"])
    runner = EmbeddedRunner(app)

    assert runner.run_once() == 1
    assert rows()[0].status == "retrying"
    assert runner.run_once() == 0  # its next try is not due yet
    assert fake_wechat.messages() == []

    row = rows()[0]
    row.available_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert runner.run_once() == 1
    assert rows()[0].status == "sent"
    assert len(fake_wechat.messages()) == 1
