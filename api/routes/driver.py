"""Drivers: the caller's own assignment for a day (JSON, GPX, iCalendar) and stop reports.

A driver is bound to one crew of one district and sees only that crew's routes of the day's
published plan.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Response, status
from sqlalchemy import select

from api.core.errors import NotFoundError, PermissionDeniedError
from api.db import models as m
from api.deps import DriverUser, SessionDep
from api.repositories import plans as plan_store
from api.repositories.assignments import build_assignment, to_gpx, to_icalendar
from api.schemas.plans import Assignment, StopReport, StopStatusPublic
from routing.errors import FieldError

router = APIRouter(prefix="/me", tags=["drivers"])


def _crew(session: SessionDep, user: m.UserRow) -> m.CrewRow:
    crew = session.get(m.CrewRow, user.crew_id) if user.crew_id is not None else None
    if crew is None:
        raise PermissionDeniedError("this driver is not bound to a crew")
    return crew


def _published(session: SessionDep, crew: m.CrewRow, date: dt.date) -> m.PlanRow:
    plan = plan_store.published_plan(session, crew.district_id, date)
    if plan is None:
        raise NotFoundError(f"no published plan for {date.isoformat()}", loc=("query", "date"))
    return plan


def _statuses(session: SessionDep, plan: m.PlanRow) -> dict[tuple[str, int], m.StopStatusRow]:
    rows = session.scalars(select(m.StopStatusRow).where(m.StopStatusRow.plan_id == plan.id))
    return {(row.point_code, row.visit): row for row in rows}


def assignment_for(session: SessionDep, user: m.UserRow, date: dt.date) -> Assignment:
    """The driver's assignment for ``date`` from the published plan."""
    crew = _crew(session, user)
    plan = _published(session, crew, date)
    return build_assignment(plan, crew.code, _statuses(session, plan))


@router.get("/assignment")
def get_assignment(date: dt.date, session: SessionDep, user: DriverUser) -> Assignment:
    """The caller's shift, vehicle, ordered stops with ETAs, unloading stops and route map."""
    return assignment_for(session, user, date)


@router.get("/assignment.gpx", response_class=Response)
def get_assignment_gpx(date: dt.date, session: SessionDep, user: DriverUser) -> Response:
    """The assignment as GPX (waypoints and a route per shift), for navigation apps."""
    gpx = to_gpx(assignment_for(session, user, date))
    return Response(gpx, media_type="application/gpx+xml")


@router.get("/assignment.ics", response_class=Response)
def get_assignment_ics(date: dt.date, session: SessionDep, user: DriverUser) -> Response:
    """The assignment as iCalendar: one event per stop."""
    ics = to_icalendar(assignment_for(session, user, date))
    return Response(ics, media_type="text/calendar")


@router.post("/stops", status_code=status.HTTP_201_CREATED)
def report_stop(body: StopReport, session: SessionDep, user: DriverUser) -> StopStatusPublic:
    """Mark one of the crew's visits done, or skipped with a reason; a later report replaces it."""
    if body.status == "skipped" and not body.reason.strip():
        raise FieldError("reason", "a skipped stop needs a reason").at("body")
    crew = _crew(session, user)
    plan = _published(session, crew, body.date)
    assignment = build_assignment(plan, crew.code, {})
    ours = {(stop.id, stop.visit) for route in assignment.routes for stop in route.stops}
    if (body.point_id, body.visit) not in ours:
        raise NotFoundError(
            f"visit {body.visit} of {body.point_id!r} is not on this crew's routes",
            loc=("body", "point_id"),
        )
    row = session.scalar(
        select(m.StopStatusRow).where(
            m.StopStatusRow.plan_id == plan.id,
            m.StopStatusRow.point_code == body.point_id,
            m.StopStatusRow.visit == body.visit,
        )
    )
    if row is None:
        row = m.StopStatusRow(plan_id=plan.id, point_code=body.point_id, visit=body.visit)
        session.add(row)
    row.status = body.status
    row.reason = body.reason.strip()
    row.at = body.at or m.utcnow()
    row.recorded_by = user.id
    session.commit()
    return StopStatusPublic(
        plan_id=plan.id,
        point_id=row.point_code,
        visit=row.visit,
        status=body.status,
        reason=row.reason,
        at=row.at,
    )
