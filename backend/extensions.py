"""Extensions created once and bound to the app in create_app (models import db from here)."""

import redis
from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData

from backend.errors import SmorestApi

# Stable constraint names so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Session(FlaskSession):
    """Flask-SQLAlchemy's session, except that a session made with ``bind=`` a connection
    uses it (Flask-SQLAlchemy picks the app's engine regardless). The tests bind every session
    to one connection in an open transaction, which they roll back afterwards."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING), session_options={"class_": Session})
migrate = Migrate()
api = SmorestApi()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)


class RedisHolder:
    """The app's Redis connection, or None in the embedded default (no Redis configured)."""

    def __init__(self):
        self.client: redis.Redis | None = None

    def init_app(self, app: Flask) -> None:
        url = app.config.get("REDIS_URL")
        self.client = redis.Redis.from_url(url, socket_timeout=2) if url else None
        app.extensions["linli_redis"] = self


redis_holder = RedisHolder()
