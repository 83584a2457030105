"""Scenario comparisons run as plan jobs do: a heartbeat, attempts, and a cancel request.

A comparison that was running when this migration ran has no heartbeat yet; it gets its start
as its last beat, so that the reaper fails it (retryable) instead of leaving it running forever.

Revision ID: 0006_comparison_heartbeats
Revises: 0005_token_versions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_comparison_heartbeats"
down_revision = "0005_token_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Columns with a server default, or nullable: SQLite adds them without rebuilding the table.
    op.add_column(
        "scenario_comparisons",
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column(
        "scenario_comparisons",
        sa.Column("cancel_requested", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "scenario_comparisons",
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.execute(
        """UPDATE scenario_comparisons
           SET heartbeat_at = COALESCE(started_at, created_at), attempts = 1
           WHERE status = 'running'"""
    )
    op.execute(
        "UPDATE scenario_comparisons SET attempts = 1 WHERE status IN ('succeeded', 'failed')"
    )


def downgrade() -> None:
    # The states the old code knows: a cancelled comparison is a failed one there.
    op.execute(
        "UPDATE scenario_comparisons SET status = 'failed', error = 'cancelled' "
        "WHERE status = 'cancelled'"
    )
    with op.batch_alter_table("scenario_comparisons") as batch:
        batch.drop_column("heartbeat_at")
        batch.drop_column("cancel_requested")
        batch.drop_column("attempts")
