"""Test fixtures: real PostgreSQL (migrated with Alembic), real Redis, and the fake WeChat
server over real HTTP. Every test starts from empty tables and an empty Redis database."""

import os

import pytest
import redis
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from backend import create_app
from backend.common.dbadmin import recreate_database
from backend.extensions import db
from bot.fakewechat.testing import serve_in_thread
from tests import factories

DATABASE_URL = os.environ.get(
    "LINLI_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/linli_test"
)
REDIS_URL = os.environ.get("LINLI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


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
        **extra,
    }


@pytest.fixture(scope="session")
def _app(fake_wechat_server, tmp_path_factory):
    recreate_database(DATABASE_URL)
    app = create_app(make_config(fake_wechat_server.base_url, tmp_path_factory.mktemp("storage")))
    app.test_client_class = FreshContextClient
    with app.app_context():
        upgrade()  # the schema comes from the migrations, as in production
    return app


@pytest.fixture
def app(_app, fake_wechat):
    with _app.app_context():
        yield _app
        db.session.remove()
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
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
