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

import logging
import time
from collections.abc import Callable
from typing import NamedTuple, Protocol

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api.core.errors import ConflictError
from api.jobs import store
from api.jobs.child import SolveFailedError, SolveTask
from api.jobs.running import JobCancelledError, end_job, refuse_late, run_beating
from api.repositories import plans as plan_store
from api.repositories.districts import get_district, load_problem
from api.repositories.scenarios import scenario_of_plan
from routing.errors import HuanweiError
from routing.kpi import compute_kpis
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
    return _store_plan(sessions, job_id, worker, claimed.problem, plan)


class _Claimed(NamedTuple):
    """A claimed job's problem (the scenario's, for a what-if) and solve options."""

    problem: Problem
    time_limit_s: float
    seed: int


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
        except HuanweiError as error:
            store.finish(session, job_id, worker=worker, status=store.FAILED, error=str(error))
            session.commit()
            return store.FAILED
        return _Claimed(problem, job.time_limit_s, job.seed)


def _store_plan(
    sessions: sessionmaker[Session],
    job_id: int,
    worker: str,
    problem: Problem,
    plan: Plan,
) -> str | None:
    report = validate(problem, plan).to_dict()
    figures = compute_kpis(problem, plan)
    kpis = figures.to_dict()
    document = problem_to_dict(problem)
    plan_document = plan_to_dict(plan)
    cost_fen = figures.cost_fen
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
                row = plan_store.add_version(
                    session,
                    district_id=job.district_id,
                    plan_date=job.plan_date,
                    job_id=job_id,
                    problem=document,
                    plan=plan_document,
                    validation=report,
                    kpis=kpis,
                    cost_fen=cost_fen,
                )
                if job.publish:
                    try:
                        plan_store.publish_checked(session, row, force=False)
                    except ConflictError as refused:  # the live day is not undone unasked
                        session.expire(job, ["error"])  # as the finishing update left it
                        note = f"stored, not published: {refused.message}"
                        job.error = "; ".join(filter(None, (job.error, note)))
                job.plan_id = row.id
                job.best_cost_fen = cost_fen
                session.commit()
                return store.SUCCEEDED
            except IntegrityError:
                session.rollback()  # another job took this version number: number again
    return end_job(sessions, job_id, worker, store.FAILED, "could not number the plan version")
