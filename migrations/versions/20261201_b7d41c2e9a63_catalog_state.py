"""catalog state: the token cached pages are keyed by

Revision ID: b7d41c2e9a63
Revises: f3594f1aec85
Create Date: 2026-12-01 22:05:00.000000

"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7d41c2e9a63"
down_revision = "518d6a2d91e0"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "catalog_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_state")),
    )
    # A token of its own per database: pages of an existing catalog are cacheable at once.
    op.bulk_insert(table, [{"id": 1, "token": secrets.token_hex(16)}])


def downgrade():
    op.drop_table("catalog_state")
