"""Plan jobs may plan a collection calendar (a horizon of days) and keep its result.

Revision ID: 0010_calendar_jobs
Revises: 0009_comparison_languages
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_calendar_jobs"
down_revision = "0009_comparison_languages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("plan_jobs", sa.Column("calendar", sa.JSON(), nullable=True))
    op.add_column("plan_jobs", sa.Column("calendar_result", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (PostgreSQL; SQLite since 3.35): no rebuild of the table.
    for column in ("calendar_result", "calendar"):
        op.execute(f"ALTER TABLE plan_jobs DROP COLUMN {column}")
