"""an open motion's turnout counted by its ballots, in shards; a published period's totals
by category frozen with it

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 19:45:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    # Filled from now on by each publication. Periods published before stay empty and are
    # summed live: filling them would mean lifting the freeze on published periods.
    with op.batch_alter_table("ledger_period", schema=None) as batch_op:
        batch_op.add_column(sa.Column("category_totals_fen", sa.JSON(), nullable=True))
    op.create_table(
        "turnout_shard",
        sa.Column("motion_id", sa.Integer(), nullable=False),
        sa.Column("shard", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("owners", sa.Integer(), nullable=False),
        sa.Column("area_dm2", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["motion_id"], ["motion.id"], name=op.f("fk_turnout_shard_motion_id_motion")
        ),
        sa.PrimaryKeyConstraint("motion_id", "shard", name=op.f("pk_turnout_shard")),
    )
    # Ballots already cast count in shard 0 of their motion (closed ones too: harmless, their
    # pages read the stored tally).
    op.execute(
        """INSERT INTO turnout_shard (motion_id, shard, owners, area_dm2)
           SELECT b.motion_id, 0, count(*), sum(e.area_dm2)
           FROM ballot b JOIN elector e ON e.id = b.elector_id AND e.motion_id = b.motion_id
           GROUP BY b.motion_id"""
    )


def downgrade():
    op.drop_table("turnout_shard")
    with op.batch_alter_table("ledger_period", schema=None) as batch_op:
        batch_op.drop_column("category_totals_fen")
