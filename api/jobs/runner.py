"""Running one plan job: claim it, solve, judge, and store the plan with the job's success.

The plan, its validation report and KPIs are written in the same transaction that marks the job
succeeded, so a worker killed mid-solve leaves no partial plan: only a running job whose heartbeat
stops, which :func:`api.jobs.store.fail_lost` turns into a failed, retryable job.

Workers solve in a child process (``isolate``, :mod:`api.jobs.child`): the heartbeat then never
waits for the solver's C++ code to let go of the interpreter. A plan that still arrives for a job
the reaper failed is kept if no other attempt took the job meanwhile, and refused visibly (the
job's error says so) otherwise.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api.core.errors import ConflictError
from api.db import models as m
from api.jobs import store
from api.jobs.child import SolveFailedError, SolveTask
from api.jobs.running import JobCancelledError, end_job, refuse_late, run_beating
from api.repositories import plans as plan_store
from api.repositories.districts import get_district, load_problem
from api.repositories.scenarios import scenario_of_plan
from gis_data.resident_calendar import residents_html
from routing.calendar.calendar_file import calendar_from_dict
from routing.calendar.judge import validate_calendar
from routing.calendar.model import CalendarProblem
from routing.calendar.plan import CalendarPlan
from routing.calendar.planner import available_cores, plan_calendar
from routing.errors import HuanweiError
from routing.kpi import PlanKpis, compute_kpis
from routing.plan import Plan
from routing.plan_file import plan_to_dict
from routing.problem import Problem
from routing.problem_file import problem_to_dict
from routing.solve import Progress, solve
from routing.validation import validate

log = logging.getLogger(__name__)

VERSION_RETRIES = 5


class Solver(Protocol):
    """The solver's call (:func:`routing.solve.solve`)."""

    def __call__(
        self, problem: Problem, *, time_limit_s: float, seed: int, progress: Progress | None
    ) -> Plan: ...


def run_job(
    sessions: sessionmaker[Session],
    job_id: int,
    *,
    worker: str,
    solver: Solver = solve,
    isolate: bool = False,
    clock: Callable[[], float] = time.monotonic,
) -> str | None:
    """Run job ``job_id`` if it is still queued; returns its final status (None if not ours).

    Parameters
    ----------
    sessions
        Sessions of the job's database.
    job_id
        The job.
    worker
        This worker's name (:func:`api.jobs.running.worker_name`): the job is claimed, beaten
        and finished as its.
    solver
        The solve function; with ``isolate`` it must be picklable (a module's top-level function).
    isolate
        Solve in a child process (:func:`api.jobs.child.solve_in_child`), as the executors and
        ``huanwei worker`` do; otherwise in this thread (tests of the API around a plan).
    clock
        Seconds, for spacing progress writes.
    """
    claimed = _claim(sessions, job_id, worker=worker)
    if not isinstance(claimed, _Claimed):
        return claimed  # not ours (None), or failed before its solve
    task: Callable[[Progress], Plan | CalendarPlan]
    if claimed.calendar is not None:
        task = CalendarTask(claimed.calendar, claimed.time_limit_s, claimed.seed)
    else:
        task = SolveTask(solver, claimed.problem, claimed.time_limit_s, claimed.seed)
    try:
        plan = run_beating(
            sessions,
            job_id,
            task,
            worker=worker,
            isolate=isolate,
            name=f"plan-job-{job_id}",
            clock=clock,
        )
    except JobCancelledError:
        return end_job(sessions, job_id, worker, store.CANCELLED, "cancelled during the solve")
    except SolveFailedError as error:
        return end_job(sessions, job_id, worker, store.FAILED, str(error))
    except Exception as error:
        log.exception("plan job %s failed", job_id)
        error_text = f"{type(error).__name__}: {error}"
        return end_job(sessions, job_id, worker, store.FAILED, error_text)
    if isinstance(plan, CalendarPlan) and claimed.calendar is not None:
        return _store_calendar(sessions, job_id, worker, claimed.calendar, plan)
    if not isinstance(plan, Plan):
        return end_job(sessions, job_id, worker, store.FAILED, "the solve returned no plan")
    return _store_plan(sessions, job_id, worker, claimed.problem, plan)


class _Claimed(NamedTuple):
    """A claimed job's problem (the scenario's, for a what-if) and solve options; for a
    calendar job, its calendar over that problem."""

    problem: Problem
    time_limit_s: float
    seed: int
    calendar: CalendarProblem | None = None


@dataclass(frozen=True, slots=True)
class CalendarTask:
    """A calendar job's planning, as the child runs it (picklable)."""

    calendar: CalendarProblem
    time_limit_s: float
    seed: int

    def __call__(self, progress: Progress) -> CalendarPlan:
        return plan_calendar(
            self.calendar,
            time_limit_s=self.time_limit_s,
            seed=self.seed,
            progress=progress,
            cores=available_cores(),
        )


def _claim(sessions: sessionmaker[Session], job_id: int, *, worker: str) -> _Claimed | str | None:
    """Claim job ``job_id`` for ``worker`` and read its problem.

    Returns
    -------
    _Claimed | str | None
        What the solve needs; :data:`api.jobs.store.FAILED` when the district's data cannot be
        read (the job is failed, committed); None when the job was not queued for us to take.
    """
    with sessions() as session:
        if not store.claim(session, job_id, worker=worker):
            return None
        job = store.get_job(session, job_id)
        try:
            problem = load_problem(session, get_district(session, job.district_id))
            if job.scenario is not None:  # the what-if, on the district's data of today
                problem = scenario_of_plan(job.scenario, problem)
            calendar = None
            if job.calendar is not None:
                calendar = calendar_from_dict(job.calendar, problem, source="calendar")
        except HuanweiError as error:
            store.finish(session, job_id, worker=worker, status=store.FAILED, error=str(error))
            session.commit()
            return store.FAILED
        return _Claimed(problem, job.time_limit_s, job.seed, calendar)


def _finish(
    sessions: sessionmaker[Session],
    job_id: int,
    worker: str,
    store_result: Callable[[Session, m.PlanJobRow], None],
) -> str | None:
    """Mark the job succeeded and ``store_result`` in the same transaction; numbered again when
    another job took a version number meanwhile. None when the job is no longer ours."""
    for _ in range(VERSION_RETRIES):
        with sessions() as session:
            job = store.get_job(session, job_id)
            try:
                if not store.finish(
                    session, job_id, worker=worker, status=store.SUCCEEDED
                ) and not store.finish_late(session, job_id, worker=worker):
                    session.rollback()
                    refuse_late(sessions, job_id, worker)
                    return None
                store_result(session, job)
                session.commit()
                return store.SUCCEEDED
            except IntegrityError:
                session.rollback()  # another job took this version number: number again
    return end_job(sessions, job_id, worker, store.FAILED, "could not number the plan version")


def _publish(session: Session, job: m.PlanJobRow, row: m.PlanRow) -> None:
    """Publish ``row`` for a job that publishes; where that would undo the live day unasked,
    keep it stored and say so in the job's error."""
    if not job.publish:
        return
    try:
        plan_store.publish_checked(session, row, force=False)
    except ConflictError as refused:
        session.expire(job, ["error"])  # as the finishing update left it
        note = f"stored, not published ({row.plan_date.isoformat()}): {refused.message}"
        job.error = "; ".join(filter(None, (job.error, note)))


def _add_version(
    session: Session, job: m.PlanJobRow, date: dt.date, problem: Problem, plan: Plan
) -> tuple[m.PlanRow, PlanKpis]:
    """The plan stored as the next version of ``date``, judged, with its figures."""
    figures = compute_kpis(problem, plan)
    row = plan_store.add_version(
        session,
        district_id=job.district_id,
        plan_date=date,
        job_id=job.id,
        problem=problem_to_dict(problem),
        plan=plan_to_dict(plan),
        validation=validate(problem, plan).to_dict(),
        kpis=figures.to_dict(),
        cost_fen=figures.cost_fen,
    )
    return row, figures


def _store_plan(
    sessions: sessionmaker[Session],
    job_id: int,
    worker: str,
    problem: Problem,
    plan: Plan,
) -> str | None:
    def store_result(session: Session, job: m.PlanJobRow) -> None:
        row, figures = _add_version(session, job, job.plan_date, problem, plan)
        _publish(session, job, row)
        job.plan_id = row.id
        job.best_cost_fen = figures.cost_fen

    return _finish(sessions, job_id, worker, store_result)


def _store_calendar(
    sessions: sessionmaker[Session],
    job_id: int,
    worker: str,
    calendar: CalendarProblem,
    plan: CalendarPlan,
) -> str | None:
    """Store each day's plan as a version of its date (published with the job's ``publish``),
    and the calendar's result on the job, in the transaction that marks it succeeded."""
    judged = validate_calendar(calendar, plan)
    residents = {lang: residents_html(calendar, plan, lang=lang) for lang in ("zh", "en")}

    def store_result(session: Session, job: m.PlanJobRow) -> None:
        days: list[dict[str, Any]] = []
        costs = []
        for day, day_plan in enumerate(plan.days):
            date = job.plan_date + dt.timedelta(days=day)
            problem = calendar.day_problem(day, plan.patterns)
            row, figures = _add_version(session, job, date, problem, day_plan)
            _publish(session, job, row)
            days.append(
                {
                    "date": date.isoformat(),
                    "weekday": calendar.weekday(day),
                    "plan_id": row.id,
                    "points": len(problem.points),
                    "vehicles": figures.vehicles_used,
                    "routes": figures.routes,
                    "working_h": figures.working_h,
                    "km": figures.km,
                    "cost_yuan": figures.cost_yuan,
                    "unserved": figures.visits_unserved,
                }
            )
            costs.append(figures.cost_fen)
        job.plan_id = days[0]["plan_id"]
        job.best_cost_fen = sum(costs)
        job.calendar_result = {
            "horizon_days": calendar.horizon_days,
            "first_weekday": calendar.first_weekday,
            "patterns": {p: list(q) for p, q in sorted(plan.patterns.items())},
            "days": days,
            "valid": judged.ok,
            "violations": judged.by_rule(),
            "stats": dict(plan.stats),
            "residents": residents,
        }

    return _finish(sessions, job_id, worker, store_result)
