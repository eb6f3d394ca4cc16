"""the unit register's owner of record (产权人) and the log of who viewed a claim's details

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 14:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('unit') as batch:
        batch.add_column(sa.Column('owner_of_record_name', sa.String(length=64), nullable=True))
    op.create_table(
        'claim_view',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('claim_id', sa.Integer(), nullable=False),
        sa.Column('estate_id', sa.Integer(), nullable=False),
        sa.Column('viewer_id', sa.Integer(), nullable=False),
        sa.Column('viewed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], name=op.f('fk_claim_view_claim_id_claim')),
        sa.ForeignKeyConstraint(['estate_id'], ['estate.id'], name=op.f('fk_claim_view_estate_id_estate')),
        sa.ForeignKeyConstraint(['viewer_id'], ['user.id'], name=op.f('fk_claim_view_viewer_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_view')),
    )
    op.create_index('ix_claim_view_claim', 'claim_view', ['claim_id', 'viewed_at'], unique=False)
    op.create_index(op.f('ix_claim_view_viewer_id'), 'claim_view', ['viewer_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_claim_view_viewer_id'), table_name='claim_view')
    op.drop_index('ix_claim_view_claim', table_name='claim_view')
    op.drop_table('claim_view')
    with op.batch_alter_table('unit') as batch:
        batch.drop_column('owner_of_record_name')
