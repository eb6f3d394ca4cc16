"""An open motion's turnout, counted as ballots are cast instead of joined from every ballot
on each read (12,545 ballots of a 20,000-unit estate: 20–35 ms a page).

Each ballot adds one head and its elector's area to one of SHARDS rows of the motion, picked
at random, in the ballot's own transaction: a ballot that does not commit counts nowhere, and
ballots cast at the same moment rarely wait on the same row. Ballots are final (never edited
or deleted) and an elector's area is frozen in the snapshot, so the sum of the shards equals
the live count; ``rebuild`` recounts a motion after ballots written around the services (a
bulk load)."""

import random

from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from backend.extensions import db
from backend.votes import rules
from backend.votes.models import BALLOT_ELECTOR, Ballot, Elector, TurnoutShard

SHARDS = 16


def count_ballot(motion_id: int, area_dm2: int) -> None:
    """Add a ballot just inserted (same transaction) to one of the motion's shards."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    row = dialect.insert(TurnoutShard).values(
        motion_id=motion_id, shard=random.randrange(SHARDS), owners=1, area_dm2=area_dm2
    )
    db.session.execute(
        row.on_conflict_do_update(
            index_elements=["motion_id", "shard"],
            set_={
                "owners": TurnoutShard.owners + 1,
                "area_dm2": TurnoutShard.area_dm2 + row.excluded.area_dm2,
            },
        )
    )


def counted(motion_id_column):
    """(owners, area) of the motion in ``motion_id_column``, as two correlated scalar
    subqueries (each sums at most SHARDS rows of the primary key), so a read that selects its
    motions gets their turnout in the same statement."""
    mine = TurnoutShard.motion_id == motion_id_column
    return (
        select(func.coalesce(func.sum(TurnoutShard.owners), 0)).where(mine).scalar_subquery(),
        select(func.coalesce(func.sum(TurnoutShard.area_dm2), 0)).where(mine).scalar_subquery(),
    )


def of(motion_ids: list[int]) -> dict[int, rules.Count]:
    """Turnout of several motions from their shards, in one grouped query."""
    if not motion_ids:
        return {}
    rows = db.session.execute(
        select(
            TurnoutShard.motion_id,
            func.sum(TurnoutShard.owners),
            func.sum(TurnoutShard.area_dm2),
        )
        .where(TurnoutShard.motion_id.in_(motion_ids))
        .group_by(TurnoutShard.motion_id)
    ).all()
    return {motion_id: rules.Count(int(owners), int(area)) for motion_id, owners, area in rows}


def live(motion_id: int) -> rules.Count:
    """The turnout counted from the ballots themselves (what the shards must equal)."""
    owners, area = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Elector.area_dm2), 0))
        .select_from(Ballot)
        .join(Elector, BALLOT_ELECTOR)
        .where(Ballot.motion_id == motion_id)
    ).one()
    return rules.Count(owners, int(area))


def rebuild(motion_id: int) -> None:
    """Recount the motion's shards from its ballots (after ballots were bulk-loaded); the
    caller commits, holding the motion's exclusive lock if ballots may be cast meanwhile."""
    db.session.execute(delete(TurnoutShard).where(TurnoutShard.motion_id == motion_id))
    count = live(motion_id)
    if count.owners:
        db.session.execute(
            insert(TurnoutShard).values(
                motion_id=motion_id, shard=0, owners=count.owners, area_dm2=count.area_dm2
            )
        )
