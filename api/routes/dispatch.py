"""Dispatching a live day: urgent pickups, breakdowns, lock and re-optimise, crews' feedback.

Each change is made from the day's published plan version into the next version, recorded
(``/dispatch-changes``) and published, so the affected drivers' assignments change at once. A
request the plan cannot take (no vehicle can make the pickup in time, …) is answered 409 with
the reasons, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import APIRouter, status
from sqlalchemy.exc import IntegrityError

from api.core.errors import ConflictError
from api.db import models as m
from api.deps import DispatcherUser, PagingDep, SessionDep, StaffUser
from api.repositories import dispatch as store
from api.repositories import districts as repo
from api.routes.plans import version_public
from api.schemas.dispatch import (
    BreakdownReport,
    DispatchChangePage,
    DispatchChangePublic,
    DispatchOutcome,
    Feedback,
    Reoptimise,
    SlotPublic,
    SlotsPublic,
    UrgentApply,
    UrgentPickup,
)
from api.schemas.fields import PathId, clock_of, size_class
from routing.dispatch import (
    Breakdown,
    DispatchError,
    DispatchResult,
    Locks,
    UrgentRequest,
    apply_feedback,
    apply_urgent,
    breakdown,
    rank_urgent,
    reoptimise,
)
from routing.dispatch.balance import balance_kpis
from routing.domain import WasteStream
from routing.errors import Defect, FieldError
from routing.problem import Problem

router = APIRouter(tags=["dispatch"])

#: How far an urgent pickup may lie beyond the box of the district's points, depots and
#: facilities: this share of the box's longer side, and at least MIN_MARGIN_DEG (about 11 km
#: north-south). Farther, it is off the district's map: no travel time to it means anything.
MAP_MARGIN = 0.25
MIN_MARGIN_DEG = 0.1


@contextmanager
def _answerable() -> Iterator[None]:
    """A request the plan cannot take becomes 409 with its reasons."""
    try:
        yield
    except DispatchError as error:
        reasons = [Defect("dispatch", "request", error.message)]
        reasons += [Defect("dispatch", "reason", reason) for reason in error.reasons]
        raise ConflictError(error.message, defects=reasons) from None


def _clock(text: str | None, field: str) -> int | None:
    return None if text is None else clock_of(text, field)


def change_public(row: m.DispatchChangeRow) -> DispatchChangePublic:
    """The public form of a recorded change."""
    return DispatchChangePublic(
        id=row.id,
        district_id=row.district_id,
        date=row.plan_date,
        operation=row.operation,
        base_plan_id=row.base_plan_id,
        plan_id=row.plan_id,
        request=row.request,
        summary=row.summary,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def _save(
    session: SessionDep,
    day: store.StoredDay,
    result: DispatchResult,
    *,
    request: dict[str, Any],
    user: m.UserRow,
    publish: bool,
) -> DispatchOutcome:
    try:
        change, plan = store.record_change(
            session, day, result, request=request, user_id=user.id, publish=publish
        )
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ConflictError(
            "another change of this day was saved at the same time; try again"
        ) from None
    return DispatchOutcome(change=change_public(change), plan=version_public(plan))


def district_box(problem: Problem) -> tuple[float, float, float, float]:
    """West, south, east, north of the district's map: its records' box and the margin."""
    places = problem.locations.values()
    west, east = min(p.lon for p in places), max(p.lon for p in places)
    south, north = min(p.lat for p in places), max(p.lat for p in places)
    margin = max(MAP_MARGIN * max(east - west, north - south), MIN_MARGIN_DEG)
    return west - margin, south - margin, east + margin, north + margin


def _on_map(problem: Problem, body: UrgentPickup) -> None:
    """Refuse a pickup placed off the district's map (422 naming ``lon``)."""
    if body.lon is None or body.lat is None:
        return
    west, south, east, north = district_box(problem)
    if not (west <= body.lon <= east and south <= body.lat <= north):
        raise FieldError(
            "lon",
            f"({body.lon:g}, {body.lat:g}) is off the district's map (lon {west:.3f} to "
            f"{east:.3f}, lat {south:.3f} to {north:.3f}): no route can reach it",
        ).at("body")


def _urgent(problem: Problem, body: UrgentPickup) -> UrgentRequest:
    _on_map(problem, body)
    return UrgentRequest(
        id=body.id,
        stream=WasteStream(body.stream),
        kg=body.kg,
        litres=body.litres,
        deadline_s=clock_of(body.deadline, "deadline"),
        at_point=body.at_point,
        lon=body.lon,
        lat=body.lat,
        earliest_s=_clock(body.earliest, "earliest"),
        service_s=body.service_s,
        max_size_class=size_class(body.max_size_class) if body.max_size_class else None,
    )


@router.post("/plans/{plan_id}/urgent-slots")
def urgent_slots(
    plan_id: PathId, body: UrgentPickup, session: SessionDep, user: StaffUser
) -> SlotsPublic:
    """The places in the plan where an urgent pickup fits, cheapest first (nothing is changed);
    with none, the reasons (each rule and how many routes it ruled out)."""
    day = store.open_version(session, plan_id, publish=False)
    with _answerable():
        ranking = rank_urgent(
            day.problem,
            day.plan,
            _urgent(day.problem, body),
            now_s=_clock(body.now, "now"),
            reports=day.done,
            limit=body.slots,
            extend=day.extend(),
        )
    found = ranking.to_dict()
    return SlotsPublic(
        point=found["point"],
        slots=[SlotPublic(**slot) for slot in found["slots"]],
        reasons=found["reasons"],
        seconds=found["seconds"],
    )


@router.post("/plans/{plan_id}/urgent", status_code=status.HTTP_201_CREATED)
def urgent_pickup(
    plan_id: PathId, body: UrgentApply, session: SessionDep, user: DispatcherUser
) -> DispatchOutcome:
    """Put an urgent pickup in a slot of the ranking (by ``rank``, or by its place: vehicle,
    shift, trip, stop, new_trip); the new version is recorded and published."""
    day = store.open_version(session, plan_id, publish=body.publish)
    place = (body.vehicle, body.shift, body.trip, body.stop)
    slot: int | tuple[str, str, int, int, bool]
    if any(v is not None for v in place):
        if not all(v is not None for v in place):
            raise ConflictError(
                "a slot by its place needs vehicle, shift, trip and stop", loc=("body", "vehicle")
            )
        slot = (
            str(body.vehicle),
            str(body.shift),
            int(body.trip or 0),
            int(body.stop or 0),
            body.new_trip,
        )
    else:
        slot = body.rank or 1
    with _answerable():
        result = apply_urgent(
            day.problem,
            day.plan,
            _urgent(day.problem, body),
            slot=slot,
            now_s=_clock(body.now, "now"),
            reports=day.done,
            limit=body.slots,
            extend=day.extend(),
        )
    return _save(session, day, result, request=body.model_dump(), user=user, publish=body.publish)


@router.post("/plans/{plan_id}/breakdown", status_code=status.HTTP_201_CREATED)
def vehicle_breakdown(
    plan_id: PathId, body: BreakdownReport, session: SessionDep, user: DispatcherUser
) -> DispatchOutcome:
    """A vehicle is out from ``at``: the rest of its work goes to the remaining fleet, nothing
    done moves; the disruption (visits changing vehicle or time) is in the change's summary."""
    day = store.open_version(session, plan_id, publish=body.publish)
    event = Breakdown(body.vehicle, clock_of(body.at, "at"), _clock(body.until, "until"))
    with _answerable():
        result = breakdown(
            day.problem,
            day.plan,
            event,
            reports=day.done,
            time_limit_s=body.time_limit_s,
            seed=body.seed,
            rounds=body.rounds,
        )
    return _save(session, day, result, request=body.model_dump(), user=user, publish=body.publish)


@router.post("/plans/{plan_id}/reoptimise", status_code=status.HTTP_201_CREATED)
def reoptimise_plan(
    plan_id: PathId, body: Reoptimise, session: SessionDep, user: DispatcherUser
) -> DispatchOutcome:
    """Keep what is locked, done or past; re-plan the rest (unserved visits tried again)."""
    day = store.open_version(session, plan_id, publish=body.publish)
    locks = Locks(
        vehicles=frozenset(body.vehicles),
        routes=frozenset((r.vehicle, r.shift) for r in body.routes),
        trips=frozenset((t.vehicle, t.shift, t.trip) for t in body.trips),
        visits=frozenset((v.point, v.visit) for v in body.visits),
    )
    with _answerable():
        result = reoptimise(
            day.problem,
            day.plan,
            locks=locks,
            reports=day.reports,
            now_s=_clock(body.now, "now"),
            time_limit_s=body.time_limit_s,
            seed=body.seed,
            rounds=body.rounds,
        )
    return _save(session, day, result, request=body.model_dump(), user=user, publish=body.publish)


@router.post("/plans/{plan_id}/feedback", status_code=status.HTTP_201_CREATED)
def crews_feedback(
    plan_id: PathId, body: Feedback, session: SessionDep, user: DispatcherUser
) -> DispatchOutcome:
    """Take the crews' reports on this version in: done visits fix the past, skipped visits go
    to a later shift's routes or are listed unserved with the crew's reason."""
    day = store.open_version(session, plan_id, publish=body.publish)
    with _answerable():
        result = apply_feedback(
            day.problem,
            day.plan,
            day.reports,
            now_s=_clock(body.now, "now"),
            time_limit_s=body.time_limit_s,
            seed=body.seed,
            rounds=body.rounds,
        )
    return _save(session, day, result, request=body.model_dump(), user=user, publish=body.publish)


@router.get("/plans/{plan_id}/balance")
def plan_balance(plan_id: PathId, session: SessionDep, user: StaffUser) -> dict[str, Any]:
    """Balance (longest over shortest working route) and overlap of route areas."""
    day = store.open_version(session, plan_id, publish=False)
    return balance_kpis(day.problem, day.plan).to_dict()


@router.get("/districts/{district_id}/dispatch-changes")
def list_dispatch_changes(
    district_id: PathId,
    session: SessionDep,
    user: StaffUser,
    paging: PagingDep,
    date: dt.date | None = None,
) -> DispatchChangePage:
    """A page of the district's recorded changes, newest first."""
    repo.get_district(session, district_id)
    rows, total = store.list_changes(
        session, district_id, plan_date=date, offset=paging.offset, limit=paging.limit
    )
    return DispatchChangePage(
        items=[change_public(r) for r in rows],
        total=total,
        offset=paging.offset,
        limit=paging.limit,
    )


@router.get("/dispatch-changes/{change_id}")
def get_dispatch_change(
    change_id: PathId, session: SessionDep, user: StaffUser
) -> DispatchChangePublic:
    """One recorded change."""
    return change_public(store.get_change(session, change_id))
