"""Plan jobs of a what-if: the scenario (name and changes) a job plans instead of the current data.

Revision ID: 0004_scenario_plan_jobs
Revises: 0003_dispatch_changes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_scenario_plan_jobs"
down_revision = "0003_dispatch_changes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A nullable column: SQLite adds it without rebuilding the table.
    op.add_column("plan_jobs", sa.Column("scenario", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_jobs") as batch:
        batch.drop_column("scenario")
