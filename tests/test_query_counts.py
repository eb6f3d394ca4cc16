"""Lists cost the same number of queries for one row as for many (no N+1)."""

from contextlib import contextmanager

from sqlalchemy import event

from backend.access.roles import Role
from backend.extensions import db

SAVEPOINT_STATEMENTS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@contextmanager
def count_queries(app):
    statements = []

    def record(conn, cursor, statement, *args):
        # The savepoints that join a test's sessions to its transaction are not the app's.
        if not statement.startswith(SAVEPOINT_STATEMENTS):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def queries_for(app, client, path, headers):
    with count_queries(app) as statements:
        assert client.get(path, headers=headers).status_code == 200
    return len(statements)


def owner_with(make, rows):
    """An owner of ``rows`` units with ``rows`` claims, and the chair of that estate."""
    estate = make.estate()
    person = make.user()
    for _ in range(rows):
        make.member(Role.OWNER, make.unit(estate), person)
        make.claim(person, make.unit(estate))
    return estate, person, make.member(Role.COMMITTEE_CHAIR, estate)


def test_me_and_claims_list_query_counts_do_not_grow_with_rows(app, client, make, auth):
    counts = {}
    for rows in (1, 6):
        estate, person, chair = owner_with(make, rows)
        counts[rows] = (
            queries_for(app, client, "/api/v1/me", auth(person)),
            queries_for(app, client, f"/api/v1/estates/{estate.id}/claims", auth(chair)),
        )
    assert counts[1] == counts[6]


def test_the_estate_read_takes_two_statements(app, client, make, auth):
    """The user with their memberships, then the estate with its community, township,
    property company and unit count: the scope check and my_roles read the memberships."""
    estate, person, chair = owner_with(make, 3)
    for who in (person, chair):
        assert queries_for(app, client, f"/api/v1/estates/{estate.id}", auth(who)) == 2
    other = make.estate()
    assert client.get(f"/api/v1/estates/{other.id}", headers=auth(person)).status_code == 404
