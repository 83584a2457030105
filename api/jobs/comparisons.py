"""Scenario comparisons as jobs: claimed by one worker, solved scenario by scenario, reported.

Each scenario of a queued comparison is solved in turn on one core and judged by the validator;
the report (JSON and HTML) is stored with the comparison's success. The comparison's rows and
the reading of its scenarios are :mod:`api.repositories.scenarios`'.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from api.db import models as m
from api.db.engine import make_engine, session_factory
from api.db.scenario_models import ScenarioComparisonRow
from api.jobs.queue import JobQueue
from api.jobs.runner import worker_name
from api.repositories.scenarios import (
    FAILED,
    QUEUED,
    RUNNING,
    SUCCEEDED,
    district_document,
    get_comparison,
    problems_of,
    scenarios_of,
)
from routing.errors import HuanweiError
from scenarios.base import build_base
from scenarios.report import comparison, comparison_html
from scenarios.scenario_file import Base
from scenarios.sweep import ScenarioOutcome, ScenarioTask, solve_problem

log = logging.getLogger(__name__)


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
