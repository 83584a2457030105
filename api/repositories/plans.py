"""Plan versions of a district-day: storing a job's result, listing, publishing.

Versions of a district-day are numbered 1, 2, … (a unique constraint settles a race between two
jobs of the same day); at most one is published (a partial unique index settles a race between two
publications).

The published version of a day is what crews work from, so publishing another version must not
silently undo the live day (:func:`publish_checked`): the crews' reports move to the new version
wherever its stop still exists, and a publication that would drop reported work, undo a dispatch
change (an urgent pickup, a breakdown re-plan) or replace a past day's plan needs ``force``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from api.core.errors import ConflictError, NotFoundError
from api.db import models as m
from routing.kpi import compute_kpis
from routing.plan import Plan
from routing.plan_file import plan_to_dict
from routing.problem import Problem
from routing.problem_file import problem_to_dict
from routing.validation import validate


def get_plan(session: Session, plan_id: int) -> m.PlanRow:
    """The plan version, or :class:`NotFoundError`."""
    plan = session.get(m.PlanRow, plan_id)
    if plan is None:
        raise NotFoundError(f"no plan {plan_id}", loc=("path", "plan_id"))
    return plan


def list_versions(
    session: Session,
    district_id: int,
    *,
    plan_date: dt.date | None,
    published: bool | None,
    offset: int,
    limit: int,
) -> tuple[list[m.PlanRow], int]:
    """A page of a district's plan versions, newest day and version first."""
    conditions: list[Any] = [m.PlanRow.district_id == district_id]
    if plan_date is not None:
        conditions.append(m.PlanRow.plan_date == plan_date)
    if published is not None:
        conditions.append(m.PlanRow.published.is_(published))
    total = session.scalar(select(func.count()).select_from(m.PlanRow).where(*conditions)) or 0
    rows = session.scalars(
        select(m.PlanRow)
        .where(*conditions)
        .order_by(m.PlanRow.plan_date.desc(), m.PlanRow.version.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(rows), total


def add_version(
    session: Session,
    *,
    district_id: int,
    plan_date: dt.date,
    job_id: int | None,
    problem: dict[str, Any],
    plan: dict[str, Any],
    validation: dict[str, Any],
    kpis: dict[str, Any],
    cost_fen: int,
) -> m.PlanRow:
    """The next version of the district-day (flushed, not committed)."""
    latest = session.scalar(
        select(func.max(m.PlanRow.version)).where(
            m.PlanRow.district_id == district_id, m.PlanRow.plan_date == plan_date
        )
    )
    row = m.PlanRow(
        district_id=district_id,
        plan_date=plan_date,
        version=(latest or 0) + 1,
        job_id=job_id,
        problem=problem,
        plan=plan,
        validation=validation,
        kpis=kpis,
        cost_fen=cost_fen,
        published=False,
    )
    session.add(row)
    session.flush()
    return row


def add_ready_plan(
    session: Session,
    *,
    district_id: int,
    plan_date: dt.date,
    problem: Problem,
    plan: Plan,
) -> m.PlanRow:
    """A plan made outside a job (e.g. by ``huanwei demo``) as the next version of its day.

    The validation report and KPIs are computed on ``problem`` (its own travel matrices); the
    stored problem snapshot states the travel those were made with (flushed, not committed; not
    published).
    """
    figures = compute_kpis(problem, plan)
    kpis = figures.to_dict()
    return add_version(
        session,
        district_id=district_id,
        plan_date=plan_date,
        job_id=None,
        problem=problem_to_dict(problem),
        plan=plan_to_dict(plan),
        validation=validate(problem, plan).to_dict(),
        kpis=kpis,
        cost_fen=figures.cost_fen,
    )


def publish(session: Session, plan: m.PlanRow) -> None:
    """Make ``plan`` the published version of its day (flushed, not committed)."""
    session.execute(
        update(m.PlanRow)
        .where(
            m.PlanRow.district_id == plan.district_id,
            m.PlanRow.plan_date == plan.plan_date,
            m.PlanRow.published.is_(True),
            m.PlanRow.id != plan.id,
        )
        .values(published=False, published_at=None)
    )
    session.flush()
    plan.published = True
    plan.published_at = m.utcnow()
    session.flush()


#: Named one by one in a refusal; the rest are counted.
NAMED_LOSSES = 5


def _visits(plan: dict[str, Any]) -> set[tuple[str, int]]:
    """The (point, visit) pairs a stored plan serves."""
    return {
        (visit["point"], int(visit["visit"]))
        for route in plan.get("routes", [])
        for trip in route.get("trips", [])
        for visit in trip.get("visits", [])
    }


def _changes_behind(
    plan: m.PlanRow, changes: dict[int, m.DispatchChangeRow]
) -> list[m.DispatchChangeRow]:
    """The dispatch changes whose results ``plan`` was made from, newest first."""
    behind: list[m.DispatchChangeRow] = []
    plan_id: int | None = plan.id
    while plan_id is not None and plan_id in changes and len(behind) < len(changes):
        change = changes[plan_id]
        behind.append(change)
        plan_id = change.base_plan_id
    return behind


def _change_name(change: m.DispatchChangeRow) -> str:
    request = change.request or {}
    what = request.get("id") or request.get("vehicle") or ""
    return f"{change.operation} {what}".strip() + f" (change {change.id})"


def live_day_losses(
    session: Session, plan: m.PlanRow, current: m.PlanRow | None, *, today: dt.date
) -> list[str]:
    """What publishing ``plan`` in place of ``current`` (the day's published version, if any)
    would take from its day: a past day, reports on stops the version does not serve, dispatch
    changes it was not made from. Empty if nothing."""
    losses: list[str] = []
    if plan.plan_date < today:
        losses.append(f"{plan.plan_date.isoformat()} is a past day")
    if current is None or current.id == plan.id:
        return losses
    kept = _visits(plan.plan)
    lost = [
        f"{row.point_code} visit {row.visit} ({row.status})"
        for row in reports(session, current.id)
        if (row.point_code, row.visit) not in kept
    ]
    if lost:
        named = ", ".join(lost[:NAMED_LOSSES])
        more = f" and {len(lost) - NAMED_LOSSES} more" if len(lost) > NAMED_LOSSES else ""
        losses.append(f"{len(lost)} crew report(s) on stops this version lacks: {named}{more}")
    changes = {
        change.plan_id: change
        for change in session.scalars(
            select(m.DispatchChangeRow).where(
                m.DispatchChangeRow.district_id == plan.district_id,
                m.DispatchChangeRow.plan_date == plan.plan_date,
                m.DispatchChangeRow.plan_id.is_not(None),
            )
        )
        if change.plan_id is not None
    }
    made_from = {change.id for change in _changes_behind(plan, changes)}
    undone = [c for c in _changes_behind(current, changes) if c.id not in made_from]
    if undone:
        losses.append(
            "dispatch changes of the published version would be undone: "
            + ", ".join(_change_name(change) for change in undone)
        )
    return losses


def reports(session: Session, plan_id: int) -> list[m.StopStatusRow]:
    """The crews' reports on plan version ``plan_id``."""
    return list(session.scalars(select(m.StopStatusRow).where(m.StopStatusRow.plan_id == plan_id)))


def _report_row(session: Session, plan_id: int, point: str, visit: int) -> m.StopStatusRow | None:
    """The crew's report on a visit of plan version ``plan_id``, if there is one."""
    return session.scalar(
        select(m.StopStatusRow).where(
            m.StopStatusRow.plan_id == plan_id,
            m.StopStatusRow.point_code == point,
            m.StopStatusRow.visit == visit,
        )
    )


def record_report(
    session: Session,
    *,
    plan_id: int,
    point: str,
    visit: int,
    status: str,
    reason: str,
    at: dt.datetime,
    user_id: int,
) -> m.StopStatusRow:
    """A crew's report on a visit of plan version ``plan_id``, in place of an earlier one
    (flushed, not committed)."""
    row = _report_row(session, plan_id, point, visit)
    if row is None:
        row = m.StopStatusRow(plan_id=plan_id, point_code=point, visit=visit)
        session.add(row)
    row.status, row.reason, row.at, row.recorded_by = status, reason, at, user_id
    session.flush()
    return row


def withdraw_report(session: Session, *, plan_id: int, point: str, visit: int) -> bool:
    """Take back a crew's report on a visit of plan version ``plan_id`` (undo; flushed, not
    committed); whether there was one."""
    row = _report_row(session, plan_id, point, visit)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def copy_report(row: m.StopStatusRow, plan_id: int) -> m.StopStatusRow:
    """A crew's report ``row`` as a report on plan version ``plan_id``."""
    return m.StopStatusRow(
        plan_id=plan_id,
        point_code=row.point_code,
        visit=row.visit,
        status=row.status,
        reason=row.reason,
        at=row.at,
        recorded_by=row.recorded_by,
    )


def carry_reports(session: Session, source: m.PlanRow, target: m.PlanRow) -> int:
    """Copy the crews' reports on ``source`` to ``target`` wherever ``target`` serves the same
    visit and has no report of its own on it (flushed); returns how many were copied."""
    serves = _visits(target.plan)
    own = {(row.point_code, row.visit) for row in reports(session, target.id)}
    copied = 0
    for row in reports(session, source.id):
        key = (row.point_code, row.visit)
        if key in serves and key not in own:
            session.add(copy_report(row, target.id))
            copied += 1
    session.flush()
    return copied


def publish_checked(
    session: Session, plan: m.PlanRow, *, force: bool, today: dt.date | None = None
) -> int:
    """Publish ``plan`` as its day's version, keeping the live day (flushed, not committed).

    The crews' reports on the version published so far are carried to ``plan`` wherever it
    serves the same visit; returns how many.

    Raises
    ------
    ConflictError
        Unless ``force``: when the day is past, or the published version has reports on stops
        ``plan`` does not serve, or dispatch changes ``plan`` was not made from (each named).
    """
    if plan.published:
        return 0  # already the day's version: nothing changes
    current = published_plan(session, plan.district_id, plan.plan_date)
    losses = live_day_losses(session, plan, current, today=today or dt.date.today())
    if losses and not force:
        raise ConflictError(
            "publishing this version would change the live day: "
            + "; ".join(losses)
            + ". Publish with force=true to do it anyway.",
            loc=("query", "force"),
        )
    carried = carry_reports(session, current, plan) if current is not None else 0
    publish(session, plan)
    return carried


def published_plan(session: Session, district_id: int, plan_date: dt.date) -> m.PlanRow | None:
    """The published version of a district-day, if any."""
    return session.scalar(
        select(m.PlanRow).where(
            m.PlanRow.district_id == district_id,
            m.PlanRow.plan_date == plan_date,
            m.PlanRow.published.is_(True),
        )
    )
