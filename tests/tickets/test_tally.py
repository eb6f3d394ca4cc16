"""The ticket tally (each estate's tickets per status and category, kept by triggers) stays
equal to a live count through every kind of write: reports, each step of the loop, ratings,
the jobs' bulk updates and SQL behind the services' back; the lists' totals read from it
are the live counts; and the work list read as disjoint arms is exactly the OR it replaced,
on PostgreSQL and on SQLite."""

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update

from backend.access.roles import Role
from backend.common.clock import utcnow
from backend.extensions import db
from backend.tickets import escalation, queries, tally
from backend.tickets.models import CATEGORIES, HANDLING_STATUSES, Ticket, TicketStatus
from tests import factories
from tests.isolation import raw_sql
from tests.ticket_support import TicketApi

STATUSES = list(TicketStatus)
START = datetime(2030, 3, 4, 2, 0, tzinfo=UTC)


def _agrees() -> dict:
    """The tally, asserted equal to the live count; returned for further checks."""
    db.session.expire_all()
    kept = tally.kept()
    assert kept == tally.live()
    return kept


def _estate_total(client, auth, person, estate_id, query="") -> int:
    response = client.get(f"/api/v1/estates/{estate_id}/tickets?{query}", headers=auth(person))
    assert response.status_code == 200, response.json
    return response.json["total"]


def _live_total(estate_id, statuses=None, category=None) -> int:
    query = select(func.count()).select_from(Ticket).where(Ticket.estate_id == estate_id)
    if statuses:
        query = query.where(Ticket.status.in_(statuses))
    if category:
        query = query.where(Ticket.category == category)
    return db.session.scalar(query)


def test_the_tally_follows_every_write_and_gives_the_lists_totals(app, client, auth, tcast, make):
    rng = random.Random(21)
    api = TicketApi(client, auth, tcast.estate.id)
    other = make.estate()
    categories = list(CATEGORIES)

    # Reports through the API, and rows written straight (as the hotline and imports do).
    reported = [
        api.report(rng.choice([tcast.owner, tcast.owner2]), category=rng.choice(categories))["id"]
        for _ in range(6)
    ]
    for _ in range(30):
        factories.raw_ticket(
            rng.choice([tcast.estate, other]),
            START - timedelta(days=rng.randint(0, 30)),
            status=rng.choice(STATUSES),
            category=rng.choice(categories),
        )
    db.session.commit()
    _agrees()

    # Each step of the loop, as its people take it, in a random order.
    for ticket_id in reported:
        for action in rng.choice(
            [
                ["accept", "start", "reply"],
                ["accept", "assign", "start", "reply"],
                ["reject"],
                ["accept", "duplicate"],
                ["accept"],
            ]
        ):
            body = {}
            if action == "assign":
                body["assignee_id"] = tcast.chair.id
            if action in ("reject", "reply"):
                body["note"] = "已处理"
            if action == "duplicate":
                body["duplicate_of_id"] = next(t for t in reported if t != ticket_id)
            api.step(tcast.manager, ticket_id, action, **body)
    replied = db.session.scalars(
        select(Ticket.id).where(Ticket.id.in_(reported), Ticket.status == "replied")
    ).all()
    assert replied  # the seed takes some tickets to "replied"
    rows = db.session.scalars(select(Ticket).where(Ticket.id.in_(replied)))
    by = {t.id: t.reporter_id for t in rows}
    owners = {tcast.owner.id: tcast.owner, tcast.owner2.id: tcast.owner2}
    api.step(owners[by[replied[0]]], replied[0], "reopen", note="还是不亮")
    for ticket_id in replied[1:]:
        response = client.post(
            f"/api/v1/tickets/{ticket_id}/rating",
            json={"rating": 4, "comment": "好"},
            headers=auth(owners[by[ticket_id]]),
        )
        assert response.status_code == 200, response.json
    _agrees()

    # The jobs: escalation climbs in one UPDATE, unrated replies are closed in bulk.
    escalation.escalate_overdue(utcnow() + timedelta(days=60))
    escalation.close_unrated(utcnow() + timedelta(days=60))
    _agrees()

    # Behind the services' back: bulk moves between estates, statuses and categories, and
    # deletes of rows nothing refers to.
    with raw_sql():
        db.session.execute(
            update(Ticket)
            .where(Ticket.estate_id == other.id, Ticket.id % 3 == 0)
            .values(**factories.places_of(tcast.estate), category="elevator")
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            update(Ticket)
            .where(Ticket.reporter_id.is_(None), Ticket.id % 2 == 0)
            .values(status="closed")
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            delete(Ticket)
            .where(Ticket.reporter_id.is_(None), Ticket.id % 5 == 0)
            .execution_options(synchronize_session=False)
        )
    kept = _agrees()
    assert sum(kept.values()) == db.session.scalar(select(func.count()).select_from(Ticket))

    # The lists' totals are sums over the tally, for every filter; "mine" is counted live.
    for statuses, category in [
        (None, None),
        (["in_progress"], None),
        (["closed", "rejected"], None),
        (None, "elevator"),
        (["accepted"], "lighting"),
    ]:
        query = "&".join(
            part
            for part in (
                f"status={','.join(statuses)}" if statuses else "",
                f"category={category}" if category else "",
            )
            if part
        )
        expected = _live_total(tcast.estate.id, statuses, category)
        assert _estate_total(client, auth, tcast.owner, tcast.estate.id, query) == expected
    mine = db.session.scalar(
        select(func.count())
        .select_from(Ticket)
        .where(Ticket.estate_id == tcast.estate.id, Ticket.reporter_id == tcast.owner.id)
    )
    assert _estate_total(client, auth, tcast.owner, tcast.estate.id, "mine=true") == mine
    assert mine > 0
    # A page past the end still carries the total.
    total = _live_total(tcast.estate.id)
    assert _estate_total(client, auth, tcast.owner, tcast.estate.id, "page=50") == total


def test_a_load_with_triggers_off_is_counted_again_by_rebuild(app, make):
    estate = make.estate()
    factories.raw_ticket(estate, START)
    db.session.commit()
    with raw_sql() as connection:
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        for _ in range(3):
            factories.raw_ticket(estate, START, status="closed")
        db.session.flush()
    db.session.expire_all()
    assert tally.kept() != tally.live()  # what a bulk load leaves behind
    tally.rebuild()
    db.session.commit()
    assert _agrees()[estate.id, "closed", "cleaning"] == 3


def _work_ids(user, **filters) -> tuple[list[int], int]:
    """Every page of the user's work list (pages of 3), and its total."""
    ids, page, total = [], 1, None
    while True:
        result = queries.list_work(user, page=page, page_size=3, **filters)
        total = result.total
        ids += [t.id for t in result.items]
        if len(result.items) < 3:
            return ids, total
        page += 1


def _expected(user, status=None, estate_id=None) -> list[int]:
    """The work list as the plain OR of its arms defines it, nearest deadline first."""
    query = select(Ticket.id).where(
        queries.handled_by(user), Ticket.status.in_(status or HANDLING_STATUSES)
    )
    if estate_id:
        query = query.where(Ticket.estate_id == estate_id)
    return db.session.scalars(query.order_by(Ticket.deadline_at, Ticket.id)).all()


def _work_cast(make):
    """Two estates of one community and one of another, tickets at every level and status,
    some assigned to a person who also holds rung roles in overlapping places (manager of
    one estate, chair of another, auditor of their community, township officer)."""
    rng = random.Random(4)
    county = make.county()
    township = make.township(county)
    community = make.community(township)
    first, second = make.estate(community), make.estate(community)
    third = make.estate(make.community(township))
    person = make.member(Role.PROPERTY_MANAGER, first)
    make.member(Role.COMMITTEE_CHAIR, second, person)
    make.member(Role.AUDITOR, community, person)
    make.member(Role.TOWNSHIP_OFFICER, township, person)
    officer = make.member(Role.COUNTY_OFFICER, county)
    statuses = [*HANDLING_STATUSES, "replied", "closed"]
    for n in range(80):
        created = START + timedelta(hours=rng.randint(0, 200))
        factories.raw_ticket(
            rng.choice([first, second, third]),
            created,
            status=rng.choice(statuses),
            escalation_level=rng.randint(0, 4),
            assignee_id=person.id if n % 4 == 0 else None,
            accept_due_at=created + timedelta(hours=rng.choice([6, 24, 48])),
            reply_due_at=created + timedelta(hours=rng.choice([48, 72, 96])),
        )
    db.session.commit()
    return person, officer, first, third


def _check_work_lists(person, officer, first, third) -> None:
    for user in (person, officer):
        for filters in (
            {},
            {"status": ["submitted"]},
            {"status": ["accepted", "in_progress"]},
            {"status": ["replied"]},  # outside the arms' indexes: read as the plain OR
            {"estate_id": first.id},
            {"estate_id": third.id},
        ):
            expected = _expected(user, **filters)
            ids, total = _work_ids(user, **filters)
            assert (ids, total) == (expected, len(expected)), (user.id, filters)
    assert len(_expected(person)) > len(_expected(officer)) > 0


def test_the_work_list_is_the_or_of_its_arms_in_deadline_order(app, make):
    _check_work_lists(*_work_cast(make))


def test_tally_and_lists_on_sqlite(sqlite_app):
    rng = random.Random(7)
    estate, other = factories.estate(), factories.estate()
    owner = factories.member(Role.OWNER, factories.unit(estate))
    rows = [
        factories.raw_ticket(
            rng.choice([estate, other]),
            START,
            status=rng.choice(STATUSES),
            category=rng.choice(list(CATEGORIES)),
        )
        for _ in range(40)
    ]
    db.session.commit()
    _agrees()
    for row in rows[:10]:  # the loop's updates, through the ORM
        row.status, row.category = rng.choice(STATUSES), rng.choice(list(CATEGORIES))
    db.session.commit()
    db.session.execute(  # a bulk move, and a delete
        update(Ticket)
        .where(Ticket.estate_id == other.id, Ticket.id % 2 == 0)
        .values(estate_id=estate.id, status="in_progress")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(Ticket).where(Ticket.id % 7 == 0).execution_options(synchronize_session=False)
    )
    db.session.commit()
    _agrees()
    for status, category in [(None, None), (["in_progress"], None), (None, "cleaning")]:
        page = queries.list_for_estate(owner, estate.id, status=status, category=category)
        assert page.total == _live_total(estate.id, status, category)
    _check_work_lists(*_work_cast(factories))
