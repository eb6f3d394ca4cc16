"""newest-first lists sort by time: indexes on (filter, time, id) for every such list

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 02:50:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

# (table, index name, columns after, columns before or None when the index is new). Each list
# is read backwards along its index, so ascending columns serve "time DESC, id DESC" on
# PostgreSQL and SQLite alike. Indexes that were on (filter, id) are replaced, not doubled:
# the new one serves every lookup the old one did.
CHANGES = [
    ('ticket', 'ix_ticket_estate_created', ['estate_id', 'created_at', 'id'], ['estate_id', 'id']),
    ('ticket', 'ix_ticket_county', ['county_id', 'created_at', 'id'], ['county_id', 'id']),
    ('ticket', 'ix_ticket_reporter', ['reporter_id', 'created_at', 'id'], ['reporter_id', 'id']),
    (
        'ledger_question',
        'ix_ledger_question_period',
        ['period_id', 'asked_at', 'id'],
        ['period_id', 'id'],
    ),
    (
        'claim',
        'ix_claim_estate_status',
        ['estate_id', 'status', 'created_at', 'id'],
        ['estate_id', 'status', 'id'],
    ),
    ('claim', 'ix_claim_estate_created', ['estate_id', 'created_at', 'id'], None),
    (
        'outbox_message',
        'ix_outbox_message_estate',
        ['estate_id', 'created_at', 'id'],
        ['estate_id', 'id'],
    ),
]

# Renamed, because the old name said "id": (table, old name, old columns, new name, columns).
RENAMES = [
    ('claim', 'ix_claim_user_id', ['user_id'], 'ix_claim_user_created', ['user_id', 'created_at', 'id']),
    (
        'motion',
        'ix_motion_estate_id',
        ['estate_id', 'id'],
        'ix_motion_estate_announced',
        ['estate_id', 'announced_at', 'id'],
    ),
    (
        'rating_appeal',
        'ix_rating_appeal_rating_id',
        ['rating_id'],
        'ix_rating_appeal_rating_created',
        ['rating_id', 'created_at', 'id'],
    ),
]


def upgrade():
    for table, name, columns, before in CHANGES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            if before is not None:
                batch_op.drop_index(name)
            batch_op.create_index(name, columns, unique=False)
    for table, old, _old_columns, new, columns in RENAMES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(old)
            batch_op.create_index(new, columns, unique=False)


def downgrade():
    for table, old, old_columns, new, _columns in reversed(RENAMES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(new)
            batch_op.create_index(old, old_columns, unique=False)
    for table, name, _columns, before in reversed(CHANGES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
            if before is not None:
                batch_op.create_index(name, before, unique=False)
