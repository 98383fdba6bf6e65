"""survey profiles

Revision ID: a7e3c91d5b20
Revises: 9c42f88b2307
Create Date: 2026-12-01 19:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7e3c91d5b20"
down_revision = "9c42f88b2307"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sme_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("advisor_id", sa.Integer(), nullable=True),
        sa.Column("client_name", sa.String(length=200), nullable=True),
        sa.Column("visitor_key", sa.String(length=64), nullable=True),
        sa.Column("industry_section", sa.String(length=1), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["advisor_id"],
            ["users.id"],
            name=op.f("fk_sme_profiles_advisor_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_sme_profiles_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sme_profiles")),
        sa.UniqueConstraint("visitor_key", name=op.f("uq_sme_profiles_visitor_key")),
    )
    with op.batch_alter_table("sme_profiles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sme_profiles_advisor_id"), ["advisor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sme_profiles_industry_section"), ["industry_section"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sme_profiles_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "sme_profile_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_sme_profile_versions_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["sme_profiles.id"],
            name=op.f("fk_sme_profile_versions_profile_id_sme_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sme_profile_versions")),
        sa.UniqueConstraint("profile_id", "number", name="uq_sme_profile_version"),
    )
    op.create_table(
        "survey_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=True),
        sa.Column("client_name", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["sme_profiles.id"],
            name=op.f("fk_survey_drafts_profile_id_sme_profiles"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_drafts")),
        sa.UniqueConstraint("key", name=op.f("uq_survey_drafts_key")),
    )


def downgrade():
    op.drop_table("survey_drafts")
    op.drop_table("sme_profile_versions")
    with op.batch_alter_table("sme_profiles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sme_profiles_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_sme_profiles_industry_section"))
        batch_op.drop_index(batch_op.f("ix_sme_profiles_advisor_id"))

    op.drop_table("sme_profiles")
