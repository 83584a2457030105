"""``huanwei worker``: a process that runs queued plan jobs from the database, one at a time."""

from __future__ import annotations

import logging
import threading

from api.core.config import Settings
from api.db.engine import make_engine, session_factory
from api.jobs import store
from api.jobs.runner import Solver, run_job, worker_name
from routing.solve import solve

log = logging.getLogger(__name__)


def work(
    settings: Settings,
    *,
    stop: threading.Event | None = None,
    poll_s: float = 1.0,
    max_jobs: int | None = None,
    solver: Solver = solve,
) -> int:
    """Run queued jobs until ``stop`` is set (or ``max_jobs`` have run); returns jobs run.

    Each loop first fails jobs whose worker stopped, so a fleet of workers also reaps. Each job
    is solved in a child process (``solver`` must be a module's top-level function), so this
    process keeps beating the job's heartbeat however long a step of the solver holds on.
    """
    stop = stop or threading.Event()
    engine = make_engine(settings.database_url)
    sessions = session_factory(engine)
    name = worker_name("worker")
    done = 0
    try:
        while not stop.is_set() and (max_jobs is None or done < max_jobs):
            with sessions() as session:
                store.fail_lost(session, stale_after_s=settings.stale_job_s)
                job_id = store.next_queued(session)
            if job_id is None:
                stop.wait(poll_s)
                continue
            status = run_job(sessions, job_id, worker=name, solver=solver, isolate=True)
            if status is not None:
                log.info("plan job %s: %s", job_id, status)
                done += 1
    finally:
        engine.dispose()
    return done
