"""`flask jobs scheduler` needs Redis, like the worker and the relay."""

import pytest


@pytest.mark.parametrize("command", ["worker", "relay", "scheduler"])
def test_job_commands_refuse_to_start_without_redis(app, runner, monkeypatch, command):
    monkeypatch.setitem(app.config, "REDIS_URL", "")

    result = runner.invoke(args=["jobs", command])

    assert result.exit_code != 0
    assert "LINLI_REDIS_URL is not set" in result.output
