"""What a job writes to the log: ids, never the content of what it was handed."""

import logging

from backend.jobs.job import job


@job
def _handle(outbox_id, event):
    return "done"


def test_a_job_logs_ids_but_not_a_message_it_was_handed(app, caplog):
    caplog.set_level(logging.INFO, logger="backend.jobs")

    _handle(42, {"kind": "text", "content": "绑定 483920"})

    assert "_handle(42, <dict>): done" in caplog.text
    assert "483920" not in caplog.text
