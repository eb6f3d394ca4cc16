"""Throw-away PostgreSQL databases for tests and benchmarks."""

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def recreate_database(url: str, template: str | None = None) -> None:
    """Drop (closing its connections) and create the database ``url`` names, empty or as a
    copy of the database ``template`` (which nobody may be connected to)."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"{copy}'))
    admin.dispose()
