"""Collection calendars: a plan job over a horizon of days, its result and residents' calendar.

=================================================  ===============================================
path                                               what
=================================================  ===============================================
``POST /districts/{id}/calendar-jobs``             plan a calendar from ``start_date`` (202, a job)
``GET /plan-jobs/{id}/calendar``                   its patterns and every day's plan and figures
``GET /plan-jobs/{id}/residents.html``             the printable calendar for residents (zh, en)
=================================================  ===============================================

The job is a plan job (followed, cancelled and retried as one); each day's plan is stored as a
version of its date and, with ``publish``, published as a day's plan is, so that drivers pull
each day's routes as they do today.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from fastapi.responses import HTMLResponse

from api.core.errors import ConflictError, JobStateError, NotFoundError
from api.db import models as m
from api.deps import QueueDep, SessionDep, StaffUser, role_refused
from api.jobs import store
from api.repositories import districts as repo
from api.routes.plan_jobs import PUBLISHERS, queue_job, refuse_second_publisher
from api.schemas.fields import PathId
from api.schemas.plans import CalendarRequest, CalendarResult, JobPublic
from routing.calendar.calendar_file import calendar_from_dict
from routing.errors import Defect, ProblemError

router = APIRouter(tags=["plan jobs"])


def _calendar_document(raw: dict[str, Any] | str) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        raise ProblemError([Defect("calendar", "toml", str(error))], source="calendar") from None


@router.post("/districts/{district_id}/calendar-jobs", status_code=status.HTTP_202_ACCEPTED)
def request_calendar(
    district_id: PathId,
    body: CalendarRequest,
    session: SessionDep,
    queue: QueueDep,
    user: StaffUser,
) -> JobPublic:
    """Queue a calendar job. The calendar is checked against the district at once: every bad
    rule or day is named (422) and nothing is queued."""
    if body.publish and user.role not in PUBLISHERS:
        raise role_refused(user.role, PUBLISHERS)
    district = repo.get_district(session, district_id)
    document = _calendar_document(body.calendar)
    problem = repo.load_problem(session, district, roads=False)
    calendar = calendar_from_dict(document, problem, source="calendar")
    if body.publish:
        if body.start_date < dt.date.today():
            raise ConflictError(
                f"{body.start_date.isoformat()} is a past day: request the calendar without "
                "publish",
                loc=("body", "start_date"),
            )
        for day in range(calendar.horizon_days):
            refuse_second_publisher(session, district_id, body.start_date + dt.timedelta(day))
    job = m.PlanJobRow(
        district_id=district_id,
        plan_date=body.start_date,
        time_limit_s=body.time_limit_s,
        seed=body.seed,
        publish=body.publish,
        calendar=document,
        status=store.QUEUED,
        created_by=user.id,
    )
    return queue_job(session, queue, job)


def _result(session: SessionDep, job_id: int) -> tuple[m.PlanJobRow, dict[str, Any]]:
    job = store.get_job(session, job_id)
    if job.calendar is None:
        raise NotFoundError(
            f"plan job {job_id} plans a day, not a calendar", loc=("path", "job_id")
        )
    if job.status != store.SUCCEEDED or job.calendar_result is None:
        raise JobStateError(
            f"plan job {job_id} is {job.status}: no calendar yet", loc=("path", "job_id")
        )
    return job, job.calendar_result


@router.get("/plan-jobs/{job_id}/calendar")
def get_calendar(job_id: PathId, session: SessionDep, user: StaffUser) -> CalendarResult:
    """A calendar job's result: each point's pattern, every day's plan version and figures."""
    job, result = _result(session, job_id)
    fields = {k: v for k, v in result.items() if k != "residents"}
    return CalendarResult(job_id=job.id, **fields)


@router.get(
    "/plan-jobs/{job_id}/residents.html",
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": {}}}},
)
def residents_page(
    job_id: PathId,
    session: SessionDep,
    user: StaffUser,
    lang: Annotated[str, Query(pattern="^(zh|en)$", description="zh (default) or en")] = "zh",
) -> HTMLResponse:
    """The calendar for residents: each street's collection days per kind of waste, printable."""
    _, result = _result(session, job_id)
    return HTMLResponse(result["residents"][lang])
