"""ORM models (SQLAlchemy 2, geoalchemy2; geometries in SRID 4326).

The rows of a district mirror the records of :class:`routing.problem.Problem`; ``code`` is the
record's id in the routing model (unique within its district), ``id`` the database key. Vehicles
refer to their type and depot by code, as the problem file does; the repositories check those
references before anything is written. These models are never API schemas (see ``api/schemas``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from geoalchemy2 import Geometry
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SRID = 4326

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    """Base of every model; constraint names are fixed so migrations name them alike."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


#: Table options of rows whose ids reach people or caches (tokens, plan and job ids): SQLite
#: hands out a deleted row's id again unless the table is AUTOINCREMENT; PostgreSQL never does.
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}
#: A job that will publish its day's plan when it succeeds.
PUBLISHING_JOB = "publish AND status IN ('queued', 'running')"


class District(Base):
    """A district: the records of one problem, its rule parameters and travel speeds."""

    __tablename__ = "districts"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    rules: Mapped[dict[str, Any]] = mapped_column(default=dict)
    travel_speeds: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: The OSM extract the district plans on (a path on the server), or None: straight lines.
    road_osm: Mapped[str | None] = mapped_column(String(1000), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class _DistrictRecord:
    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(
        ForeignKey("districts.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200), default="")


class CollectionPointRow(_DistrictRecord, Base):
    """A collection point (垃圾收集点)."""

    __tablename__ = "collection_points"
    __table_args__ = (UniqueConstraint("district_id", "code"),)

    geom: Mapped[Any] = mapped_column(Geometry("POINT", srid=SRID, spatial_index=True))
    stream: Mapped[str] = mapped_column(String(32), index=True)
    kg_per_day: Mapped[int] = mapped_column(Integer)
    litres_per_day: Mapped[int] = mapped_column(Integer)
    service_s: Mapped[int] = mapped_column(Integer)
    time_windows: Mapped[list[Any]] = mapped_column()
    visits_per_day: Mapped[int] = mapped_column(Integer, default=1)
    max_size_class: Mapped[str] = mapped_column(String(16), default="heavy")
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    note: Mapped[str] = mapped_column(Text, default="", server_default="")


class DepotRow(_DistrictRecord, Base):
    """A depot where shifts start and end."""

    __tablename__ = "depots"
    __table_args__ = (UniqueConstraint("district_id", "code"),)

    geom: Mapped[Any] = mapped_column(Geometry("POINT", srid=SRID, spatial_index=True))


class FacilityRow(_DistrictRecord, Base):
    """A transfer station, landfill or treatment plant."""

    __tablename__ = "facilities"
    __table_args__ = (UniqueConstraint("district_id", "code"),)

    geom: Mapped[Any] = mapped_column(Geometry("POINT", srid=SRID, spatial_index=True))
    kind: Mapped[str] = mapped_column(String(32))
    accepts: Mapped[list[Any]] = mapped_column()
    opening: Mapped[list[Any]] = mapped_column()
    tipping_s: Mapped[int] = mapped_column(Integer)
    daily_capacity_kg: Mapped[int] = mapped_column(Integer)
    storage_kg: Mapped[int] = mapped_column(Integer, default=0)
    container_kg: Mapped[int] = mapped_column(Integer, default=0)
    initial_storage_kg: Mapped[int] = mapped_column(Integer, default=0)


class VehicleTypeRow(Base):
    """A kind of truck."""

    __tablename__ = "vehicle_types"
    __table_args__ = (UniqueConstraint("district_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(
        ForeignKey("districts.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(String(32))
    sealed: Mapped[bool] = mapped_column(Boolean)
    capacity_kg: Mapped[int] = mapped_column(Integer)
    capacity_l: Mapped[int] = mapped_column(Integer)
    size_class: Mapped[str] = mapped_column(String(16))
    cost_per_km_fen: Mapped[int] = mapped_column(Integer)
    cost_per_hour_fen: Mapped[int] = mapped_column(Integer)
    fuel_ml_per_km: Mapped[int] = mapped_column(Integer)
    profile: Mapped[str] = mapped_column(String(100))


class VehicleRow(_DistrictRecord, Base):
    """One truck; ``type_code`` and ``depot_code`` name records of the same district."""

    __tablename__ = "vehicles"
    __table_args__ = (UniqueConstraint("district_id", "code"),)

    type_code: Mapped[str] = mapped_column(String(100))
    depot_code: Mapped[str] = mapped_column(String(100))


class CrewRow(_DistrictRecord, Base):
    """A crew that works one shift a day at most."""

    __tablename__ = "crews"
    __table_args__ = (UniqueConstraint("district_id", "code"),)

    max_work_s: Mapped[int] = mapped_column(Integer)
    break_s: Mapped[int] = mapped_column(Integer)
    break_after_s: Mapped[int] = mapped_column(Integer)
    available: Mapped[str] = mapped_column(String(32))


class ShiftRow(Base):
    """One of the day's shifts."""

    __tablename__ = "shifts"
    __table_args__ = (UniqueConstraint("district_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(
        ForeignKey("districts.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(100))
    start_s: Mapped[int] = mapped_column(Integer)
    end_s: Mapped[int] = mapped_column(Integer)


class ZoneRow(_DistrictRecord, Base):
    """A restricted zone (polygon)."""

    __tablename__ = "zones"
    __table_args__ = (UniqueConstraint("district_id", "code"),)

    geom: Mapped[Any] = mapped_column(Geometry("POLYGON", srid=SRID, spatial_index=True))
    allowed_size_classes: Mapped[list[Any]] = mapped_column()
    open_windows: Mapped[list[Any]] = mapped_column()


class UserRow(Base):
    """Someone who signs in; a driver is bound to one crew.

    ``token_version`` is carried by every token issued to the user; bumping it (sign-out, a new
    password or role) refuses every token issued before.
    """

    __tablename__ = "users"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(16))
    crew_id: Mapped[int | None] = mapped_column(
        ForeignKey("crews.id", ondelete="SET NULL"), nullable=True
    )
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PlanJobRow(Base):
    """A request to plan a district-day, and how far it has got.

    ``status``: queued, running, succeeded, failed or cancelled. ``heartbeat_at`` is renewed by
    the worker while it solves; a running job whose heartbeat stops has lost its worker.
    """

    __tablename__ = "plan_jobs"
    __table_args__ = (
        # One job at a time may be on its way to publishing a district-day.
        Index(
            "uq_plan_jobs_publishing_day",
            "district_id",
            "plan_date",
            unique=True,
            postgresql_where=text(PUBLISHING_JOB),
            sqlite_where=text(PUBLISHING_JOB),
        ),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(
        ForeignKey("districts.id", ondelete="CASCADE"), index=True
    )
    plan_date: Mapped[dt.date] = mapped_column(Date)
    time_limit_s: Mapped[float] = mapped_column(Float)
    seed: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True, default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    best_cost_fen: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    publish: Mapped[bool] = mapped_column(Boolean, default=False)
    worker: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    plan_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: A what-if planned instead of the current data: ``{"name", "description", "changes"}``.
    scenario: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    #: A collection calendar planned from ``plan_date`` on (the calendar file's contents); its
    #: days' plans are stored as the versions of their dates.
    calendar: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    #: A calendar job's result: patterns, each day's plan and figures, residents' pages.
    calendar_result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class PlanRow(Base):
    """One version of a district-day's plan, with the problem it was made for.

    At most one version of a district-day is published (a partial unique index).
    """

    __tablename__ = "plans"
    __table_args__ = (
        UniqueConstraint("district_id", "plan_date", "version"),
        Index(
            "uq_plans_published_day",
            "district_id",
            "plan_date",
            unique=True,
            postgresql_where=text("published"),
            sqlite_where=text("published"),
        ),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(
        ForeignKey("districts.id", ondelete="CASCADE"), index=True
    )
    plan_date: Mapped[dt.date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer)
    job_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_jobs.id", ondelete="SET NULL"), nullable=True
    )
    problem: Mapped[dict[str, Any]] = mapped_column()
    plan: Mapped[dict[str, Any]] = mapped_column()
    validation: Mapped[dict[str, Any]] = mapped_column()
    kpis: Mapped[dict[str, Any]] = mapped_column()
    cost_fen: Mapped[int] = mapped_column(Integer)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StopStatusRow(Base):
    """What a crew reported for one visit of a published plan: done, or skipped with a reason."""

    __tablename__ = "stop_statuses"
    __table_args__ = (UniqueConstraint("plan_id", "point_code", "visit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    point_code: Mapped[str] = mapped_column(String(100))
    visit: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )


class DispatchChangeRow(Base):
    """A change a dispatcher made to a day's plan (urgent pickup, breakdown, re-optimisation,
    crews' feedback): the version it changed, the version it made, what was asked and what moved.
    """

    __tablename__ = "dispatch_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(
        ForeignKey("districts.id", ondelete="CASCADE"), index=True
    )
    plan_date: Mapped[dt.date] = mapped_column(Date)
    operation: Mapped[str] = mapped_column(String(32))
    base_plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("plans.id", ondelete="SET NULL"), nullable=True
    )
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("plans.id", ondelete="SET NULL"), nullable=True
    )
    request: Mapped[dict[str, Any]] = mapped_column()
    summary: Mapped[dict[str, Any]] = mapped_column()
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
