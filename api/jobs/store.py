"""Job records: creating, claiming, progress, finishing, and failing jobs that lost their worker.

State changes are conditional updates (``… WHERE status = 'queued'``), so two workers never run
the same job. A job the reaper failed as lost is completed by its worker if that worker comes back
with the plan before anyone retried the job (:func:`finish_late`); a plan that comes later still is
refused, and the job's error says so (:func:`note_refused`).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from api.core.errors import JobStateError, NotFoundError
from api.db import models as m

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


def get_job(session: Session, job_id: int) -> m.PlanJobRow:
    """The job, or :class:`NotFoundError`."""
    job = session.get(m.PlanJobRow, job_id)
    if job is None:
        raise NotFoundError(f"no plan job {job_id}", loc=("path", "job_id"))
    return job


def claim(session: Session, job_id: int, *, worker: str) -> bool:
    """Mark a queued job running for ``worker``; False if another got it first (committed)."""
    now = m.utcnow()
    result = session.execute(
        update(m.PlanJobRow)
        .where(m.PlanJobRow.id == job_id, m.PlanJobRow.status == QUEUED)
        .values(
            status=RUNNING,
            worker=worker,
            started_at=now,
            heartbeat_at=now,
            attempts=m.PlanJobRow.attempts + 1,
            progress=0.0,
            best_cost_fen=None,
            error="",
        )
    )
    session.commit()
    return bool(getattr(result, "rowcount", 0) == 1)


def next_queued(session: Session) -> int | None:
    """The oldest queued job's id."""
    return session.scalar(
        select(m.PlanJobRow.id)
        .where(m.PlanJobRow.status == QUEUED)
        .order_by(m.PlanJobRow.created_at, m.PlanJobRow.id)
        .limit(1)
    )


def queued_ids(session: Session) -> list[int]:
    """Every queued job's id, oldest first."""
    return list(
        session.scalars(
            select(m.PlanJobRow.id)
            .where(m.PlanJobRow.status == QUEUED)
            .order_by(m.PlanJobRow.created_at, m.PlanJobRow.id)
        )
    )


def beat(
    session: Session,
    job_id: int,
    *,
    worker: str,
    progress: float | None = None,
    best_cost_fen: int | None = None,
) -> bool:
    """Renew the heartbeat (and progress); returns whether a cancel was requested (committed)."""
    values: dict[str, object] = {"heartbeat_at": m.utcnow()}
    if progress is not None:
        values["progress"] = max(0.0, min(1.0, progress))
    if best_cost_fen is not None:
        values["best_cost_fen"] = best_cost_fen
    session.execute(
        update(m.PlanJobRow)
        .where(m.PlanJobRow.id == job_id, m.PlanJobRow.worker == worker)
        .values(**values)
    )
    session.commit()
    cancel = session.scalar(select(m.PlanJobRow.cancel_requested).where(m.PlanJobRow.id == job_id))
    return bool(cancel)


def finish(session: Session, job_id: int, *, worker: str, status: str, error: str = "") -> bool:
    """Move a running job of ``worker`` to ``status`` (not committed); False if it is not ours."""
    values: dict[str, object] = {"status": status, "finished_at": m.utcnow(), "error": error}
    if status == SUCCEEDED:
        values["progress"] = 1.0
    result = session.execute(
        update(m.PlanJobRow)
        .where(
            m.PlanJobRow.id == job_id,
            m.PlanJobRow.status == RUNNING,
            m.PlanJobRow.worker == worker,
        )
        .values(**values)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def finish_late(session: Session, job_id: int, *, worker: str) -> bool:
    """Mark succeeded a job that the reaper failed as lost while ``worker`` still ran it (not
    committed); False if it was retried, claimed by another, cancelled or failed otherwise.

    The job's error keeps a note (:data:`CAME_BACK`): its heartbeat was late.
    """
    result = session.execute(
        update(m.PlanJobRow)
        .where(
            m.PlanJobRow.id == job_id,
            m.PlanJobRow.status == FAILED,
            m.PlanJobRow.worker == worker,
            m.PlanJobRow.error == LOST_WORKER,
            m.PlanJobRow.cancel_requested.is_(False),
        )
        .values(status=SUCCEEDED, finished_at=m.utcnow(), error=CAME_BACK, progress=1.0)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def note_refused(session: Session, job_id: int, *, worker: str, why: str) -> None:
    """Add to the job's error that ``worker``'s plan came too late and was refused, and ``why``
    (not committed). The job keeps its status: the plan was not stored."""
    note = f"a late plan from worker {worker} was refused ({why})"
    session.execute(
        update(m.PlanJobRow)
        .where(m.PlanJobRow.id == job_id)
        .values(
            error=case(
                (m.PlanJobRow.error == "", note),
                else_=m.PlanJobRow.error + "; " + note,
            )
        )
    )


def fail_lost(session: Session, *, stale_after_s: float, now: dt.datetime | None = None) -> int:
    """Fail running jobs whose heartbeat is older than ``stale_after_s`` (committed).

    Their worker was killed or lost: no plan was written (a plan is written with the job's
    success, in one transaction), and the job can be retried.
    """
    limit = (now or m.utcnow()) - dt.timedelta(seconds=stale_after_s)
    result = session.execute(
        update(m.PlanJobRow)
        .where(m.PlanJobRow.status == RUNNING, m.PlanJobRow.heartbeat_at < limit)
        .values(status=FAILED, error=LOST_WORKER, finished_at=m.utcnow())
    )
    session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def request_cancel(session: Session, job: m.PlanJobRow) -> None:
    """Cancel a queued job at once, or ask its worker to stop a running one (committed)."""
    if job.status in FINISHED:
        raise JobStateError(f"job {job.id} is {job.status}: only queued or running jobs cancel")
    session.execute(
        update(m.PlanJobRow)
        .where(m.PlanJobRow.id == job.id, m.PlanJobRow.status == QUEUED)
        .values(status=CANCELLED, cancel_requested=True, finished_at=m.utcnow())
    )
    session.execute(
        update(m.PlanJobRow)
        .where(m.PlanJobRow.id == job.id, m.PlanJobRow.status == RUNNING)
        .values(cancel_requested=True)
    )
    session.commit()
    session.refresh(job)


def requeue(session: Session, job: m.PlanJobRow) -> None:
    """Queue a failed or cancelled job again (committed)."""
    result = session.execute(
        update(m.PlanJobRow)
        .where(m.PlanJobRow.id == job.id, m.PlanJobRow.status.in_((FAILED, CANCELLED)))
        .values(
            status=QUEUED,
            cancel_requested=False,
            error="",
            progress=0.0,
            best_cost_fen=None,
            worker="",
            started_at=None,
            heartbeat_at=None,
            finished_at=None,
        )
    )
    session.commit()
    if getattr(result, "rowcount", 0) != 1:
        session.refresh(job)
        raise JobStateError(f"job {job.id} is {job.status}: only failed or cancelled jobs retry")
    session.refresh(job)
