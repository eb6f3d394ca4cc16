"""user session and token versions: ending every console session or API token of a user at once

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 02:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    # server_default fills existing rows, so every session and token issued before this
    # migration (version 0, or none in the token: refused) is judged the same way.
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('session_version', sa.Integer(), server_default='0', nullable=False)
        )
        batch_op.add_column(
            sa.Column('token_version', sa.Integer(), server_default='0', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('token_version')
        batch_op.drop_column('session_version')
