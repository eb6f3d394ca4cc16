"""covering indexes for the busiest reads: a statement's totals by category, an open vote's
turnout, and an estate's tickets in one status newest first

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 17:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

# (table, name, columns, included columns) before and after. INCLUDE is PostgreSQL's; SQLite
# builds the same keys without it.
BEFORE = [
    ('ledger_entry', 'ix_ledger_entry_period_date', ['period_id', 'entry_date', 'id'], []),
    ('elector', 'ix_elector_motion_id', ['motion_id', 'id'], []),
    ('ticket', 'ix_ticket_estate_status', ['estate_id', 'status', 'id'], []),
]
AFTER = [
    # The statement's totals by category: an index-only scan of the period's entries.
    (
        'ledger_entry',
        'ix_ledger_entry_period_date',
        ['period_id', 'entry_date', 'id'],
        ['category', 'amount_fen', 'reverses_entry_id'],
    ),
    # An open vote's turnout: each ballot's elector area read from the index.
    ('elector', 'ix_elector_motion_area', ['motion_id', 'id'], ['area_dm2']),
    # An estate's tickets in one status, newest first, read in order: no sort of the status.
    ('ticket', 'ix_ticket_estate_status', ['estate_id', 'status', 'created_at', 'id'], []),
]


def _swap(drop, create):
    for table, name, _columns, _include in drop:
        op.drop_index(name, table_name=table)
    for table, name, columns, include in create:
        op.create_index(name, table, columns, postgresql_include=include or None)


def upgrade():
    _swap(BEFORE, AFTER)


def downgrade():
    _swap(AFTER, BEFORE)
