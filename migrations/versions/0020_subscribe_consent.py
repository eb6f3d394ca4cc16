"""subscribe consents: one-time permissions per user and template, and bans

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 14:40:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'subscribe_consent',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('template_id', sa.String(length=128), nullable=False),
        sa.Column('remaining', sa.Integer(), nullable=False),
        sa.Column('banned', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_subscribe_consent_user_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_subscribe_consent')),
        sa.UniqueConstraint(
            'user_id', 'template_id', name=op.f('uq_subscribe_consent_user_id_template_id')
        ),
    )


def downgrade():
    op.drop_table('subscribe_consent')
