"""SQL statements per test module and per fixture, to find where the suite's time goes
(``LINLI_TEST_STATEMENTS=1 make test ARGS=…``; loaded by tests/conftest.py only then).

Every statement any engine sends is counted against the test being run and its phase (setup,
call, teardown); a module's count is its tests' sum, so it includes its module fixtures. A
fixture's own count excludes the fixtures it asked for. Under pytest-xdist each worker writes
its counts to var/test-statements/ and the controller prints the summary."""

import json
import os
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

# LINLI_TEST_STATEMENTS=1 writes to var/test-statements; any other value names the folder.
_SETTING = os.environ.get("LINLI_TEST_STATEMENTS", "1")
_DIR = Path("var/test-statements" if _SETTING == "1" else _SETTING)
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
_TOP = 25

_by_test: Counter = Counter()  # "nodeid|phase" -> statements
_by_fixture: Counter = Counter()  # "module::fixture" or "fixture" (scope above module)
_fixture_calls: Counter = Counter()
_current = {"key": "(outside tests)|outside"}
_stack: list[list] = []  # [fixture key, statements so far] of the fixtures being set up


@event.listens_for(Engine, "before_cursor_execute")
def _count(conn, cursor, statement, parameters, context, executemany):
    _by_test[_current["key"]] += 1
    if _stack:
        _stack[-1][1] += 1


def _phase(item, phase):
    _current["key"] = f"{item.nodeid}|{phase}"


@event.listens_for(Engine, "commit")
def _count_commit(conn):
    _by_fixture["(real COMMITs, all tests)"] += 1


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    _phase(item, "setup")
    try:
        return (yield)
    finally:
        _phase(item, "between")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    _phase(item, "call")
    try:
        return (yield)
    finally:
        _phase(item, "between")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item):
    _phase(item, "teardown")
    try:
        return (yield)
    finally:
        _phase(item, "between")


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    scope = fixturedef.scope
    where = "" if scope in ("session", "package") else request.node.nodeid.split("::")[0] + "::"
    key = f"{where}{fixturedef.argname} ({scope})"
    _stack.append([key, 0])
    try:
        return (yield)
    finally:
        _, own = _stack.pop()
        _by_fixture[key] += own
        _fixture_calls[key] += 1


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):
        _DIR.mkdir(parents=True, exist_ok=True)
        for old in _DIR.glob("*.json"):
            old.unlink()


def pytest_sessionfinish(session):
    _DIR.mkdir(parents=True, exist_ok=True)
    counts = {"tests": dict(_by_test), "fixtures": dict(_by_fixture), "calls": dict(_fixture_calls)}
    (_DIR / f"{_WORKER}.json").write_text(json.dumps(counts))


def pytest_terminal_summary(terminalreporter):
    tests, fixtures, calls = Counter(), Counter(), Counter()
    for path in _DIR.glob("*.json"):
        counts = json.loads(path.read_text())
        tests.update(counts["tests"])
        fixtures.update(counts["fixtures"])
        calls.update(counts["calls"])
    modules, per_module_tests = Counter(), Counter()
    for key, n in tests.items():
        nodeid, phase = key.rsplit("|", 1)
        modules[nodeid.split("::")[0]] += n
        if phase == "call":
            per_module_tests[nodeid.split("::")[0]] += 1
    write = terminalreporter.write_line
    terminalreporter.section("SQL statements")
    write(f"total: {sum(tests.values())} statements in {sum(per_module_tests.values())} tests")
    write(f"-- top {_TOP} modules (statements, tests, per test) --")
    for module, n in modules.most_common(_TOP):
        count = per_module_tests[module] or 1
        write(f"{n:8d} {count:5d} {n / count:7.1f}  {module}")
    write(f"-- top {_TOP} fixtures by own statements (statements, setups) --")
    for key, n in fixtures.most_common(_TOP):
        write(f"{n:8d} {calls[key]:5d}  {key}")
    (_DIR / "modules.txt").write_text(json.dumps(dict(modules), indent=0, sort_keys=True))
