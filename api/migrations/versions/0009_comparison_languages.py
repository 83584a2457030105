"""A scenario comparison keeps its page in English too (``html`` holds the Chinese one).

Revision ID: 0009_comparison_languages
Revises: 0008_district_roads
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_comparison_languages"
down_revision = "0008_district_roads"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # With a server default: SQLite adds the column without rebuilding the table; comparisons
    # made before have no English page (the report route falls back to the Chinese one).
    op.add_column(
        "scenario_comparisons",
        sa.Column("html_en", sa.Text(), nullable=False, server_default=""),
    )


def downgrade() -> None:
    # Plain DROP COLUMN (PostgreSQL; SQLite since 3.35): no rebuild of the table.
    op.execute("ALTER TABLE scenario_comparisons DROP COLUMN html_en")
