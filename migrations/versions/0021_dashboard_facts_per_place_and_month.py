"""dashboard roll-ups of the rest of a closed month: the register at its end, joint meetings
and the problem list, per county, township and community

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 17:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

FACTS = [
    "party_covered",
    "committees",
    "party_led",
    "reelection_due",
    "meetings_held",
    "items_decided",
    "disputes",
    "disputes_resolved",
    "problems_created",
    "problems_closed",
    "problems_closed_on_time",
]


def upgrade():
    # Empty at first: the next run of the roll-up job fills every built month.
    op.create_table(
        "place_month_facts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("month", sa.Date(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in FACTS),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_place_month_facts")),
    )
    with op.batch_alter_table("place_month_facts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_place_month_facts_place", ["kind", "place_id", "month"], unique=False
        )
        batch_op.create_index(
            "ix_place_month_facts_parent", ["kind", "parent_id", "month"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_place_month_facts_month"), ["month"], unique=False)
    # Built months without facts would read as zeros: build them again, with their facts.
    op.execute("DELETE FROM rollup_month")


def downgrade():
    with op.batch_alter_table("place_month_facts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_place_month_facts_month"))
        batch_op.drop_index("ix_place_month_facts_parent")
        batch_op.drop_index("ix_place_month_facts_place")
    op.drop_table("place_month_facts")
