"""Schemas of plan jobs, plan versions and drivers' assignments."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.fields import Code, Finite, Line
from api.schemas.scenarios import ScenarioIn

JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class PlanRequest(BaseModel):
    """Plan a district's day."""

    model_config = ConfigDict(extra="forbid")

    date: dt.date
    time_limit_s: Annotated[Finite, Field(gt=0, le=3600)] = 60.0
    seed: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0
    publish: bool = Field(default=False, description="publish the plan when the job succeeds")
    scenario: ScenarioIn | None = Field(
        default=None,
        description="plan this what-if (the current data with these changes) instead of the "
        "current data; the changes are checked when the job is requested",
    )


class JobPublic(BaseModel):
    """A plan job: status, progress (0–1) and the best cost so far in fen."""

    id: int
    district_id: int
    date: dt.date
    time_limit_s: float
    seed: int
    publish: bool
    status: JobStatus
    progress: float
    best_cost_fen: int | None
    error: str
    attempts: int
    cancel_requested: bool
    retryable: bool
    plan_id: int | None
    scenario: str | None = Field(description="the what-if planned, or null for the current data")
    kind: Literal["day", "calendar"] = Field(
        default="day",
        description="a day's plan, or a collection calendar from ``date`` on (its days' plans "
        "are the versions of their dates; ``plan_id`` is the first day's)",
    )
    horizon_days: int | None = None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class CalendarRequest(BaseModel):
    """Plan a collection calendar: which days each point is served, from ``start_date`` on, and
    every day's routes (docs/problem-format.md, "Collection calendars")."""

    model_config = ConfigDict(extra="forbid")

    start_date: dt.date
    calendar: dict[str, Any] | str = Field(
        description="the calendar file's contents: an object (its JSON form) or TOML text"
    )
    time_limit_s: Annotated[Finite, Field(gt=0, le=3600)] = 300.0
    seed: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0
    publish: bool = Field(default=False, description="publish every day's plan on success")


class CalendarDay(BaseModel):
    """One day of a planned calendar: its plan version and figures."""

    date: dt.date
    weekday: int = Field(description="0 Monday … 6 Sunday")
    plan_id: int
    points: int
    vehicles: int
    routes: int
    working_h: float
    km: float
    cost_yuan: float
    unserved: int


class CalendarResult(BaseModel):
    """A calendar job's result: each point's pattern (cycle days) and every day's figures."""

    job_id: int
    horizon_days: int
    first_weekday: int
    patterns: dict[str, list[int]]
    days: list[CalendarDay]
    valid: bool
    violations: dict[str, int]
    stats: dict[str, Any]


class JobPage(BaseModel):
    """A page of jobs."""

    items: list[JobPublic]
    total: int
    offset: int
    limit: int


class PlanVersion(BaseModel):
    """One version of a district-day's plan, without its body."""

    id: int
    district_id: int
    date: dt.date
    version: int
    job_id: int | None
    published: bool
    published_at: dt.datetime | None
    created_at: dt.datetime
    cost_fen: int
    valid: bool
    violations: int
    unserved: int


class PlanVersionPage(BaseModel):
    """A page of plan versions."""

    items: list[PlanVersion]
    total: int
    offset: int
    limit: int


class PlanDocument(PlanVersion):
    """A plan version with its body in the plan file's form (docs/plan-format.md)."""

    plan: dict[str, Any]


class NavPublic(BaseModel):
    """Navigation links of a stop for the apps used in China, each with the position in the
    app's datum (Amap and Tencent GCJ-02, Baidu BD-09); ``in_china``: offer them first."""

    in_china: bool
    amap: str
    baidu: str
    tencent: str


class StopPublic(BaseModel):
    """A stop of a driver's route, in order."""

    seq: int
    kind: Literal["visit", "unload"]
    id: str
    name: str
    address: str = ""
    note: str = Field(default="", description="access note for the crew")
    stream: str
    visit: int | None
    eta: str
    eta_s: int
    departure: str
    departure_s: int
    kg: int
    lon: float
    lat: float
    geo_uri: str
    osm_url: str
    nav: NavPublic
    status: Literal["planned", "done", "skipped"]
    reason: str


class RouteAssignment(BaseModel):
    """One route of the crew: a vehicle in a shift."""

    shift: str
    shift_start: str
    shift_end: str
    vehicle: str
    vehicle_type: str
    depot: str
    start: str
    end: str
    trips: int
    stops: list[StopPublic]


class Assignment(BaseModel):
    """A driver's assignment for a day, from the published plan."""

    date: dt.date
    district_id: int
    plan_id: int
    version: int
    crew: str
    routes: list[RouteAssignment]
    geojson: dict[str, Any]


class StopReport(BaseModel):
    """A crew's report on one visit: done, or skipped with a reason; ``planned`` withdraws an
    earlier report of the day (undo)."""

    model_config = ConfigDict(extra="forbid")

    date: dt.date
    point_id: Code
    visit: Annotated[int, Field(ge=0, le=2)] = 0
    status: Literal["done", "skipped", "planned"] = Field(
        description="planned: withdraw an earlier report (undo)"
    )
    reason: Annotated[Line, Field(max_length=500)] = ""
    at: dt.datetime | None = Field(
        default=None, description="default: now; within the plan's day (any time zone)"
    )


class StopStatusPublic(BaseModel):
    """A stored stop report (``planned``: none is stored any more)."""

    plan_id: int
    point_id: str
    visit: int
    status: Literal["done", "skipped", "planned"]
    reason: str
    at: dt.datetime
