"""Initial schema: districts and their records, users, plan jobs, plans, stop statuses.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "districts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("travel_speeds", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_districts")),
        sa.UniqueConstraint("name", name=op.f("uq_districts_name")),
    )
    op.create_geospatial_table(
        "collection_points",
        sa.Column(
            "geom",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("stream", sa.String(length=32), nullable=False),
        sa.Column("kg_per_day", sa.Integer(), nullable=False),
        sa.Column("litres_per_day", sa.Integer(), nullable=False),
        sa.Column("service_s", sa.Integer(), nullable=False),
        sa.Column("time_windows", sa.JSON(), nullable=False),
        sa.Column("visits_per_day", sa.Integer(), nullable=False),
        sa.Column("max_size_class", sa.String(length=16), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_collection_points_district_id_districts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection_points")),
        sa.UniqueConstraint("district_id", "code", name=op.f("uq_collection_points_district_id")),
    )
    with op.batch_alter_table("collection_points", schema=None) as batch_op:
        batch_op.create_geospatial_index(
            "idx_collection_points_geom",
            ["geom"],
            unique=False,
            postgresql_using="gist",
            postgresql_ops={},
        )
        batch_op.create_index(
            batch_op.f("ix_collection_points_district_id"), ["district_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_collection_points_stream"), ["stream"], unique=False)

    op.create_table(
        "crews",
        sa.Column("max_work_s", sa.Integer(), nullable=False),
        sa.Column("break_s", sa.Integer(), nullable=False),
        sa.Column("break_after_s", sa.Integer(), nullable=False),
        sa.Column("available", sa.String(length=32), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_crews_district_id_districts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crews")),
        sa.UniqueConstraint("district_id", "code", name=op.f("uq_crews_district_id")),
    )
    with op.batch_alter_table("crews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_crews_district_id"), ["district_id"], unique=False)

    op.create_geospatial_table(
        "depots",
        sa.Column(
            "geom",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_depots_district_id_districts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_depots")),
        sa.UniqueConstraint("district_id", "code", name=op.f("uq_depots_district_id")),
    )
    with op.batch_alter_table("depots", schema=None) as batch_op:
        batch_op.create_geospatial_index(
            "idx_depots_geom", ["geom"], unique=False, postgresql_using="gist", postgresql_ops={}
        )
        batch_op.create_index(batch_op.f("ix_depots_district_id"), ["district_id"], unique=False)

    op.create_geospatial_table(
        "facilities",
        sa.Column(
            "geom",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("accepts", sa.JSON(), nullable=False),
        sa.Column("opening", sa.JSON(), nullable=False),
        sa.Column("tipping_s", sa.Integer(), nullable=False),
        sa.Column("daily_capacity_kg", sa.Integer(), nullable=False),
        sa.Column("storage_kg", sa.Integer(), nullable=False),
        sa.Column("container_kg", sa.Integer(), nullable=False),
        sa.Column("initial_storage_kg", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_facilities_district_id_districts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facilities")),
        sa.UniqueConstraint("district_id", "code", name=op.f("uq_facilities_district_id")),
    )
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.create_geospatial_index(
            "idx_facilities_geom",
            ["geom"],
            unique=False,
            postgresql_using="gist",
            postgresql_ops={},
        )
        batch_op.create_index(
            batch_op.f("ix_facilities_district_id"), ["district_id"], unique=False
        )

    op.create_table(
        "shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("start_s", sa.Integer(), nullable=False),
        sa.Column("end_s", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_shifts_district_id_districts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shifts")),
        sa.UniqueConstraint("district_id", "code", name=op.f("uq_shifts_district_id")),
    )
    with op.batch_alter_table("shifts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shifts_district_id"), ["district_id"], unique=False)

    op.create_table(
        "vehicle_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("body", sa.String(length=32), nullable=False),
        sa.Column("sealed", sa.Boolean(), nullable=False),
        sa.Column("capacity_kg", sa.Integer(), nullable=False),
        sa.Column("capacity_l", sa.Integer(), nullable=False),
        sa.Column("size_class", sa.String(length=16), nullable=False),
        sa.Column("cost_per_km_fen", sa.Integer(), nullable=False),
        sa.Column("cost_per_hour_fen", sa.Integer(), nullable=False),
        sa.Column("fuel_ml_per_km", sa.Integer(), nullable=False),
        sa.Column("profile", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_vehicle_types_district_id_districts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicle_types")),
        sa.UniqueConstraint("district_id", "code", name=op.f("uq_vehicle_types_district_id")),
    )
    with op.batch_alter_table("vehicle_types", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vehicle_types_district_id"), ["district_id"], unique=False
        )

    op.create_table(
        "vehicles",
        sa.Column("type_code", sa.String(length=100), nullable=False),
        sa.Column("depot_code", sa.String(length=100), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_vehicles_district_id_districts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicles")),
        sa.UniqueConstraint("district_id", "code", name=op.f("uq_vehicles_district_id")),
    )
    with op.batch_alter_table("vehicles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vehicles_district_id"), ["district_id"], unique=False)

    op.create_geospatial_table(
        "zones",
        sa.Column(
            "geom",
            Geometry(
                geometry_type="POLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("allowed_size_classes", sa.JSON(), nullable=False),
        sa.Column("open_windows", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_zones_district_id_districts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zones")),
        sa.UniqueConstraint("district_id", "code", name=op.f("uq_zones_district_id")),
    )
    with op.batch_alter_table("zones", schema=None) as batch_op:
        batch_op.create_geospatial_index(
            "idx_zones_geom", ["geom"], unique=False, postgresql_using="gist", postgresql_ops={}
        )
        batch_op.create_index(batch_op.f("ix_zones_district_id"), ["district_id"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("crew_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["crew_id"], ["crews.id"], name=op.f("fk_users_crew_id_crews"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "plan_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("plan_date", sa.Date(), nullable=False),
        sa.Column("time_limit_s", sa.Float(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("best_cost_fen", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("publish", sa.Boolean(), nullable=False),
        sa.Column("worker", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_plan_jobs_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_plan_jobs_district_id_districts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_jobs")),
    )
    with op.batch_alter_table("plan_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_jobs_district_id"), ["district_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_jobs_status"), ["status"], unique=False)

    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("plan_date", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("problem", sa.JSON(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("validation", sa.JSON(), nullable=False),
        sa.Column("kpis", sa.JSON(), nullable=False),
        sa.Column("cost_fen", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"],
            ["districts.id"],
            name=op.f("fk_plans_district_id_districts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["plan_jobs.id"],
            name=op.f("fk_plans_job_id_plan_jobs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
        sa.UniqueConstraint(
            "district_id", "plan_date", "version", name=op.f("uq_plans_district_id")
        ),
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_district_id"), ["district_id"], unique=False)
        batch_op.create_index(
            "uq_plans_published_day",
            ["district_id", "plan_date"],
            unique=True,
            postgresql_where=sa.text("published"),
            sqlite_where=sa.text("published"),
        )

    op.create_table(
        "stop_statuses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("point_code", sa.String(length=100), nullable=False),
        sa.Column("visit", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_stop_statuses_plan_id_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["users.id"],
            name=op.f("fk_stop_statuses_recorded_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stop_statuses")),
        sa.UniqueConstraint(
            "plan_id", "point_code", "visit", name=op.f("uq_stop_statuses_plan_id")
        ),
    )
    with op.batch_alter_table("stop_statuses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stop_statuses_plan_id"), ["plan_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stop_statuses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stop_statuses_plan_id"))

    op.drop_table("stop_statuses")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_plans_published_day",
            postgresql_where=sa.text("published"),
            sqlite_where=sa.text("published"),
        )
        batch_op.drop_index(batch_op.f("ix_plans_district_id"))

    op.drop_table("plans")
    with op.batch_alter_table("plan_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_jobs_status"))
        batch_op.drop_index(batch_op.f("ix_plan_jobs_district_id"))

    op.drop_table("plan_jobs")
    op.drop_table("users")
    with op.batch_alter_table("zones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_zones_district_id"))
        batch_op.drop_geospatial_index(
            "idx_zones_geom", postgresql_using="gist", column_name="geom"
        )

    op.drop_geospatial_table("zones")
    with op.batch_alter_table("vehicles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vehicles_district_id"))

    op.drop_table("vehicles")
    with op.batch_alter_table("vehicle_types", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vehicle_types_district_id"))

    op.drop_table("vehicle_types")
    with op.batch_alter_table("shifts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shifts_district_id"))

    op.drop_table("shifts")
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilities_district_id"))
        batch_op.drop_geospatial_index(
            "idx_facilities_geom", postgresql_using="gist", column_name="geom"
        )

    op.drop_geospatial_table("facilities")
    with op.batch_alter_table("depots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_depots_district_id"))
        batch_op.drop_geospatial_index(
            "idx_depots_geom", postgresql_using="gist", column_name="geom"
        )

    op.drop_geospatial_table("depots")
    with op.batch_alter_table("crews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crews_district_id"))

    op.drop_table("crews")
    with op.batch_alter_table("collection_points", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_collection_points_stream"))
        batch_op.drop_index(batch_op.f("ix_collection_points_district_id"))
        batch_op.drop_geospatial_index(
            "idx_collection_points_geom", postgresql_using="gist", column_name="geom"
        )

    op.drop_geospatial_table("collection_points")
    op.drop_table("districts")
