"""Schemas of the dispatch endpoints: urgent pickups, breakdowns, locks, crews' feedback."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.fields import Amount, ClockText, Code, Finite, SizeName
from api.schemas.plans import PlanVersion

StreamName = Literal["residual", "kitchen", "recyclable", "bulky", "night_soil", "special"]
TimeLimit = Annotated[Finite, Field(gt=0, le=120)]
Seed = Annotated[int, Field(ge=0, le=2**31 - 1)]
Rounds = Annotated[int, Field(ge=1, le=20)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UrgentPickup(_Body):
    """A pickup to add to the published plan: at an existing point, or at ``lon``/``lat``."""

    id: Code = Field(description="id of the new pickup point (not used by any record)")
    stream: StreamName
    kg: Amount
    litres: Amount = 0
    deadline: ClockText = Field(description="service done by then (HH:MM)")
    at_point: Code | None = Field(default=None, description="an existing point or facility")
    lon: Annotated[Finite, Field(ge=-180, le=180)] | None = None
    lat: Annotated[Finite, Field(ge=-90, le=90)] | None = None
    earliest: ClockText | None = Field(default=None, description="not before (default: now)")
    service_s: Annotated[int, Field(ge=0, le=7200)] = 300
    max_size_class: SizeName | None = None
    now: ClockText | None = Field(
        default=None, description="the request's time: stops reached by then stay as they are"
    )
    slots: Annotated[int, Field(ge=1, le=20)] = 5


class UrgentApply(UrgentPickup):
    """An urgent pickup put in one slot of the ranking (by rank, or by its place)."""

    rank: Annotated[int, Field(ge=1, le=20)] | None = Field(
        default=1, description="the slot's rank in the ranking of the same request"
    )
    vehicle: Code | None = Field(default=None, description="with shift, trip, stop: a place")
    shift: Code | None = None
    trip: Annotated[int, Field(ge=1, le=1000)] | None = None
    stop: Annotated[int, Field(ge=1, le=10_000)] | None = None
    new_trip: bool = False
    publish: bool = Field(default=True, description="publish the new version at once")


class SlotPublic(BaseModel):
    """A place for the urgent pickup and what it adds."""

    rank: int
    vehicle: str
    shift: str
    crew: str
    trip: int
    stop: int
    new_trip: bool
    added_cost_yuan: float
    eta: str
    eta_s: int
    retimed: int


class SlotsPublic(BaseModel):
    """The slots for an urgent pickup, cheapest first, or why there are none."""

    point: str | None
    slots: list[SlotPublic]
    reasons: list[str]
    seconds: float


class _Replan(_Body):
    """How long a re-plan may search, and whether its version is published at once."""

    time_limit_s: TimeLimit = 10.0
    seed: Seed = 0
    rounds: Rounds = 2
    publish: bool = True


class BreakdownReport(_Replan):
    """A vehicle out of service from ``at`` (until ``until``, default: the rest of the day)."""

    vehicle: Code
    at: ClockText
    until: ClockText | None = None
    time_limit_s: TimeLimit = 20.0


class RouteLock(_Body):
    """A route: a vehicle in a shift."""

    vehicle: Code
    shift: Code


class TripLock(RouteLock):
    """A trip of a route, numbered from 1."""

    trip: Annotated[int, Field(ge=1, le=1000)]


class VisitLock(_Body):
    """A visit of a point, numbered from 0."""

    point: Code
    visit: Annotated[int, Field(ge=0, le=2)] = 0


class Reoptimise(_Replan):
    """Keep what is locked, done (crews' reports) or past (``now``); re-plan the rest."""

    vehicles: list[Code] = []
    routes: list[RouteLock] = []
    trips: list[TripLock] = []
    visits: list[VisitLock] = []
    now: ClockText | None = None
    rounds: Rounds = 3


class Feedback(_Replan):
    """Take the crews' reports on the plan in: skipped visits go to later shifts."""

    now: ClockText | None = None


class DispatchChangePublic(BaseModel):
    """A recorded change: the version it changed and the one it made, the request, the summary
    (cost before and after, visits moved, retimed, added, dropped, crews affected)."""

    id: int
    district_id: int
    date: dt.date
    operation: str
    base_plan_id: int | None
    plan_id: int | None
    request: dict[str, Any]
    summary: dict[str, Any]
    created_by: int | None
    created_at: dt.datetime


class DispatchChangePage(BaseModel):
    """A page of recorded changes."""

    items: list[DispatchChangePublic]
    total: int
    offset: int
    limit: int


class DispatchOutcome(BaseModel):
    """The change recorded and the plan version it made."""

    change: DispatchChangePublic
    plan: PlanVersion
