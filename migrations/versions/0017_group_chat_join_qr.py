"""group chat join QR code (for the poster owners scan to join)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 14:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('group_chat') as batch:
        batch.add_column(sa.Column('join_qr_key', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('group_chat') as batch:
        batch.drop_column('join_qr_key')
