"""An open motion's turnout is counted by its ballots (votes.turnout, in shards): random
ballots by app and on paper, refused second tries and ineligible casters, on two motions at
once, must leave every counter equal to the count of the ballots themselves.

Nothing else changes what the counters count: ballots are final (never updated or deleted)
and an elector's area is frozen in the snapshot when voting opens, so later changes to the
register or to memberships must not move them either (checked below)."""

import random
from datetime import timedelta

from sqlalchemy import select

from backend.access.roles import Role
from backend.common.clock import utcnow
from backend.extensions import db
from backend.places.models import Unit
from backend.votes import lifecycle, queries, services, turnout
from backend.votes.models import Elector, ElectorUser, Motion, TurnoutShard
from tests.vote_support import motion_row


def _estate_of_owners(make, vcast, rng):
    """vcast's estate plus 24 units: multi-unit owners, co-owned units, one unsold unit."""
    owners = [vcast.owner, vcast.owner2]
    for n in range(12):
        person = make.user(real_name=f"业主{n}")
        for _ in range(rng.choice((1, 1, 2))):
            make.member(
                Role.OWNER, make.unit(vcast.estate, area_dm2=rng.randint(4_000, 20_000)), person
            )
        owners.append(person)
    shared = make.unit(vcast.estate, area_dm2=13_579)
    for n in range(2):
        owners.append(make.member(Role.OWNER, shared, make.user(real_name=f"共有{n}")))
    make.unit(vcast.estate, area_dm2=55_555, unsold=True)
    make.unit(vcast.estate, area_dm2=7_777)  # no owner in Linli: only on paper
    return owners


def _api_turnout(votes, person, motion_id) -> tuple[int, int]:
    figures = votes.get(person, motion_id).get_json()["turnout"]
    return figures["owners_voted"], figures["area_voted_dm2"]


def test_random_ballots_keep_the_counters_equal_to_the_ballots(client, auth, make, vcast, votes):
    rng = random.Random(21)
    owners = _estate_of_owners(make, vcast, rng)
    motions = [votes.opened(vcast.chair, vcast.estate.id, title=f"事项{n}")["id"] for n in (1, 2)]
    electors = {
        m: db.session.scalars(select(Elector.id).where(Elector.motion_id == m)).all()
        for m in motions
    }
    statuses = []
    for step in range(60):
        motion_id = rng.choice(motions)
        choice = rng.choice(("yes", "no", "abstain"))
        if rng.random() < 0.6:
            person = rng.choice([*owners, vcast.outsider, vcast.manager])
            statuses.append(votes.cast(person, motion_id, choice).status_code)
        else:
            response = client.post(
                f"/api/v1/motions/{motion_id}/paper-ballots",
                json={"elector_id": rng.choice(electors[motion_id]), "choice": choice},
                headers=auth(vcast.chair),
            )
            statuses.append(response.status_code)
        if step % 10 == 9:
            for m in motions:
                live = turnout.live(m)
                assert turnout.of([m]).get(m, turnout.rules.Count()) == live
                assert _api_turnout(votes, vcast.chair, m) == (live.owners, live.area_dm2)
    # The walk went through every path: accepted, already voted, not eligible / outsider.
    assert {201, 409, 403, 404} <= set(statuses)
    assert all(turnout.live(m).owners > 3 for m in motions)
    # The register moving after the snapshot moves neither the snapshot nor the counters.
    before = {m: turnout.of([m])[m] for m in motions}
    db.session.execute(
        Unit.__table__.update()
        .where(Unit.estate_id == vcast.estate.id)
        .values(area_dm2=Unit.area_dm2 + 1)
    )
    db.session.commit()
    assert {m: turnout.of([m])[m] for m in motions} == before
    assert {m: turnout.live(m) for m in motions} == before
    # Closed, the page reads the tally, which agrees with the last counted turnout.
    first = motions[0]
    votes.end(first)
    closed = votes.get(vcast.chair, first).get_json()
    assert closed["status"] == "closed"
    assert (closed["turnout"]["owners_voted"], closed["turnout"]["area_voted_dm2"]) == (
        before[first].owners,
        before[first].area_dm2,
    )
    listed = client.get(
        f"/api/v1/estates/{vcast.estate.id}/motions", headers=auth(vcast.owner)
    ).get_json()["items"]
    by_id = {m["id"]: m["turnout"] for m in listed}
    assert (by_id[motions[1]]["owners_voted"], by_id[motions[1]]["area_voted_dm2"]) == (
        before[motions[1]].owners,
        before[motions[1]].area_dm2,
    )


def test_a_refused_ballot_counts_nowhere(vcast, votes):
    motion_id = votes.opened(vcast.chair, vcast.estate.id)["id"]
    assert votes.cast(vcast.owner, motion_id, "no").status_code == 201
    assert votes.cast(vcast.owner, motion_id, "yes").status_code == 409
    assert votes.cast(vcast.outsider, motion_id).status_code == 404
    assert turnout.of([motion_id])[motion_id] == turnout.live(motion_id)
    assert _api_turnout(votes, vcast.owner2, motion_id) == (1, 10_000)


def test_rebuild_counts_ballots_written_around_the_services(vcast, votes):
    motion_id = votes.opened(vcast.chair, vcast.estate.id)["id"]
    assert votes.cast(vcast.owner, motion_id).status_code == 201
    assert votes.cast(vcast.owner2, motion_id).status_code == 201
    db.session.execute(TurnoutShard.__table__.delete())  # as if bulk-loaded: nothing counted
    db.session.commit()
    assert _api_turnout(votes, vcast.owner, motion_id) == (0, 0)
    turnout.rebuild(motion_id)
    db.session.commit()
    assert _api_turnout(votes, vcast.owner, motion_id) == (2, 20_000)


def test_the_counters_on_sqlite(sqlite_app):
    """The embedded default: the same upsert on SQLite (the motion is written already due to
    open: the vote helpers move times with PostgreSQL's date arithmetic)."""
    from tests import factories as make

    estate = make.estate()
    chair = make.member(Role.COMMITTEE_CHAIR, estate, make.user(real_name="李建国"))
    people = [
        make.member(Role.OWNER, make.unit(estate, area_dm2=1_000 * (n + 1)), make.user())
        for n in range(5)
    ]
    make.unit(estate, area_dm2=999)  # on paper only
    now = utcnow()
    motion = Motion(
        estate_id=estate.id,
        matter="hire_property_company",
        title="续聘",
        body="续聘物业",
        organiser="committee",
        created_by_id=chair.id,
        announced_at=now - timedelta(days=16),
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=7),
    )
    db.session.add(motion)
    db.session.commit()
    lifecycle.advance(motion.id)
    db.session.commit()
    for person in people[:4]:
        services.cast_ballot(person, motion.id, "yes")
    paper = db.session.scalar(
        select(Elector.id).where(
            Elector.motion_id == motion.id,
            ~Elector.id.in_(
                select(ElectorUser.elector_id).where(ElectorUser.motion_id == motion.id)
            ),
        )
    )
    services.record_paper_ballot(chair, motion.id, paper, "no", "纸质")
    assert turnout.of([motion.id])[motion.id] == turnout.live(motion.id)
    assert turnout.live(motion.id) == turnout.rules.Count(5, 1_000 + 2_000 + 3_000 + 4_000 + 999)
    shown = queries.detail(people[4], motion.id)["turnout"]
    assert (shown["owners_voted"], shown["area_voted_dm2"]) == (5, 10_999)
    listed = queries.list_for_estate(people[4], estate.id, None, 1, 20)
    assert listed.total == 1
    shown = listed.items[0]["turnout"]
    assert (shown["owners_voted"], shown["area_voted_dm2"]) == (5, 10_999)
    assert motion_row(motion.id).status == "open"
    db.session.remove()
