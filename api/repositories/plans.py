"""Plan versions of a district-day: storing a job's result, listing, publishing.

Versions of a district-day are numbered 1, 2, … (a unique constraint settles a race between two
jobs of the same day); at most one is published (a partial unique index settles a race between two
publications).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from api.core.errors import NotFoundError
from api.db import models as m
from routing.kpi import compute_kpis
from routing.plan import Plan
from routing.plan_file import plan_to_dict
from routing.problem import Problem
from routing.problem_file import problem_to_dict
from routing.units import FEN_PER_YUAN, round_int
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
    travel: dict[str, Any],
) -> m.PlanRow:
    """A plan made outside a job (e.g. by ``huanwei demo``) as the next version of its day.

    The validation report and KPIs are computed on ``problem`` (its own travel matrices); the
    stored problem snapshot states ``travel`` (flushed, not committed; not published).
    """
    kpis = compute_kpis(problem, plan).to_dict()
    return add_version(
        session,
        district_id=district_id,
        plan_date=plan_date,
        job_id=None,
        problem=problem_to_dict(problem, travel=travel),
        plan=plan_to_dict(plan),
        validation=validate(problem, plan).to_dict(),
        kpis=kpis,
        cost_fen=round_int(float(kpis["cost_yuan"]) * FEN_PER_YUAN),
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


def published_plan(session: Session, district_id: int, plan_date: dt.date) -> m.PlanRow | None:
    """The published version of a district-day, if any."""
    return session.scalar(
        select(m.PlanRow).where(
            m.PlanRow.district_id == district_id,
            m.PlanRow.plan_date == plan_date,
            m.PlanRow.published.is_(True),
        )
    )
