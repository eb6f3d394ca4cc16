"""maintenance fund (公维金): fund, movements and allocations, repair projects with quotes,
sign-offs, documents, payments, ratings and events; a motion's building scope

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 14:30:00.000000

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade():
    with op.batch_alter_table("motion") as batch:
        batch.add_column(sa.Column("building_ids", sa.JSON(), nullable=True))

    op.create_table(
        "maintenance_fund",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("balance_fen", sa.BigInteger(), nullable=False),
        sa.Column("chain_length", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["estate_id"], ["estate.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("estate_id"),
    )
    op.create_table(
        "repair_project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("path", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("budget_fen", sa.BigInteger(), nullable=False),
        sa.Column("approved_budget_fen", sa.BigInteger(), nullable=True),
        sa.Column("paid_fen", sa.BigInteger(), nullable=False),
        sa.Column("choice_reason", sa.String(length=500), nullable=True),
        sa.Column("motion_id", sa.Integer(), nullable=True),
        sa.Column("approval_round", sa.Integer(), nullable=False),
        sa.Column("owners_notice_due_on", sa.Date(), nullable=True),
        sa.Column("owners_notice_id", sa.Integer(), nullable=True),
        sa.Column("owners_told_at", TZ, nullable=True),
        sa.Column("precheck_comment", sa.String(length=1000), nullable=True),
        sa.Column("prechecked_by_id", sa.Integer(), nullable=True),
        sa.Column("prechecked_at", TZ, nullable=True),
        sa.Column("acceptance_note", sa.String(length=1000), nullable=True),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.Column("accepted_at", TZ, nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("submitted_at", TZ, nullable=True),
        sa.Column("authorised_at", TZ, nullable=True),
        sa.Column("started_at", TZ, nullable=True),
        sa.Column("paid_at", TZ, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("budget_fen > 0", name="repair_budget_positive"),
        sa.ForeignKeyConstraint(["accepted_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["estate_id"], ["estate.id"]),
        sa.ForeignKeyConstraint(["motion_id"], ["motion.id"]),
        sa.ForeignKeyConstraint(["owners_notice_id"], ["notice.id"]),
        sa.ForeignKeyConstraint(["prechecked_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_repair_project_estate_created", "repair_project", ["estate_id", "created_at", "id"]
    )
    op.create_index("ix_repair_project_status", "repair_project", ["status"])
    op.create_index("ix_repair_project_motion_id", "repair_project", ["motion_id"])

    op.create_table(
        "fund_movement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("chain_seq", sa.Integer(), nullable=False),
        sa.Column("previous_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("amount_fen <> 0", name="fund_movement_not_zero"),
        sa.ForeignKeyConstraint(["building_id"], ["building.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["estate_id"], ["estate.id"]),
        sa.ForeignKeyConstraint(["fund_id"], ["maintenance_fund.id"]),
        sa.ForeignKeyConstraint(["project_id"], ["repair_project.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("fund_id", "chain_seq"),
    )
    op.create_index(
        "ix_fund_movement_estate_date", "fund_movement", ["estate_id", "occurred_on", "id"]
    )
    op.create_index("ix_fund_movement_project_id", "fund_movement", ["project_id"])

    op.create_table(
        "fund_allocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.Column("movement_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["building_id"], ["building.id"]),
        sa.ForeignKeyConstraint(["fund_id"], ["maintenance_fund.id"]),
        sa.ForeignKeyConstraint(["movement_id"], ["fund_movement.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("movement_id", "unit_id"),
    )
    op.create_index("ix_fund_allocation_fund_unit", "fund_allocation", ["fund_id", "unit_id"])

    op.create_table(
        "repair_project_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("area_dm2", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["building_id"], ["building.id"]),
        sa.ForeignKeyConstraint(["project_id"], ["repair_project.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "unit_id"),
    )
    op.create_index("ix_repair_project_unit_unit_id", "repair_project_unit", ["unit_id"])

    op.create_table(
        "repair_quote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("contractor", sa.String(length=100), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("is_chosen", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.CheckConstraint("amount_fen > 0", name="repair_quote_positive"),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["project_id"], ["repair_project.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_repair_quote_project_id", "repair_quote", ["project_id"])

    op.create_table(
        "emergency_sign_off",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("approval_round", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("signed_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["repair_project.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "approval_round", "kind"),
    )
    op.create_index("ix_emergency_sign_off_project_id", "emergency_sign_off", ["project_id"])

    op.create_table(
        "repair_payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("payee", sa.String(length=100), nullable=False),
        sa.Column("movement_id", sa.Integer(), nullable=False),
        sa.Column("overdraft_reason", sa.String(length=500), nullable=True),
        sa.Column("overdraft_by_id", sa.Integer(), nullable=True),
        sa.Column("overdraft_units", sa.JSON(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.CheckConstraint("amount_fen > 0", name="repair_payment_positive"),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["estate_id"], ["estate.id"]),
        sa.ForeignKeyConstraint(["movement_id"], ["fund_movement.id"]),
        sa.ForeignKeyConstraint(["overdraft_by_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["project_id"], ["repair_project.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("movement_id"),
    )
    op.create_index("ix_repair_payment_project_id", "repair_payment", ["project_id"])
    op.create_index("ix_repair_payment_estate_id", "repair_payment", ["estate_id"])

    op.create_table(
        "repair_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("caption", sa.String(length=200), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["estate_id"], ["estate.id"]),
        sa.ForeignKeyConstraint(["payment_id"], ["repair_payment.id"]),
        sa.ForeignKeyConstraint(["project_id"], ["repair_project.id"]),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_repair_document_project", "repair_document", ["project_id", "kind", "id"])
    op.create_index("ix_repair_document_estate_id", "repair_document", ["estate_id"])
    op.create_index("ix_repair_document_payment_id", "repair_document", ["payment_id"])

    op.create_table(
        "repair_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(length=500), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.CheckConstraint("score between 1 and 5", name="repair_rating_score"),
        sa.ForeignKeyConstraint(["project_id"], ["repair_project.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "user_id", name="uq_repair_rating_owner"),
    )
    op.create_index("ix_repair_rating_project_id", "repair_rating", ["project_id"])

    op.create_table(
        "repair_project_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("actor_role", sa.String(length=32), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["estate_id"], ["estate.id"]),
        sa.ForeignKeyConstraint(["project_id"], ["repair_project.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_repair_project_event_project", "repair_project_event", ["project_id", "id"])


def downgrade():
    for table in (
        "repair_project_event",
        "repair_rating",
        "repair_document",
        "repair_payment",
        "emergency_sign_off",
        "repair_quote",
        "repair_project_unit",
        "fund_allocation",
        "fund_movement",
        "repair_project",
        "maintenance_fund",
    ):
        op.drop_table(table)
    with op.batch_alter_table("motion") as batch:
        batch.drop_column("building_ids")
