"""Scenario comparisons of a district: reading planners' what-ifs, and running them as jobs.

A comparison is checked when it is requested (every scenario read and its changes applied to the
district's current data, so a bad change is refused at once, naming ``scenarios[i].changes[j]``
and the field) and run later by the job executor: each scenario is solved in turn on one core,
judged by the validator, and the report (JSON and HTML) is stored with the job's success.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from api.core.errors import NotFoundError
from api.db import models as m
from api.db.engine import make_engine, session_factory
from api.db.scenario_models import ScenarioComparisonRow
from api.jobs.queue import JobQueue
from api.jobs.runner import worker_name
from api.repositories.districts import get_district, load_problem
from routing.errors import Defect, HuanweiError
from routing.problem import Problem
from routing.problem_file import problem_to_dict
from scenarios.base import BaseDay, build_base, scenario_problem
from scenarios.report import comparison, comparison_html
from scenarios.scenario_file import Base, Scenario, ScenarioError, SolveOptions, scenario_from_dict
from scenarios.sweep import ScenarioOutcome, ScenarioTask, solve_problem

log = logging.getLogger(__name__)

QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"
CURRENT = "current"


def district_document(session: Session, district_id: int) -> dict[str, Any]:
    """The district's current data as a problem file's JSON form (the scenarios' base)."""
    problem, travel = load_problem(session, get_district(session, district_id))
    return problem_to_dict(problem, travel=travel)


def scenarios_of(request: Mapping[str, Any], document: Mapping[str, Any]) -> list[Scenario]:
    """The request's scenarios on the district ``document``, the district as it is first.

    Raises
    ------
    ScenarioError
        Naming ``scenarios[i]``, the change and the field of every defect.
    """
    options = SolveOptions(
        seed=int(request.get("seed", 0)),
        time_limit_s=float(request.get("time_limit_s", 30.0)),
        iterations=request.get("iterations"),
    )
    base = Base(document=document)
    scenarios: list[Scenario] = []
    if request.get("include_current", True):
        scenarios.append(Scenario(CURRENT, base, (), options, "the district as it is"))
    defects: list[Defect] = []
    for i, raw in enumerate(request["scenarios"]):
        try:
            read = scenario_from_dict(
                {k: raw[k] for k in ("name", "description", "changes") if k in raw},
                source=f"scenarios[{i}]",
                document=document,
            )
        except ScenarioError as error:
            defects += [
                Defect(f"scenarios[{i}].{d.record}", d.field, d.message) for d in error.defects
            ]
            continue
        scenarios.append(Scenario(read.name, base, read.changes, options, read.description))
    names = [s.name for s in scenarios]
    for i, name in enumerate(names):
        if name in names[:i]:
            defects.append(Defect(f"scenarios[{i}]", "name", f"{name!r} is used twice"))
    if defects:
        raise ScenarioError(defects, source="scenario comparison")
    return scenarios


def problems_of(scenarios: list[Scenario], day: BaseDay) -> dict[str, Problem]:
    """Each scenario's problem; a change that does not apply is named with its scenario."""
    problems: dict[str, Problem] = {}
    for i, scenario in enumerate(scenarios):
        try:
            problems[scenario.name] = scenario_problem(scenario, day)
        except ScenarioError:
            raise
        except HuanweiError as error:
            defects = getattr(error, "defects", (Defect("scenario", "changes", str(error)),))
            where = f"scenario {scenario.name}"
            raise ScenarioError(
                [Defect(f"{where}: {d.record}", d.field, d.message) for d in defects],
                source=f"scenarios[{i}]",
            ) from None
    return problems


def scenario_of_plan(
    scenario: Mapping[str, Any], problem: Problem, travel: dict[str, Any]
) -> tuple[Problem, dict[str, Any]]:
    """The what-if of a plan request on the district's current ``problem``: its problem and
    travel section.

    Raises
    ------
    ScenarioError
        Naming ``scenario``, the change and the field of every defect.
    """
    document = problem_to_dict(problem, travel=travel)
    request = {"scenarios": [scenario], "include_current": False}
    try:
        day = build_base(Base(document=document))
        (read,) = scenarios_of(request, document)
        return problems_of([read], day)[read.name], dict(day.travel)
    except ScenarioError as error:
        raise ScenarioError(
            [
                Defect(d.record.replace("scenarios[0]", "scenario", 1), d.field, d.message)
                for d in error.defects
            ],
            source="plan request",
        ) from None


def get_comparison(session: Session, comparison_id: int) -> ScenarioComparisonRow:
    """The comparison, or :class:`NotFoundError`."""
    row = session.get(ScenarioComparisonRow, comparison_id)
    if row is None:
        raise NotFoundError(
            f"no scenario comparison {comparison_id}", loc=("path", "comparison_id")
        )
    return row


def _claim(session: Session, comparison_id: int, worker: str) -> bool:
    result = session.execute(
        update(ScenarioComparisonRow)
        .where(ScenarioComparisonRow.id == comparison_id, ScenarioComparisonRow.status == QUEUED)
        .values(status=RUNNING, worker=worker, started_at=m.utcnow(), progress=0.0)
    )
    session.commit()
    return bool(getattr(result, "rowcount", 0) == 1)


def _finish(sessions: sessionmaker[Session], comparison_id: int, **values: Any) -> None:
    with sessions() as session:
        session.execute(
            update(ScenarioComparisonRow)
            .where(ScenarioComparisonRow.id == comparison_id)
            .values(finished_at=m.utcnow(), **values)
        )
        session.commit()


def run_comparison(
    sessions: sessionmaker[Session], comparison_id: int, *, worker: str = ""
) -> str | None:
    """Run a queued comparison; its final status (None if another worker had it)."""
    worker = worker or worker_name("scenarios")
    with sessions() as session:
        if not _claim(session, comparison_id, worker):
            return None
        row = get_comparison(session, comparison_id)
        request, district_id = dict(row.request), row.district_id
        try:
            document = district_document(session, district_id)
        except HuanweiError as error:
            _finish(sessions, comparison_id, status=FAILED, error=str(error))
            return FAILED
    try:
        scenarios = scenarios_of(request, document)
        day = build_base(Base(document=document))
        problems = problems_of(scenarios, day)
        outcomes: list[ScenarioOutcome] = []
        for scenario in scenarios:
            task = ScenarioTask(scenario, scenario.solve)
            outcomes.append(solve_problem(problems[scenario.name], task))
            with sessions() as session:
                get_comparison(session, comparison_id).progress = len(outcomes) / len(scenarios)
                session.commit()
        report = comparison(outcomes)
        html = comparison_html(report, outcomes, problems, None)
    except Exception as error:
        log.exception("scenario comparison %s failed", comparison_id)
        _finish(sessions, comparison_id, status=FAILED, error=f"{type(error).__name__}: {error}")
        return FAILED
    _finish(sessions, comparison_id, status=SUCCEEDED, progress=1.0, report=report, html=html)
    return SUCCEEDED


def run_comparison_in_process(database_url: str, comparison_id: int) -> str | None:
    """A process pool's entry point (picklable arguments): its own engine."""
    engine = make_engine(database_url)
    try:
        return run_comparison(session_factory(engine), comparison_id)
    finally:
        engine.dispose()


def submit(queue: JobQueue, comparison_id: int) -> None:
    """Hand a queued comparison to the app's job executor; with the ``external`` executor,
    ``huanwei scenario worker`` runs it."""
    executor = queue.executor
    if executor is None:
        return
    future: Future[str | None]
    if isinstance(executor, ProcessPoolExecutor):
        future = executor.submit(
            run_comparison_in_process, queue.settings.database_url, comparison_id
        )
    else:
        future = executor.submit(run_comparison, queue.sessions, comparison_id)
    future.add_done_callback(_log_crash)


def _log_crash(future: Future[str | None]) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.error("scenario comparison crashed: %s", future.exception())


def run_queued(sessions: sessionmaker[Session]) -> int:
    """Run every queued comparison, oldest first (``huanwei scenario worker``); how many ran."""
    with sessions() as session:
        ids = list(
            session.scalars(
                select(ScenarioComparisonRow.id)
                .where(ScenarioComparisonRow.status == QUEUED)
                .order_by(ScenarioComparisonRow.id)
            )
        )
    return sum(1 for i in ids if run_comparison(sessions, i) is not None)
