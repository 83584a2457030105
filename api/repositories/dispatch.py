"""Dispatch changes of a day's plan: the stored version as routing objects, and a change made
into the next version, recorded and (by default) published.

A change is made from the day's published version (a draft change may start from any version).
The new version carries over the crews' reports on visits that stay on the same vehicle and
shift, so drivers keep what they marked done; a skipped visit that was planned anew loses its old
report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.core.errors import ConflictError, NotFoundError
from api.db import models as m
from api.repositories import plans as plan_store
from routing.dispatch import DispatchResult, StopReport
from routing.dispatch.points import with_point_computed
from routing.dispatch.result import placements
from routing.kpi import compute_kpis
from routing.plan import Plan
from routing.plan_file import plan_from_dict, plan_to_dict
from routing.problem import Problem
from routing.problem_file import problem_from_dict, problem_to_dict


@dataclass(frozen=True, slots=True)
class StoredDay:
    """A stored plan version as routing objects, with the crews' reports on it."""

    row: m.PlanRow
    problem: Problem
    plan: Plan
    reports: tuple[StopReport, ...]

    @property
    def done(self) -> tuple[StopReport, ...]:
        """The reports of visits done."""
        return tuple(r for r in self.reports if r.status == "done")

    def extend(self) -> Any:
        """How to add an urgent pickup's point: the stored problem's travel computed again with
        it."""
        return with_point_computed


def open_version(session: Session, plan_id: int, *, publish: bool) -> StoredDay:
    """Plan version ``plan_id`` to change; when the change is to be published, it must be the
    published version of its day (else two dispatchers could overwrite each other's change)."""
    row = plan_store.get_plan(session, plan_id)
    if publish and not row.published:
        current = plan_store.published_plan(session, row.district_id, row.plan_date)
        which = f"version {current.version} (plan {current.id})" if current else "none"
        raise ConflictError(
            f"plan {plan_id} is not the published version of its day (published: {which}); "
            "change the published version, or set publish to false",
            loc=("path", "plan_id"),
        )
    problem = problem_from_dict(row.problem, source=f"plan {plan_id} problem")
    plan = plan_from_dict(row.plan, source=f"plan {plan_id}")
    statuses = plan_store.reports(session, row.id)
    reports = tuple(
        StopReport(s.point_code, s.visit, s.status, s.reason or "reported skipped")  # type: ignore[arg-type]
        for s in sorted(statuses, key=lambda s: (s.point_code, s.visit))
    )
    return StoredDay(row, problem, plan, reports)


def _carry_reports(session: Session, day: StoredDay, result: DispatchResult, new: m.PlanRow) -> int:
    """Copy the base version's reports on visits kept on the same vehicle and shift."""
    before, after = placements(day.plan), placements(result.plan)
    rows = plan_store.reports(session, day.row.id)
    copied = 0
    for row in rows:
        key = (row.point_code, row.visit)
        if key in before and key in after and before[key][:2] == after[key][:2]:
            session.add(plan_store.copy_report(row, new.id))
            copied += 1
    return copied


def record_change(
    session: Session,
    day: StoredDay,
    result: DispatchResult,
    *,
    request: dict[str, Any],
    user_id: int,
    publish: bool,
) -> tuple[m.DispatchChangeRow, m.PlanRow]:
    """The result as the day's next version, with the change recorded (flushed, not committed)."""
    base = day.row
    figures = compute_kpis(result.problem, result.plan)
    kpis = figures.to_dict()
    new = plan_store.add_version(
        session,
        district_id=base.district_id,
        plan_date=base.plan_date,
        job_id=None,
        problem=problem_to_dict(result.problem),
        plan=plan_to_dict(result.plan),
        validation=result.report.to_dict(),
        kpis=kpis,
        cost_fen=figures.cost_fen,
    )
    carried = _carry_reports(session, day, result, new)
    if publish:
        session.refresh(base)
        if not base.published:
            raise ConflictError(
                f"plan {base.id} was replaced as the published version meanwhile; try again",
                loc=("path", "plan_id"),
            )
        plan_store.publish(session, new)
    change = m.DispatchChangeRow(
        district_id=base.district_id,
        plan_date=base.plan_date,
        operation=result.operation,
        base_plan_id=base.id,
        plan_id=new.id,
        request=request,
        summary=result.summary() | {"reports_carried": carried, "published": publish},
        created_by=user_id,
    )
    session.add(change)
    session.flush()
    return change, new


def get_change(session: Session, change_id: int) -> m.DispatchChangeRow:
    """The recorded change, or :class:`NotFoundError`."""
    change = session.get(m.DispatchChangeRow, change_id)
    if change is None:
        raise NotFoundError(f"no dispatch change {change_id}", loc=("path", "change_id"))
    return change


def list_changes(
    session: Session, district_id: int, *, plan_date: dt.date | None, offset: int, limit: int
) -> tuple[list[m.DispatchChangeRow], int]:
    """A page of a district's recorded changes, newest first."""
    conditions: list[Any] = [m.DispatchChangeRow.district_id == district_id]
    if plan_date is not None:
        conditions.append(m.DispatchChangeRow.plan_date == plan_date)
    total = (
        session.scalar(select(func.count()).select_from(m.DispatchChangeRow).where(*conditions))
        or 0
    )
    rows = session.scalars(
        select(m.DispatchChangeRow)
        .where(*conditions)
        .order_by(m.DispatchChangeRow.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(rows), total
