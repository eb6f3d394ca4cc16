"""outbox messages by topic and subject: who a subject was already sent to

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 05:45:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_outbox_message_topic_subject', 'outbox_message', ['topic', 'subject_id']
    )


def downgrade():
    op.drop_index('ix_outbox_message_topic_subject', table_name='outbox_message')
