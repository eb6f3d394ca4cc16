"""Test fixtures: real PostgreSQL (migrated with Alembic), real Redis, and the fake WeChat
server over real HTTP.

Isolation: each test runs inside a transaction that is rolled back. Every database session
of a test — the test's own, each request's, an in-process job's — is bound to one connection
of the test's module and joins its open transaction with a savepoint, so the services' commits
are savepoints released into it and what one request writes the next one sees. A module's
fixtures (``per_module``) write into that module transaction once; each test then runs in a
savepoint of its own that is rolled back at its end.

Tests whose rows must be seen by other connections (threads, live servers, processes) are
marked ``committing``: they commit for real, and one DELETE pass empties the tables after them.

Parallel runs (pytest-xdist): one database is migrated once per run and each worker copies it
(CREATE DATABASE … TEMPLATE), and uses a Redis database of its own.
"""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from flask import current_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from backend import create_app
from backend.common.dbadmin import recreate_database
from backend.extensions import db
from bot.fakewechat.testing import serve_in_thread
from tests import factories
from tests.isolation import bind_sessions, empty_tables, end_test_transaction, unbound_sessions

_BASE_DATABASE_URL = os.environ.get(
    "LINLI_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/linli_test"
)
_BASE_REDIS_URL = os.environ.get("LINLI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# "gw0", "gw1", … under pytest-xdist; "main" in a run without workers.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
_WORKER_INDEX = int(WORKER[2:]) if WORKER.startswith("gw") else 0

TEMPLATE_DATABASE = make_url(_BASE_DATABASE_URL).database + "_template"
DATABASE_URL = (
    make_url(_BASE_DATABASE_URL)
    .set(database=f"{make_url(_BASE_DATABASE_URL).database}_{WORKER}")
    .render_as_string(hide_password=False)
)


def _worker_redis_url(base: str, index: int) -> str:
    """The base URL's database for the first worker, the ones below it for the others."""
    url = urlsplit(base)
    number = int(url.path.strip("/") or 0) - index
    if number < 0:
        raise pytest.UsageError(f"too many workers for the Redis databases below {base}")
    return urlunsplit(url._replace(path=f"/{number}"))


REDIS_URL = _worker_redis_url(_BASE_REDIS_URL, _WORKER_INDEX)

# LINLI_TEST_STATEMENTS=1: count SQL statements per module and fixture (tests/statement_counts.py).
if os.environ.get("LINLI_TEST_STATEMENTS"):
    pytest_plugins = ["tests.statement_counts"]


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "committing(why): commits for real, because other connections must see what the "
        "test writes (threads, a live server, processes); tables are emptied after it",
    )
    if not hasattr(config, "workerinput"):  # the controller, or a run without workers
        _migrate_template()


def _migrate_template() -> None:
    """Build the schema once per run, from the migrations as in production."""
    template_url = make_url(_BASE_DATABASE_URL).set(database=TEMPLATE_DATABASE)
    recreate_database(template_url.render_as_string(hide_password=False))
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": template_url, "REDIS_URL": ""})
    with app.app_context():
        upgrade()
        db.engine.dispose()  # a template may have no connections when it is copied


@pytest.fixture(scope="session")
def fake_wechat_server():
    with serve_in_thread() as server:
        yield server


@pytest.fixture
def fake_wechat(fake_wechat_server):
    """The running fake server with no messages, tokens, faults or call counts."""
    fake_wechat_server.reset()
    return fake_wechat_server


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, as in production: its own ``g`` and its own
    database session, not the test's (which stays pushed for the factories)."""

    def open(self, *args, **kwargs):
        end_test_transaction()
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_config(fake_base_url: str, tmp_dir, **extra) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "WECHAT_API_BASE": fake_base_url,
        "WECOM_API_BASE": fake_base_url,
        "JWT_SECRET": "test-jwt-secret-0123456789abcdef",
        "SECRET_KEY": "test-secret-key",
        "STORAGE_DIR": str(tmp_dir),
        "TICKET_TEMPLATE_ID": "tmpl-ticket-test",
        # Console sign-ins in tests cost microseconds, not 230 ms (production: scrypt n=2^15).
        "PASSWORD_HASH_METHOD": "scrypt:256:8:1",
        # A test waiting on a lock that its own open transaction holds fails instead of hanging.
        # Commits do not wait for the disk (test databases only): a committing test's commit
        # took ~10 ms with it, ~3 ms without, on the 2-core machine under load.
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_pre_ping": True,
            "connect_args": {"options": "-c lock_timeout=20s -c synchronous_commit=off"},
        },
        **extra,
    }


@pytest.fixture(scope="session")
def _app(fake_wechat_server, tmp_path_factory):
    recreate_database(DATABASE_URL, template=TEMPLATE_DATABASE)
    app = create_app(make_config(fake_wechat_server.base_url, tmp_path_factory.mktemp("storage")))
    app.test_client_class = FreshContextClient
    return app


@pytest.fixture(scope="module")
def _module_transaction(_app):
    """One connection and one open transaction for the whole module, rolled back at its end."""
    with _app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        bind_sessions(connection)
    yield connection
    with _app.app_context():
        bind_sessions(None)
        outer.rollback()
        connection.close()


@pytest.fixture(scope="module")
def in_module(_app, _module_transaction):
    """in_module(build) -> ``build(make)``, written once into the module's transaction: a
    matrix of many cases builds its cast this way and each case rolls back only its own rows.
    Rows come back detached: give them to a test through ``isolation.cast_for`` (or use
    ``isolation.once_per_module``, which does both)."""

    def run(build):
        with _app.app_context():
            try:
                built = build(factories)
                db.session.commit()
                return built
            finally:
                db.session.remove()

    return run


@pytest.fixture(scope="module")
def demo_county(in_module):
    """The demo county (`flask linli seed-demo`), loaded once for the module that uses it."""

    def seed(make):
        result = current_app.test_cli_runner().invoke(args=["linli", "seed-demo"])
        assert "loaded" in result.output, result.output

    return in_module(seed)


@pytest.fixture
def app(request, _app, _module_transaction, fake_wechat):
    committing = request.node.get_closest_marker("committing")
    if committing and not (committing.args and str(committing.args[0]).strip()):
        pytest.fail('@pytest.mark.committing needs its reason: committing("why, in one line")')
    if committing:
        bind_sessions(None)
        try:
            with _app.app_context():
                yield _app
                db.session.remove()
                empty_tables()
        finally:
            bind_sessions(_module_transaction)
    else:
        test = _module_transaction.begin_nested()
        with _app.app_context():
            yield _app
            db.session.remove()
        if test.is_active:
            test.rollback()
    redis.Redis.from_url(REDIS_URL).flushdb()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app):
    """Small factories bound to the test's database (see tests/factories.py)."""
    return factories


@pytest.fixture
def auth(app):
    """Authorization headers for a user, as the mini-program sends them."""
    return factories.auth_headers


@pytest.fixture
def sqlite_app(tmp_path, fake_wechat_server):
    """An app as the embedded default runs it: a fresh SQLite file, migrated, with sessions not
    bound to the test's PostgreSQL transaction. The test runs inside its app context."""
    config = make_config(
        fake_wechat_server.base_url,
        tmp_path / "storage",
        # Only the database differs: the limiter is one object shared with the test app, so
        # its storage must stay the Redis the tests reset.
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'linli.db'}",
        SQLALCHEMY_ENGINE_OPTIONS={},
    )
    app = create_app(config)
    with unbound_sessions(), app.app_context():
        upgrade()
        assert db.session.get_bind().dialect.name == "sqlite"
        yield app
        db.session.remove()
