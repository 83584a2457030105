"""Plan jobs: request a district-day's plan, follow its progress, cancel or retry it."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, status
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.core.errors import ConflictError
from api.db import models as m
from api.deps import PagingDep, QueueDep, Role, SessionDep, StaffUser, role_refused
from api.jobs import store
from api.jobs.queue import JobQueue
from api.repositories import districts as repo
from api.repositories.scenarios import scenario_of_plan
from api.schemas.fields import PathId
from api.schemas.plans import JobPage, JobPublic, PlanRequest

router = APIRouter(tags=["plan jobs"])


def job_public(job: m.PlanJobRow) -> JobPublic:
    """The public form of a job."""
    return JobPublic(
        id=job.id,
        district_id=job.district_id,
        date=job.plan_date,
        time_limit_s=job.time_limit_s,
        seed=job.seed,
        publish=job.publish,
        status=job.status,  # type: ignore[arg-type]
        progress=job.progress,
        best_cost_fen=job.best_cost_fen,
        error=job.error,
        attempts=job.attempts,
        cancel_requested=job.cancel_requested,
        retryable=job.status in (store.FAILED, store.CANCELLED),
        plan_id=job.plan_id,
        scenario=job.scenario["name"] if job.scenario else None,
        kind="calendar" if job.calendar is not None else "day",
        horizon_days=(job.calendar or {}).get("horizon_days") if job.calendar else None,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


@router.post("/districts/{district_id}/plan-jobs", status_code=status.HTTP_202_ACCEPTED)
def request_plan(
    district_id: PathId, body: PlanRequest, session: SessionDep, queue: QueueDep, user: StaffUser
) -> JobPublic:
    """Queue a plan job for a day of the district's current data, or of a what-if of it.

    The district is checked first: one that cannot be planned (no depots, no shifts, a broken
    reference) is refused at once with every defect named; so is a what-if whose changes do not
    apply to the current data (``scenario.changes[j]`` and the field named).
    """
    if body.publish and user.role not in PUBLISHERS:
        raise role_refused(user.role, PUBLISHERS)
    district = repo.get_district(session, district_id)
    if body.publish:
        if body.date < dt.date.today():
            raise ConflictError(
                f"{body.date.isoformat()} is a past day: request the plan without publish, then "
                "publish it with POST /plans/{id}/publish?force=true",
                loc=("body", "date"),
            )
        refuse_second_publisher(session, district_id, body.date)
    # The records are checked here on straight lines; the job computes the road matrices.
    problem = repo.load_problem(session, district, roads=False)
    scenario = body.scenario.model_dump() if body.scenario is not None else None
    if scenario is not None:
        scenario_of_plan(scenario, problem)
    job = m.PlanJobRow(
        district_id=district_id,
        plan_date=body.date,
        time_limit_s=body.time_limit_s,
        seed=body.seed,
        publish=body.publish,
        scenario=scenario,
        status=store.QUEUED,
        created_by=user.id,
    )
    return queue_job(session, queue, job)


def queue_job(session: Session, queue: JobQueue, job: m.PlanJobRow) -> JobPublic:
    """Store a new job and hand it to the queue; a publishing job of its first day queued at the
    same moment by another request is a 409."""
    session.add(job)
    try:
        session.commit()
    except IntegrityError:  # another publishing job of the day was queued at the same moment
        session.rollback()
        refuse_second_publisher(session, job.district_id, job.plan_date)
        raise
    queue.submit(job.id)
    return job_public(job)


#: Who may have a plan published (``publish`` of a job, as ``POST /plans/{id}/publish``).
PUBLISHERS = (Role.ADMIN, Role.DISPATCHER)


def refuse_second_publisher(session: Session, district_id: int, date: dt.date) -> None:
    """409 if a job that will publish the district's plan of ``date`` is queued or running:
    one published version per day, decided by the order of requests, not of finishing."""
    other = store.publishing_job(session, district_id, date)
    if other is not None:
        raise ConflictError(
            f"plan job {other} will publish {date.isoformat()} and has not finished: wait for "
            "it or cancel it, or request this plan without publish",
            loc=("body", "publish"),
        )


@router.get("/districts/{district_id}/plan-jobs")
def list_jobs(
    district_id: PathId,
    session: SessionDep,
    user: StaffUser,
    paging: PagingDep,
    date: dt.date | None = None,
    job_status: store.JobStatusName | None = None,
) -> JobPage:
    """A page of the district's jobs, newest first; filter by day and status."""
    repo.get_district(session, district_id)
    rows, total = store.list_plan_jobs(
        session,
        district_id,
        plan_date=date,
        status=job_status,
        offset=paging.offset,
        limit=paging.limit,
    )
    return JobPage(
        items=[job_public(row) for row in rows],
        total=total,
        offset=paging.offset,
        limit=paging.limit,
    )


@router.get("/plan-jobs/{job_id}")
def get_job(job_id: PathId, session: SessionDep, user: StaffUser) -> JobPublic:
    """A job's status, progress and best cost so far."""
    return job_public(store.get_job(session, job_id))


@router.post("/plan-jobs/{job_id}/cancel", status_code=status.HTTP_202_ACCEPTED)
def cancel_job(job_id: PathId, session: SessionDep, user: StaffUser) -> JobPublic:
    """Cancel a queued job, or ask a running one to stop (it ends cancelled, without a plan)."""
    job = store.get_job(session, job_id)
    store.request_cancel(session, job)
    return job_public(job)


@router.post("/plan-jobs/{job_id}/retry", status_code=status.HTTP_202_ACCEPTED)
def retry_job(job_id: PathId, session: SessionDep, queue: QueueDep, user: StaffUser) -> JobPublic:
    """Queue a failed or cancelled job again (one that publishes: if no other publishing job of
    its day is queued or running)."""
    job = store.get_job(session, job_id)
    if job.publish:
        if user.role not in PUBLISHERS:
            raise role_refused(user.role, PUBLISHERS)
        refuse_second_publisher(session, job.district_id, job.plan_date)
    store.requeue(session, job)
    queue.submit(job.id)
    return job_public(job)
