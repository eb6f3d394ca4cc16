"""dashboard roll-ups: each closed month's ticket figures per place, and the months built;
ticket indexes for the live current month of a township or community

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 04:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

FIGURES = ['tickets', 'hotline', 'replied', 'on_time', 'rated', 'rating_sum', 'satisfied']


def upgrade():
    # Empty at first: until the roll-up job (or `flask linli rebuild-rollups`) builds a month,
    # the dashboards count it live, as before.
    op.create_table(
        'rollup_month',
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('built_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_ticket_id', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('month', name=op.f('pk_rollup_month')),
    )
    op.create_table(
        'place_month_figures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('place_id', sa.Integer(), nullable=False),
        sa.Column('parent_id', sa.Integer(), nullable=True),
        sa.Column('month', sa.Date(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in FIGURES),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_place_month_figures')),
    )
    with op.batch_alter_table('place_month_figures', schema=None) as batch_op:
        batch_op.create_index('ix_place_month_figures_place', ['kind', 'place_id', 'month'], unique=False)
        batch_op.create_index('ix_place_month_figures_parent', ['kind', 'parent_id', 'month'], unique=False)
        batch_op.create_index(batch_op.f('ix_place_month_figures_month'), ['month'], unique=False)
    # The current month is still counted live, for a township or community too.
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_township_created', ['township_id', 'created_at'], unique=False)
        batch_op.create_index('ix_ticket_community_created', ['community_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_community_created')
        batch_op.drop_index('ix_ticket_township_created')
    with op.batch_alter_table('place_month_figures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_place_month_figures_month'))
        batch_op.drop_index('ix_place_month_figures_parent')
        batch_op.drop_index('ix_place_month_figures_place')
    op.drop_table('place_month_figures')
    op.drop_table('rollup_month')
