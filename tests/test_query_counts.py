"""Lists cost the same number of queries for one row as for many (no N+1)."""

from contextlib import contextmanager

from sqlalchemy import event

from backend.access.roles import Role
from backend.extensions import db
from tests.governance_support import gcast  # noqa: F401  (a fixture)
from tests.vote_support import VoteApi, vcast  # noqa: F401  (vcast: a fixture)

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


# -- the busiest lists (issue 21 §3): the counts are pinned, so a statement added fails here --

TICKET_LISTS = {
    # user with memberships, estate, page (estate, building, reporter, cover photo, "me too"
    # and the total, summed from the ticket tally, joined into the page's rows)
    "estate": ("owner", "/api/v1/estates/{estate}/tickets?page_size=20", 3),
    "estate_in_progress": (
        "owner",
        "/api/v1/estates/{estate}/tickets?status=in_progress,accepted",
        3,
    ),
    # user with memberships, page (with the total of the work list's arms)
    "manager_work": ("manager", "/api/v1/tickets/work", 2),
    "county_work": ("county", "/api/v1/tickets/work", 2),
}


def test_ticket_lists_take_a_fixed_number_of_statements(app, client, auth, make):
    from tests.ticket_support import TicketApi, build_tcast

    cast = build_tcast(make)
    api = TicketApi(client, auth, cast.estate.id)
    seen = {}
    for reported in (1, 3):
        while len(seen.get("reported", [])) < reported:
            ticket = api.report(cast.owner2, building_id=cast.building.id)
            api.step(cast.manager, ticket["id"], "accept")
            api.step(cast.manager, ticket["id"], "start")
            api.post(cast.owner, f"/tickets/{ticket['id']}/supporters")
            seen.setdefault("reported", []).append(ticket["id"])
        for name, (who, path, expected) in TICKET_LISTS.items():
            url = path.format(estate=cast.estate.id)
            count = queries_for(app, client, url, auth(getattr(cast, who)))
            assert count == expected, (name, reported, count)
    page = client.get(f"/api/v1/estates/{cast.estate.id}/tickets", headers=auth(cast.owner)).json
    assert page["total"] == 3
    first = page["items"][0]
    assert first["i_support"] is True
    assert first["cover_photo"]["url"].startswith("/api/v1/ticket-photos/")
    assert first["estate_name"] == cast.estate.name
    assert first["location"]["building_name"] == cast.building.name


def test_the_statement_takes_two_statements_and_compares_with_the_right_period(
    app, client, auth, make
):
    """The user, then the estate with the period and the one before it and their totals as
    frozen at publication; a draft's totals and opening balance (staff only) are summed."""
    from tests.ledger_support import LedgerApi, build_cast

    cast = build_cast(make)
    ledger = LedgerApi(client, auth, cast.estate.id)
    september = ledger.publish_period(cast, "2026-09-01")
    october = ledger.publish_period(
        cast,
        "2026-10-01",
        entries=[{"entry_date": "2026-10-05"}, {"entry_date": "2026-10-06", "amount_fen": 100}],
    )
    november = ledger.open_period(cast.manager, "2026-11-01")  # a draft: owners never see it
    path = ledger.url(f"/periods/{october['id']}/statement")
    for who in (cast.owner, cast.chair, cast.auditor):
        assert queries_for(app, client, path, auth(who)) == 2
    statement = ledger.get(cast.owner, f"/periods/{october['id']}/statement").json
    parking = next(c for c in statement["categories"] if c["category"] == "parking")
    assert (parking["total_fen"], parking["previous_total_fen"]) == (360100, 360000)
    assert statement["previous"]["id"] == september["id"]
    # A draft after it: staff see it compared with October, owners get 404.
    draft_path = ledger.url(f"/periods/{november['id']}/statement")
    # Its totals and its opening balance (two more) are summed: a draft is staff's, and rare.
    assert queries_for(app, client, draft_path, auth(cast.chair)) == 5
    draft = ledger.get(cast.chair, f"/periods/{november['id']}/statement").json
    assert draft["previous"]["id"] == october["id"]
    assert ledger.get(cast.owner, f"/periods/{november['id']}/statement").status_code == 404
    assert ledger.get(cast.outsider, f"/periods/{october['id']}/statement").status_code == 404


def test_an_open_motion_and_the_estates_motions_take_a_fixed_number_of_statements(
    app,
    client,
    auth,
    vcast,  # noqa: F811  (the fixture imported above)
):
    """The motion page: the user, the motion with its estate and attachments, then the turnout
    counters with the caller's elector and ballot. The list: the user, the estate with the
    count and the motions due to move, the page with its attachments, the turnouts with the
    caller's electors and ballots."""
    votes = VoteApi(client, auth)
    first = votes.opened(vcast.chair, vcast.estate.id)
    second = votes.opened(vcast.chair, vcast.estate.id, title="增设电动车充电桩")
    assert votes.cast(vcast.owner, first["id"]).status_code == 201
    for who in (vcast.owner, vcast.owner2, vcast.chair):
        for motion in (first, second):
            assert queries_for(app, client, f"/api/v1/motions/{motion['id']}", auth(who)) == 3
        listed = f"/api/v1/estates/{vcast.estate.id}/motions"
        assert queries_for(app, client, listed, auth(who)) == 4
    seen = votes.get(vcast.owner, first["id"]).get_json()
    assert seen["my_ballot"]["choice"] == "yes" and seen["can_vote"] is False
    assert seen["turnout"]["owners_voted"] == 1
    assert seen["turnout"]["area_voted_dm2"] == 10_000
    other = votes.get(vcast.owner2, first["id"]).get_json()
    assert other["my_ballot"] is None and other["can_vote"] is True
    listed = client.get(
        f"/api/v1/estates/{vcast.estate.id}/motions", headers=auth(vcast.owner)
    ).get_json()["items"]
    by_id = {m["id"]: m for m in listed}
    assert by_id[first["id"]]["my_ballot"]["choice"] == "yes"
    assert by_id[second["id"]]["my_ballot"] is None
    assert by_id[second["id"]]["turnout"]["owners_voted"] == 0
    assert votes.get(vcast.outsider, first["id"]).status_code == 404


# -- the dashboards served from the figures cache (issue 21 §1) ------------------------------

WARM_PAGES = {
    # the user with memberships (the page's scope check and the console's navigation read
    # them), the place with the levels above it, group liveness (never cached)
    "county": ("/console/targets/county/{county}?year=2025", 3),
    "township": ("/console/targets/township/{township}?year=2025", 3),
    "estate": ("/console/targets/estate/{estate}?year=2025", 3),
    # the user with memberships, the county
    "report": ("/console/reports/county/{county}?year=2025", 2),
}


def test_a_warm_dashboard_takes_a_fixed_number_of_statements(
    app,
    client,
    gcast,  # noqa: F811  (the fixture imported above)
):
    from backend.governance.targets import cache
    from tests.console.test_ticket_pages import signed_in

    signed_in(client, gcast.county_officer, "county1")
    ids = {
        "county": gcast.county.id,
        "township": gcast.estate_a.township_id,
        "estate": gcast.estate_a.id,
    }
    for name, (path, expected) in WARM_PAGES.items():
        url = path.format(**ids)
        hits, _ = cache.stats()
        assert client.get(url).status_code == 200  # counted, and cached
        assert queries_for(app, client, url, {}) == expected, name
        assert cache.stats()[0] == hits + 1, name  # the second was served from the cache
