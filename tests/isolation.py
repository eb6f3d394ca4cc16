"""How a test's rows stay its own (see tests/conftest.py): every session bound to the module's
connection in an open transaction, or — for a committing test — real commits and a DELETE
pass afterwards; and SQL behind the ORM's back inside the same transaction."""

import dataclasses
from collections import defaultdict
from contextlib import contextmanager

import pytest
from flask import has_app_context
from sqlalchemy import inspect, select

from backend.extensions import db
from tests import factories


def bind_sessions(connection) -> None:
    """Bind every session made from now on to ``connection`` (None: to the engine again)."""
    factory = db.session.session_factory
    if connection is None:
        factory.kw.pop("bind", None)
        factory.kw.pop("join_transaction_mode", None)
    else:
        factory.configure(bind=connection, join_transaction_mode="create_savepoint")


@contextmanager
def unbound_sessions():
    """Sessions on the app's own engine for the block: a second app on a database of its own
    (SQLite) shares ``db`` with the test app, and must not join the test's connection."""
    saved = db.session.session_factory.kw.get("bind")
    bind_sessions(None)
    try:
        yield
    finally:
        bind_sessions(saved)


def _bound() -> bool:
    return db.session.session_factory.kw.get("bind") is not None


def end_test_transaction() -> None:
    """Commit the test's own session before someone else (a request, a job) acts.

    Every session shares one connection, so a savepoint the test holds open would enclose the
    other's work, and a later rollback of the test's session would undo that work too. In a
    real deployment the two transactions are independent; ending the test's first keeps them so.
    """
    if _bound() and has_app_context() and db.session.registry.has():
        if db.session().in_transaction():
            db.session.commit()


def require_committing(what: str) -> None:
    """Fail a test that would hand its uncommitted rows to another connection."""
    if _bound():
        pytest.fail(
            f"{what} use connections of their own, which cannot see this test's transaction: "
            'mark the test @pytest.mark.committing("why, in one line")'
        )


def empty_tables() -> None:
    """One DELETE per table, children first, in one transaction (a TRUNCATE of every table
    takes a second; this takes milliseconds). The ledger's freeze triggers would refuse to
    delete published history, so triggers are off for this transaction."""
    with db.engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@contextmanager
def raw_sql():
    """A connection for SQL behind the ORM's back (what a database owner could do), in the
    test's own transaction: its statements are kept when the block ends and undone when it
    raises. ``SET LOCAL`` lasts only until the block ends."""
    connection = db.session.connection()
    with connection.begin_nested():
        yield connection
        connection.exec_driver_sql("RESET session_replication_role")
    db.session.commit()


def once_per_module(name: str, build):
    """Fixtures for a matrix of many cases sharing one cast: ``name`` gives each test the cast
    that ``build(make)`` wrote once into the module's transaction (see ``cast_for``). Use as
    ``_cast_of_module, cast = once_per_module("cast", build_cast)`` at a test module's top."""

    # Autouse, so the module's rows are written before any test opens its own savepoint:
    # written inside one, they would be rolled back with that test.
    @pytest.fixture(scope="module", autouse=True, name=f"_{name}_of_module")
    def built(in_module):
        return in_module(build)

    @pytest.fixture(name=name)
    def per_test(request, make):
        return cast_for(request, request.getfixturevalue(f"_{name}_of_module"), build)

    return built, per_test


def cast_for(request, module_cast, build):
    """The module's cast (a dataclass of rows, built by ``in_module``) with each row fetched in
    the test's own session; a committing test gets a cast of its own, since other connections
    cannot see the module's transaction."""
    if request.node.get_closest_marker("committing"):
        return build(factories)
    # One SELECT per class of row, not one per row: a cast of a dozen users and places is
    # fetched in two or three statements by every test of the module.
    wanted = defaultdict(dict)  # class -> {field: identity}
    for field in dataclasses.fields(module_cast):
        value = getattr(module_cast, field.name)
        state = inspect(value, raiseerr=False)
        if state is not None and state.identity is not None:
            wanted[type(value)][field.name] = state.identity
    rows = {}
    for model, identities in wanted.items():
        primary_key = inspect(model).primary_key
        if len(primary_key) != 1:
            rows.update({f: db.session.get(model, key) for f, key in identities.items()})
            continue
        ids = {key[0] for key in identities.values()}
        query = select(model).where(primary_key[0].in_(ids))
        fetched = {inspect(row).identity: row for row in db.session.scalars(query)}
        rows.update({f: fetched[key] for f, key in identities.items()})
    return dataclasses.replace(module_cast, **rows)
