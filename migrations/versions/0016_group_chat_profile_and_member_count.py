"""group chat profile (internal or external) and its recorded member count

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 14:20:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('group_chat') as batch:
        batch.add_column(
            sa.Column('profile', sa.String(length=10), nullable=False, server_default='internal')
        )
        batch.add_column(sa.Column('member_count', sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column('member_count_recorded_at', sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table('group_chat') as batch:
        batch.drop_column('member_count_recorded_at')
        batch.drop_column('member_count')
        batch.drop_column('profile')
