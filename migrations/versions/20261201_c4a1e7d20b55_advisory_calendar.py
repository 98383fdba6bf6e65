"""advisory calendar: reminders sent, planned contract dates, contract-after-grant rule

Revision ID: c4a1e7d20b55
Revises: b7d41c2e9a63
Create Date: 2026-12-01 23:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c4a1e7d20b55"
down_revision = "b7d41c2e9a63"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "advisory_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("advisor_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["advisor_id"],
            ["users.id"],
            name=op.f("fk_advisory_reminders_advisor_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["advisory_set_items.id"],
            name=op.f("fk_advisory_reminders_item_id_advisory_set_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advisory_reminders")),
        sa.UniqueConstraint(
            "advisor_id", "item_id", "kind", "due_on", name="advisory_reminder_once"
        ),
    )
    with op.batch_alter_table("advisory_reminders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_advisory_reminders_item_id"), ["item_id"], unique=False
        )
    with op.batch_alter_table("advisory_set_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contract_planned_on", sa.Date(), nullable=True))
    with op.batch_alter_table("subsidies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "contract_after_grant", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )


def downgrade():
    with op.batch_alter_table("subsidies", schema=None) as batch_op:
        batch_op.drop_column("contract_after_grant")
    with op.batch_alter_table("advisory_set_items", schema=None) as batch_op:
        batch_op.drop_column("contract_planned_on")
    with op.batch_alter_table("advisory_reminders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_advisory_reminders_item_id"))
    op.drop_table("advisory_reminders")
