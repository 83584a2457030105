"""Scenario comparisons as jobs: claimed, beaten, cancelled and reaped as plan jobs are.

A comparison is a job of its own kind (:data:`api.jobs.store.COMPARISONS`) that goes through the
plan jobs' machinery (:mod:`api.jobs.running`): a conditional claim, its scenarios solved in
turn on one core in a child process while the worker renews the heartbeat and writes progress
(the share of scenarios solved), the child ended on a cancel, and a comparison whose worker died
failed by the reaper and retryable. The report (JSON, and its page in Chinese and in English) is
stored with the comparison's success; a report that comes back after the reaper failed the comparison is kept unless the
comparison was retried meanwhile. The comparison's rows and the reading of its scenarios are
:mod:`api.repositories.scenarios`'.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from api.db.engine import make_engine, session_factory
from api.jobs import store
from api.jobs.child import SolveFailedError
from api.jobs.running import JobCancelledError, end_job, refuse_late, run_beating, worker_name
from api.repositories.scenarios import district_document, get_comparison, problems_of, scenarios_of
from routing.errors import HuanweiError
from routing.problem import Problem
from routing.solve import Progress
from scenarios.base import build_base
from scenarios.report import LANGUAGES, comparison, comparison_html
from scenarios.scenario_file import Base
from scenarios.sweep import ScenarioOutcome, ScenarioTask, solve_problem

log = logging.getLogger(__name__)

COMPARISONS = store.COMPARISONS


class ScenarioSolver(Protocol):
    """Solves one scenario's problem and judges the plan (:func:`scenarios.sweep.solve_problem`)."""

    def __call__(
        self, problem: Problem, task: ScenarioTask, *, progress: Progress | None = None
    ) -> ScenarioOutcome: ...


@dataclass(frozen=True, slots=True)
class ComparisonTask:
    """A comparison's work, as its child process runs it: every scenario read, built, solved and
    judged in turn, then the report; returns the report's JSON and its pages by language.

    ``request`` is the planner's (:class:`api.schemas.scenarios.ComparisonRequest`'s fields),
    ``document`` the district's current data as a problem file.
    """

    request: Mapping[str, Any]
    document: Mapping[str, Any]
    solver: ScenarioSolver = solve_problem

    def __call__(self, progress: Progress) -> tuple[dict[str, Any], dict[str, str]]:
        document = dict(self.document)
        scenarios = scenarios_of(self.request, document)
        day = build_base(Base(document=document))
        problems = problems_of(scenarios, day)
        outcomes: list[ScenarioOutcome] = []
        for i, scenario in enumerate(scenarios):

            def share(fraction: float, best_cost_fen: int | None, i: int = i) -> None:
                progress((i + fraction) / len(scenarios), None)

            task = ScenarioTask(scenario, scenario.solve)
            outcomes.append(self.solver(problems[scenario.name], task, progress=share))
            progress((i + 1) / len(scenarios), None)
        report = comparison(outcomes)
        pages = {
            lang: comparison_html(report, outcomes, problems, None, lang=lang) for lang in LANGUAGES
        }
        return report, pages


def run_comparison(
    sessions: sessionmaker[Session],
    comparison_id: int,
    *,
    worker: str = "",
    solver: ScenarioSolver = solve_problem,
    isolate: bool = False,
    clock: Callable[[], float] = time.monotonic,
) -> str | None:
    """Run a queued comparison; its final status (None if it was not ours).

    Parameters
    ----------
    sessions
        Sessions of the comparison's database.
    comparison_id
        The comparison.
    worker
        This worker's name (:func:`api.jobs.running.worker_name`; one is made if empty).
    solver
        Solves each scenario; with ``isolate`` it must be picklable.
    isolate
        Solve in a child process, as the executors and the workers do; otherwise in this thread
        (tests of the API around a comparison).
    clock
        Seconds, for spacing progress writes.
    """
    worker = worker or worker_name("scenarios")
    task = _claim(sessions, comparison_id, worker=worker, solver=solver)
    if not isinstance(task, ComparisonTask):
        return task  # not ours (None), or failed before its solves

    def end(status: str, error: str) -> str | None:
        return end_job(sessions, comparison_id, worker, status, error, kind=COMPARISONS)

    try:
        report, pages = run_beating(
            sessions,
            comparison_id,
            task,
            worker=worker,
            kind=COMPARISONS,
            isolate=isolate,
            name=f"scenario-comparison-{comparison_id}",
            clock=clock,
        )
    except JobCancelledError:
        return end(store.CANCELLED, "cancelled during the solves")
    except SolveFailedError as error:
        return end(store.FAILED, str(error))
    except Exception as error:
        log.exception("scenario comparison %s failed", comparison_id)
        return end(store.FAILED, f"{type(error).__name__}: {error}")
    return _store_report(sessions, comparison_id, worker=worker, report=report, pages=pages)


def _claim(
    sessions: sessionmaker[Session], comparison_id: int, *, worker: str, solver: ScenarioSolver
) -> ComparisonTask | str | None:
    """Claim comparison ``comparison_id`` for ``worker`` and read its request and district.

    Returns
    -------
    ComparisonTask | str | None
        The comparison's work; :data:`api.jobs.store.FAILED` when the district's data cannot be
        read (the comparison is failed, committed); None when it was not queued for us to take.
    """
    with sessions() as session:
        if not store.claim(session, comparison_id, worker=worker, kind=COMPARISONS):
            return None
        row = get_comparison(session, comparison_id)
        request = dict(row.request)
        try:
            document = district_document(session, row.district_id)
        except HuanweiError as error:
            store.finish(
                session,
                comparison_id,
                worker=worker,
                status=store.FAILED,
                error=str(error),
                kind=COMPARISONS,
            )
            session.commit()
            return store.FAILED
    return ComparisonTask(request, document, solver)


def _store_report(
    sessions: sessionmaker[Session],
    comparison_id: int,
    *,
    worker: str,
    report: dict[str, Any],
    pages: dict[str, str],
) -> str | None:
    """Store the report and its pages (by language) with the comparison's success; SUCCEEDED,
    or None when the comparison was no longer ``worker``'s to finish (the refusal is noted)."""
    html, html_en = pages["zh"], pages["en"]
    with sessions() as session:
        if store.finish(
            session,
            comparison_id,
            worker=worker,
            status=store.SUCCEEDED,
            kind=COMPARISONS,
            report=report,
            html=html,
            html_en=html_en,
        ) or store.finish_late(
            session,
            comparison_id,
            worker=worker,
            kind=COMPARISONS,
            report=report,
            html=html,
            html_en=html_en,
        ):
            session.commit()
            return store.SUCCEEDED
        session.rollback()
    refuse_late(sessions, comparison_id, worker, kind=COMPARISONS)
    return None


def run_comparison_in_process(database_url: str, comparison_id: int) -> str | None:
    """A process pool's entry point (picklable arguments): its own engine."""
    engine = make_engine(database_url)
    try:
        return run_comparison(
            session_factory(engine), comparison_id, worker=worker_name("process"), isolate=True
        )
    finally:
        engine.dispose()


def run_queued(sessions: sessionmaker[Session]) -> int:
    """Run every queued comparison here, oldest first (tests); how many ran."""
    with sessions() as session:
        ids = store.queued_ids(session, kind=COMPARISONS)
    return sum(1 for i in ids if run_comparison(sessions, i) is not None)
