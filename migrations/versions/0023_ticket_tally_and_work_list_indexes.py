"""ticket tally: each estate's tickets per status and category, kept by triggers on ticket,
so a list's total is a sum over a few rows; the work list's arms read in deadline order from indexes on a computed deadline

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 19:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

# PostgreSQL: one function adds a delta to a tally row (creating it), one trigger function
# applies a ticket's insert, delete or move. A move locks its two tally rows in key order, so
# two transactions moving tickets between the same two keys cannot deadlock on them.
PG_UP = [
    """
    CREATE FUNCTION ticket_tally_add(e integer, s varchar, c varchar, n integer)
    RETURNS void LANGUAGE sql AS $$
        INSERT INTO ticket_tally (estate_id, status, category, tickets) VALUES (e, s, c, n)
        ON CONFLICT (estate_id, status, category)
        DO UPDATE SET tickets = ticket_tally.tickets + EXCLUDED.tickets
    $$
    """,
    """
    CREATE FUNCTION ticket_tally_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM ticket_tally_add(NEW.estate_id, NEW.status, NEW.category, 1);
        ELSIF TG_OP = 'DELETE' THEN
            PERFORM ticket_tally_add(OLD.estate_id, OLD.status, OLD.category, -1);
        ELSIF (OLD.estate_id, OLD.status, OLD.category)
              < (NEW.estate_id, NEW.status, NEW.category) THEN
            PERFORM ticket_tally_add(OLD.estate_id, OLD.status, OLD.category, -1);
            PERFORM ticket_tally_add(NEW.estate_id, NEW.status, NEW.category, 1);
        ELSE
            PERFORM ticket_tally_add(NEW.estate_id, NEW.status, NEW.category, 1);
            PERFORM ticket_tally_add(OLD.estate_id, OLD.status, OLD.category, -1);
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE FUNCTION ticket_tally_empty() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM ticket_tally;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER ticket_tally_insert_delete AFTER INSERT OR DELETE ON ticket
    FOR EACH ROW EXECUTE FUNCTION ticket_tally_keep()
    """,
    # Fires only when a counted column really changes: escalation, ratings and the rest of
    # the loop's updates cost nothing.
    """
    CREATE TRIGGER ticket_tally_update AFTER UPDATE OF estate_id, status, category ON ticket
    FOR EACH ROW WHEN (OLD.estate_id IS DISTINCT FROM NEW.estate_id
                       OR OLD.status IS DISTINCT FROM NEW.status
                       OR OLD.category IS DISTINCT FROM NEW.category)
    EXECUTE FUNCTION ticket_tally_keep()
    """,
    """
    CREATE TRIGGER ticket_tally_truncate AFTER TRUNCATE ON ticket
    FOR EACH STATEMENT EXECUTE FUNCTION ticket_tally_empty()
    """,
]
PG_DOWN = [
    "DROP TRIGGER ticket_tally_truncate ON ticket",
    "DROP TRIGGER ticket_tally_update ON ticket",
    "DROP TRIGGER ticket_tally_insert_delete ON ticket",
    "DROP FUNCTION ticket_tally_empty()",
    "DROP FUNCTION ticket_tally_keep()",
    "DROP FUNCTION ticket_tally_add(integer, varchar, varchar, integer)",
]


def _sqlite_add(row: str, n: str) -> str:
    key = f"estate_id = {row}.estate_id AND status = {row}.status AND category = {row}.category"
    return f"""
        INSERT OR IGNORE INTO ticket_tally (estate_id, status, category, tickets)
        VALUES ({row}.estate_id, {row}.status, {row}.category, 0);
        UPDATE ticket_tally SET tickets = tickets {n} WHERE {key};"""


# SQLite (the embedded default) has one writer at a time: row triggers in plain SQL suffice.
SQLITE_UP = [
    f"CREATE TRIGGER ticket_tally_insert AFTER INSERT ON ticket BEGIN {_sqlite_add('NEW', '+ 1')}"
    " END",
    f"CREATE TRIGGER ticket_tally_delete AFTER DELETE ON ticket BEGIN {_sqlite_add('OLD', '- 1')}"
    " END",
    f"""CREATE TRIGGER ticket_tally_update AFTER UPDATE OF estate_id, status, category ON ticket
        WHEN OLD.estate_id IS NOT NEW.estate_id OR OLD.status IS NOT NEW.status
             OR OLD.category IS NOT NEW.category
        BEGIN {_sqlite_add('OLD', '- 1')} {_sqlite_add('NEW', '+ 1')} END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER ticket_tally_update",
    "DROP TRIGGER ticket_tally_delete",
    "DROP TRIGGER ticket_tally_insert",
]

FILL = """
    INSERT INTO ticket_tally (estate_id, status, category, tickets)
    SELECT estate_id, status, category, count(*) FROM ticket GROUP BY estate_id, status, category
"""


HANDLING = "status IN ('submitted', 'accepted', 'assigned', 'in_progress')"
DEADLINE = "CASE WHEN status = 'submitted' THEN accept_due_at ELSE reply_due_at END"
# What an arm filters on beyond its keys, so that its scan never reads the table.
INCLUDE = [
    'status', 'estate_id', 'community_id', 'township_id', 'county_id', 'assignee_id',
    'accept_due_at', 'reply_due_at',
]
# The work list's arms, each read in deadline order (queries.list_work): name, keys.
WORK_INDEXES = [
    ('ix_ticket_work_assignee', ['assignee_id']),
    ('ix_ticket_work_estate', ['estate_id', 'escalation_level']),
    ('ix_ticket_work_community', ['community_id', 'escalation_level']),
    ('ix_ticket_work_township', ['township_id', 'escalation_level']),
    ('ix_ticket_work_county', ['county_id', 'escalation_level']),
]


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    # No foreign key to estate: a tally row is only a figure, and one left at 0 must not keep
    # an estate from being deleted.
    op.create_table(
        'ticket_tally',
        sa.Column('estate_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('category', sa.String(length=16), nullable=False),
        sa.Column('tickets', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('estate_id', 'status', 'category', name=op.f('pk_ticket_tally')),
    )
    if _postgresql():
        # Writers wait while the tally is filled and the triggers created, so none is missed.
        op.execute("LOCK TABLE ticket IN SHARE ROW EXCLUSIVE MODE")
    for statement in PG_UP if _postgresql() else SQLITE_UP:
        op.execute(statement)
    op.execute(FILL)
    # The deadline running now, computed by the database: stored on PostgreSQL (the table is
    # rewritten once), virtual on SQLite, whose ALTER TABLE cannot add a stored column.
    op.add_column(
        'ticket',
        sa.Column(
            'deadline_at',
            sa.DateTime(timezone=True),
            sa.Computed(DEADLINE, persisted=_postgresql()),
            nullable=False,
        ),
    )
    for name, keys in WORK_INDEXES:
        op.create_index(
            name,
            'ticket',
            [*keys, 'deadline_at', 'id'],
            postgresql_where=sa.text(HANDLING),
            sqlite_where=sa.text(HANDLING),
            postgresql_include=[column for column in INCLUDE if column not in keys],
        )


def downgrade():
    for name, _keys in WORK_INDEXES:
        op.drop_index(name, table_name='ticket')
    op.drop_column('ticket', 'deadline_at')
    for statement in PG_DOWN if _postgresql() else SQLITE_DOWN:
        op.execute(statement)
    op.drop_table('ticket_tally')
