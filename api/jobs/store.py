"""Job records: creating, claiming, progress, finishing, and failing jobs that lost their worker.

Two kinds of job share these states and this code (:class:`JobKind`): plan jobs
(:data:`PLANS`, ``plan_jobs``) and scenario comparisons (:data:`COMPARISONS`,
``scenario_comparisons``). Each table has the same state columns (status, worker, attempts,
progress, error, cancel request, started, heartbeat, finished).

State changes are conditional updates (``… WHERE status = 'queued'``), so two workers never run
the same job. A job the reaper failed as lost is completed by its worker if that worker comes back
with the plan (or report) before anyone retried the job (:func:`finish_late`); one that comes later
still is refused, and the job's error says so (:func:`note_refused`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from api.core.errors import JobStateError, NotFoundError
from api.db import models as m
from api.db.scenario_models import ScenarioComparisonRow

QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED = (
    "queued",
    "running",
    "succeeded",
    "failed",
    "cancelled",
)
JobStatusName = Literal["queued", "running", "succeeded", "failed", "cancelled"]
FINISHED = (SUCCEEDED, FAILED, CANCELLED)
LOST_WORKER = "the worker stopped during the solve (no heartbeat); retry the job"
#: The error of a job whose worker was taken for lost but came back with the plan.
CAME_BACK = "succeeded late: failed as lost (no heartbeat), then its worker came back with the plan"

#: A job's row: either kind's.
JobRow = m.PlanJobRow | ScenarioComparisonRow


@dataclass(frozen=True, slots=True)
class JobKind:
    """A table of jobs: its rows, what they are called, and the columns of their result.

    Parameters
    ----------
    table
        The rows' class.
    noun
        A job of it in the errors of its states ("job", "scenario comparison").
    product
        What a job of it makes ("plan", "report").
    result
        Columns holding the result of an attempt, and their values before one: set when a job
        is claimed or queued again.
    """

    table: type[m.PlanJobRow] | type[ScenarioComparisonRow]
    noun: str
    product: str
    result: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.noun


PLANS = JobKind(m.PlanJobRow, "job", "plan", {"best_cost_fen": None, "calendar_result": None})
COMPARISONS = JobKind(
    ScenarioComparisonRow,
    "scenario comparison",
    "report",
    {"report": None, "html": "", "html_en": ""},
)
#: Every kind, in the order a worker takes queued jobs (plans for the day before what-ifs).
KINDS = (PLANS, COMPARISONS)


def kind_of(job: JobRow) -> JobKind:
    """The kind of ``job``."""
    return COMPARISONS if isinstance(job, ScenarioComparisonRow) else PLANS


def get_job(session: Session, job_id: int) -> m.PlanJobRow:
    """The job, or :class:`NotFoundError`."""
    job = session.get(m.PlanJobRow, job_id)
    if job is None:
        raise NotFoundError(f"no plan job {job_id}", loc=("path", "job_id"))
    return job


def publishing_job(session: Session, district_id: int, plan_date: dt.date) -> int | None:
    """The queued or running plan job that will publish the district's plan of ``plan_date``."""
    return session.scalar(
        select(m.PlanJobRow.id).where(
            m.PlanJobRow.district_id == district_id,
            m.PlanJobRow.plan_date == plan_date,
            m.PlanJobRow.publish.is_(True),
            m.PlanJobRow.status.in_((QUEUED, RUNNING)),
        )
    )


def list_plan_jobs(
    session: Session,
    district_id: int,
    *,
    plan_date: dt.date | None,
    status: str | None,
    offset: int,
    limit: int,
) -> tuple[list[m.PlanJobRow], int]:
    """A page of the district's plan jobs, newest first, and how many there are in all."""
    conditions = [m.PlanJobRow.district_id == district_id]
    if plan_date is not None:
        conditions.append(m.PlanJobRow.plan_date == plan_date)
    if status is not None:
        conditions.append(m.PlanJobRow.status == status)
    total = session.scalar(select(func.count()).select_from(m.PlanJobRow).where(*conditions))
    rows = session.scalars(
        select(m.PlanJobRow)
        .where(*conditions)
        .order_by(m.PlanJobRow.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(rows), total or 0


def claim(session: Session, job_id: int, *, worker: str, kind: JobKind = PLANS) -> bool:
    """Mark a queued job running for ``worker``; False if another got it first (committed)."""
    now = m.utcnow()
    table = kind.table
    result = session.execute(
        update(table)
        .where(table.id == job_id, table.status == QUEUED)
        .values(
            status=RUNNING,
            worker=worker,
            started_at=now,
            heartbeat_at=now,
            attempts=table.attempts + 1,
            progress=0.0,
            error="",
            **kind.result,
        )
    )
    session.commit()
    return bool(getattr(result, "rowcount", 0) == 1)


def next_queued(session: Session, *, kind: JobKind = PLANS) -> int | None:
    """The oldest queued job's id."""
    table = kind.table
    return session.scalar(
        select(table.id).where(table.status == QUEUED).order_by(table.created_at, table.id).limit(1)
    )


def queued_ids(session: Session, *, kind: JobKind = PLANS) -> list[int]:
    """Every queued job's id, oldest first."""
    table = kind.table
    return list(
        session.scalars(
            select(table.id).where(table.status == QUEUED).order_by(table.created_at, table.id)
        )
    )


def beat(
    session: Session,
    job_id: int,
    *,
    worker: str,
    kind: JobKind = PLANS,
    progress: float | None = None,
    best_cost_fen: int | None = None,
) -> bool:
    """Renew the heartbeat (and progress; a best cost only for plan jobs); returns whether a
    cancel was requested (committed)."""
    table = kind.table
    values: dict[str, object] = {"heartbeat_at": m.utcnow()}
    if progress is not None:
        values["progress"] = max(0.0, min(1.0, progress))
    if best_cost_fen is not None and kind is PLANS:
        values["best_cost_fen"] = best_cost_fen
    session.execute(
        update(table).where(table.id == job_id, table.worker == worker).values(**values)
    )
    session.commit()
    return cancel_requested(session, job_id, kind=kind)


def cancel_requested(session: Session, job_id: int, *, kind: JobKind = PLANS) -> bool:
    """Whether the job's cancel was requested (committed)."""
    table = kind.table
    return bool(session.scalar(select(table.cancel_requested).where(table.id == job_id)))


def finish(
    session: Session,
    job_id: int,
    *,
    worker: str,
    status: str,
    error: str = "",
    kind: JobKind = PLANS,
    **result: object,
) -> bool:
    """Move a running job of ``worker`` to ``status``, with the ``result`` columns' values (not
    committed); False if it is not ours."""
    table = kind.table
    values: dict[str, object] = {"status": status, "finished_at": m.utcnow(), "error": error}
    if status == SUCCEEDED:
        values["progress"] = 1.0
    updated = session.execute(
        update(table)
        .where(table.id == job_id, table.status == RUNNING, table.worker == worker)
        .values(**values, **result)
    )
    return bool(getattr(updated, "rowcount", 0) == 1)


def finish_late(
    session: Session, job_id: int, *, worker: str, kind: JobKind = PLANS, **result: object
) -> bool:
    """Mark succeeded, with the ``result`` columns' values, a job that the reaper failed as lost
    while ``worker`` still ran it (not committed); False if it was retried, claimed by another,
    cancelled or failed otherwise.

    The job's error keeps a note (:data:`CAME_BACK`): its heartbeat was late.
    """
    table = kind.table
    values = {"status": SUCCEEDED, "finished_at": m.utcnow(), "error": CAME_BACK, "progress": 1.0}
    updated = session.execute(
        update(table)
        .where(
            table.id == job_id,
            table.status == FAILED,
            table.worker == worker,
            table.error == LOST_WORKER,
            table.cancel_requested.is_(False),
        )
        .values(**values, **result)
    )
    return bool(getattr(updated, "rowcount", 0) == 1)


def note_refused(
    session: Session, job_id: int, *, worker: str, why: str, kind: JobKind = PLANS
) -> None:
    """Add to the job's error that ``worker``'s result came too late and was refused, and ``why``
    (not committed). The job keeps its status: the result was not stored."""
    table = kind.table
    note = f"a late {kind.product} from worker {worker} was refused ({why})"
    session.execute(
        update(table)
        .where(table.id == job_id)
        .values(error=case((table.error == "", note), else_=table.error + "; " + note))
    )


def fail_lost(
    session: Session,
    *,
    stale_after_s: float,
    now: dt.datetime | None = None,
    kinds: Sequence[JobKind] = KINDS,
) -> int:
    """Fail running jobs (of every kind) whose heartbeat is older than ``stale_after_s``
    (committed); returns how many.

    Their worker was killed or lost: no result was written (a plan or a report is written with
    the job's success, in one transaction), and the job can be retried.
    """
    limit = (now or m.utcnow()) - dt.timedelta(seconds=stale_after_s)
    failed = 0
    for kind in kinds:
        table = kind.table
        result = session.execute(
            update(table)
            .where(table.status == RUNNING, table.heartbeat_at < limit)
            .values(status=FAILED, error=LOST_WORKER, finished_at=m.utcnow())
        )
        failed += int(getattr(result, "rowcount", 0) or 0)
    session.commit()
    return failed


def request_cancel(session: Session, job: JobRow) -> None:
    """Cancel a queued job at once, or ask its worker to stop a running one (committed)."""
    kind = kind_of(job)
    if job.status in FINISHED:
        raise JobStateError(
            f"{kind} {job.id} is {job.status}: only queued or running {kind}s cancel"
        )
    table = kind.table
    session.execute(
        update(table)
        .where(table.id == job.id, table.status == QUEUED)
        .values(status=CANCELLED, cancel_requested=True, finished_at=m.utcnow())
    )
    session.execute(
        update(table)
        .where(table.id == job.id, table.status == RUNNING)
        .values(cancel_requested=True)
    )
    session.commit()
    session.refresh(job)


def requeue(session: Session, job: JobRow) -> None:
    """Queue a failed or cancelled job again (committed)."""
    kind = kind_of(job)
    table = kind.table
    result = session.execute(
        update(table)
        .where(table.id == job.id, table.status.in_((FAILED, CANCELLED)))
        .values(
            status=QUEUED,
            cancel_requested=False,
            error="",
            progress=0.0,
            worker="",
            started_at=None,
            heartbeat_at=None,
            finished_at=None,
            **kind.result,
        )
    )
    session.commit()
    if getattr(result, "rowcount", 0) != 1:
        session.refresh(job)
        raise JobStateError(
            f"{kind} {job.id} is {job.status}: only failed or cancelled {kind}s retry"
        )
    session.refresh(job)
