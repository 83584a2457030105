"""Scenario comparisons: planners' what-if jobs and their reports.

Revision ID: 0002_scenario_comparisons
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_scenario_comparisons"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scenario_comparisons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("worker", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_scenario_comparisons_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_scenario_comparisons_district_id_districts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scenario_comparisons")),
    )
    with op.batch_alter_table("scenario_comparisons", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scenario_comparisons_district_id"), ["district_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_scenario_comparisons_status"), ["status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("scenario_comparisons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scenario_comparisons_status"))
        batch_op.drop_index(batch_op.f("ix_scenario_comparisons_district_id"))
    op.drop_table("scenario_comparisons")
