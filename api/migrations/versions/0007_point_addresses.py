"""Collection points carry an address and an access note for crews (route sheets, phones).

Revision ID: 0007_point_addresses
Revises: 0006_comparison_heartbeats
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_point_addresses"
down_revision = "0006_comparison_heartbeats"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # With a server default: SQLite adds the columns without rebuilding the table.
    op.add_column(
        "collection_points",
        sa.Column("address", sa.String(300), nullable=False, server_default=""),
    )
    op.add_column(
        "collection_points", sa.Column("note", sa.Text(), nullable=False, server_default="")
    )


def downgrade() -> None:
    # Plain DROP COLUMN (PostgreSQL; SQLite since 3.35): no rebuild of the spatial table.
    for column in ("note", "address"):
        op.execute(f"ALTER TABLE collection_points DROP COLUMN {column}")
