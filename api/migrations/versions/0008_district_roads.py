"""A district may plan on a road network: the OSM extract it names.

Revision ID: 0008_district_roads
Revises: 0007_point_addresses
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_district_roads"
down_revision = "0007_point_addresses"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("districts", sa.Column("road_osm", sa.String(1000), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (PostgreSQL; SQLite since 3.35): no rebuild of the table.
    op.execute("ALTER TABLE districts DROP COLUMN road_osm")
