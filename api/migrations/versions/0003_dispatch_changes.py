"""Dispatch changes: what a dispatcher changed in a day's plan, and the version it made.

Revision ID: 0003_dispatch_changes
Revises: 0002_scenario_comparisons
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_dispatch_changes"
down_revision = "0002_scenario_comparisons"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dispatch_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("plan_date", sa.Date(), nullable=False),
        sa.Column("operation", sa.String(length=32), nullable=False),
        sa.Column("base_plan_id", sa.Integer(), nullable=True),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_dispatch_changes_district_id_districts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["base_plan_id"],
            ["plans.id"],
            name=op.f("fk_dispatch_changes_base_plan_id_plans"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_dispatch_changes_plan_id_plans"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_dispatch_changes_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatch_changes")),
    )
    with op.batch_alter_table("dispatch_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dispatch_changes_district_id"), ["district_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("dispatch_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispatch_changes_district_id"))
    op.drop_table("dispatch_changes")
