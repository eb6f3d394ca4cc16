"""Every list said to be "newest first" sorts by the time people see on its rows (reported,
asked, announced, cast, created, published), the id only as a tie-break (DESIGN: input
bounds). Back-dated and imported rows have ids out of time order, so each list gets three
rows whose ids and times disagree: made in the order a, b, c, then b moved a day back and c
given exactly a's time. Sorted by time the list reads c, a, b (c before a on the id
tie-break); sorted by id alone it would read c, b, a.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import text

from backend.access.roles import Role
from backend.claims import services as claims
from backend.common.clock import utcnow
from backend.console.votes import pages as console_votes
from backend.extensions import db
from backend.governance.ratings import appeals
from backend.governance.ratings.models import AppealStatus, RatingAppeal
from backend.ledger import questions
from backend.ledger.models import LedgerQuestion
from backend.notices import services as notices
from backend.notices.models import Notice, NoticeEstate
from backend.outbox import services as outbox
from backend.outbox.models import OutboxMessage
from backend.tickets import nearby, open311_services, queries
from backend.tickets.models import Ticket, TicketSupporter
from backend.votes import queries as vote_queries
from backend.votes.models import Ballot, Elector, ElectorUser, Motion
from tests import factories
from tests.ratings_support import period, rating

NOW = utcnow().replace(microsecond=0)


def disagree(model, column: str, rows: list) -> list[int]:
    """Give the three rows (oldest id first) times that disagree with their ids; the ids in
    the order a time sort must give."""
    a, b, c = (r.id for r in rows)
    table = model.__table__
    for row_id, when in ((a, NOW), (b, NOW - timedelta(days=1)), (c, NOW)):
        db.session.execute(table.update().where(table.c.id == row_id).values({column: when}))
    db.session.commit()
    db.session.expire_all()
    return [c, a, b]


@pytest.fixture
def place(app):
    estate = factories.estate()
    unit = factories.unit(estate)
    owner = factories.member(Role.OWNER, unit)
    return SimpleNamespace(estate=estate, unit=unit, owner=owner)


def three_tickets(place, **fields) -> list[Ticket]:
    rows = [
        factories.raw_ticket(
            place.estate,
            NOW,
            reporter_id=place.owner.id,
            building_id=place.unit.building_id,
            **fields,
        )
        for _ in range(3)
    ]
    db.session.commit()
    return rows


def test_estate_tickets_and_my_tickets(place):
    expected = disagree(Ticket, "created_at", three_tickets(place))
    page = queries.list_for_estate(place.owner, place.estate.id)
    assert [t.id for t in page.items] == expected
    assert [t.id for t in queries.list_mine(place.owner).items] == expected


def test_tickets_i_support_sort_with_mine(place):
    other = factories.member(Role.OWNER, factories.unit(place.estate))
    rows = three_tickets(place)
    for row in rows:  # supported, not reported: the OR's second arm
        row.reporter_id = None
        db.session.add(TicketSupporter(ticket_id=row.id, user_id=other.id))
    db.session.commit()
    expected = disagree(Ticket, "created_at", rows)
    assert [t.id for t in queries.list_mine(other).items] == expected


def test_open311_requests(place):
    expected = disagree(Ticket, "created_at", three_tickets(place))
    client = SimpleNamespace(county_id=place.estate.county_id)
    args = {
        "service_request_id": None,
        "start_date": None,
        "end_date": None,
        "service_code": None,
        "status": None,
    }
    assert [t.id for t in open311_services.find_requests(client, args)] == expected


def test_nearby_tickets_equally_near_are_newest_first(place):
    expected = disagree(Ticket, "created_at", three_tickets(place))
    found = nearby.nearby(
        place.owner, place.estate.id, "cleaning", building_id=place.unit.building_id
    )
    assert [t.id for t in found] == expected


def test_claims_of_the_estate_and_my_claims(place):
    chair = factories.member(Role.COMMITTEE_CHAIR, place.estate)
    person = factories.user()
    rows = [factories.claim(person, factories.unit(place.estate)) for _ in range(3)]
    expected = disagree(type(rows[0]), "created_at", rows)
    assert [c.id for c in claims.list_claims(chair, place.estate.id, None, 1, 20).items] == (
        expected
    )
    pending = claims.list_claims(chair, place.estate.id, "pending", 1, 20)
    assert [c.id for c in pending.items] == expected
    assert [c.id for c in claims.claims_of(person)] == expected


def test_ledger_questions(place):
    manager = factories.member(Role.PROPERTY_MANAGER, place.estate)
    month = NOW.date().replace(day=1)
    published = period(place.estate, manager, month - timedelta(days=31), month, NOW)
    rows = []
    for _ in range(3):
        rows.append(
            LedgerQuestion(
                estate_id=place.estate.id,
                period_id=published.id,
                asked_by_id=place.owner.id,
                body="这笔支出的依据是什么？",
            )
        )
        db.session.add(rows[-1])
        db.session.commit()
    expected = disagree(LedgerQuestion, "asked_at", rows)
    page = questions.list_questions(place.owner, place.estate.id, published.id, 1, 20)
    assert [q.id for q in page.items] == expected


def test_delivery_log(place):
    rows = []
    for n in range(3):
        rows.append(
            OutboxMessage(
                topic="notice.published",
                subject_id=n,
                dedupe_key=f"notice.published:{n}:sort-{place.estate.id}",
                estate_id=place.estate.id,
                payload=["公告"],
            )
        )
        db.session.add(rows[-1])
        db.session.commit()
    expected = disagree(OutboxMessage, "created_at", rows)
    assert [m.id for m in outbox.delivery_log(place.estate.id, None, 1, 20).items] == expected
    pending = outbox.delivery_log(place.estate.id, "pending", 1, 20)
    assert [m.id for m in pending.items] == expected


def test_rating_appeals(place):
    confirmed = rating(place.estate, 80, 3)
    rows = []
    for _ in range(3):
        rows.append(
            RatingAppeal(
                rating_id=confirmed.id,
                estate_id=place.estate.id,
                appellant_id=place.owner.id,
                reason="评分有误",
                status=AppealStatus.DISMISSED,
            )
        )
        db.session.add(rows[-1])
        db.session.commit()
    expected = disagree(RatingAppeal, "created_at", rows)
    assert [a.id for a in appeals.appeals_of(confirmed.id)] == expected


def _motions(place) -> list[Motion]:
    """Three motions announced now, opening in a month (no lifecycle step is due)."""
    rows = []
    for n in range(3):
        rows.append(
            Motion(
                estate_id=place.estate.id,
                matter="hire_property_company",
                title=f"表决事项{n}",
                body="请业主表决",
                status="announced",
                organiser="committee",
                created_by_id=place.owner.id,
                announced_at=NOW,
                opens_at=NOW + timedelta(days=30),
                closes_at=NOW + timedelta(days=37),
            )
        )
        db.session.add(rows[-1])
        db.session.commit()
    return rows


def test_motions_of_the_estate_and_on_the_console(place):
    rows = _motions(place)
    expected = disagree(Motion, "announced_at", rows)
    page = vote_queries.list_for_estate(place.owner, place.estate.id, None, 1, 20)
    assert [v["motion"].id for v in page.items] == expected
    officer = factories.member(Role.TOWNSHIP_OFFICER, factories.township_of(place.estate.community))
    listed = console_votes.motion_list(officer, {})
    assert [r["id"] for r in listed["rows"]] == expected


def test_my_ballots(place):
    rows = []
    for motion in _motions(place):
        elector = Elector(
            motion_id=motion.id, kind="owner", label="张*", area_dm2=100, unit_count=1
        )
        db.session.add(elector)
        db.session.flush()
        db.session.add(
            ElectorUser(
                motion_id=motion.id,
                elector_id=elector.id,
                user_id=place.owner.id,
                display_name="张*",
            )
        )
        rows.append(
            Ballot(
                motion_id=motion.id,
                elector_id=elector.id,
                choice="yes",
                cast_by_id=place.owner.id,
                channel="miniprogram",
            )
        )
        db.session.add(rows[-1])
        db.session.commit()
    motion_of = {b.id: b.motion_id for b in rows}  # a ballot shows its motion, not its id
    expected = disagree(Ballot, "cast_at", rows)
    page = vote_queries.ballots_of(place.owner, 1, 20)
    assert [b["motion"]["motion"].id for b in page.items] == [motion_of[i] for i in expected]


def test_notices_already_newest_published_first(place):
    """A guard, not a fix: notices sorted by published_at before this rule was written."""
    rows = []
    for n in range(3):
        rows.append(
            Notice(
                author_id=place.owner.id,
                author_role="committee_chair",
                author_label="业委会",
                audience_kind="estate",
                audience_id=place.estate.id,
                audience_label=place.estate.name,
                title=f"公告{n}",
                body="内容",
            )
        )
        db.session.add(rows[-1])
        db.session.flush()
        db.session.add(NoticeEstate(notice_id=rows[-1].id, estate_id=place.estate.id))
        db.session.commit()
    expected = disagree(Notice, "published_at", rows)
    page = notices.list_for_estate(place.owner, place.estate.id, 1, 20)
    assert [n.id for n in page.items] == expected


def test_the_estate_ticket_list_can_read_its_index(place):
    """PostgreSQL can walk ix_ticket_estate_created backwards instead of sorting the estate's
    tickets: with sequential scans and sorts discouraged, the plan names the index and has no
    Sort step. (On three rows the planner may otherwise sort another index's rows: as cheap.)"""
    three_tickets(place)
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    db.session.execute(text("SET LOCAL enable_sort = off"))
    query = (
        db.select(Ticket)
        .where(Ticket.estate_id == place.estate.id)
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(20)
    )
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = "\n".join(db.session.scalars(text(f"EXPLAIN {compiled}")))
    db.session.execute(text("SET LOCAL enable_seqscan = on"))
    db.session.execute(text("SET LOCAL enable_sort = on"))
    assert "ix_ticket_estate_created" in plan, plan
    assert "Sort" not in plan, plan
