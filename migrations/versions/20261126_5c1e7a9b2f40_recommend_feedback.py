"""recommend feedback

Revision ID: 5c1e7a9b2f40
Revises: d186407a5003
Create Date: 2026-11-26 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c1e7a9b2f40"
down_revision = "d186407a5003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "recommend_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_kind", sa.String(length=10), nullable=False),
        sa.Column("actor_id", sa.String(length=80), nullable=True),
        sa.Column("item_kind", sa.String(length=10), nullable=False),
        sa.Column("item_slug", sa.String(length=80), nullable=False),
        sa.Column("signal", sa.String(length=10), nullable=False),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommend_feedback")),
    )
    with op.batch_alter_table("recommend_feedback", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recommend_feedback_item_slug"), ["item_slug"], unique=False
        )


def downgrade():
    with op.batch_alter_table("recommend_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recommend_feedback_item_slug"))
    op.drop_table("recommend_feedback")
