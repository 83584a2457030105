"""``huanwei worker``: a process that runs queued jobs from the database, one at a time.

It runs plan jobs and scenario comparisons (plan jobs first: they plan the days the crews
drive); ``huanwei scenario worker`` runs the same loop for comparisons alone.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from api.core.config import Settings
from api.db.engine import make_engine, session_factory
from api.jobs import store
from api.jobs.comparisons import run_comparison
from api.jobs.runner import Solver, run_job
from api.jobs.running import worker_name
from routing.solve import solve

log = logging.getLogger(__name__)


def work(
    settings: Settings,
    *,
    stop: threading.Event | None = None,
    poll_s: float = 1.0,
    max_jobs: int | None = None,
    solver: Solver = solve,
    kinds: Sequence[store.JobKind] = store.KINDS,
    until_idle: bool = False,
) -> int:
    """Run queued jobs of ``kinds`` until ``stop`` is set (or ``max_jobs`` have run, or, with
    ``until_idle``, none is queued); returns jobs run.

    Each loop first fails jobs whose worker stopped, so a fleet of workers also reaps. Each job
    is solved in a child process (``solver``, a plan job's, must be a module's top-level
    function), so this process keeps beating the job's heartbeat however long a step of the
    solver holds on. The oldest job of the first kind with one queued runs next.
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
                queued = ((k, store.next_queued(session, kind=k)) for k in kinds)
                kind, job_id = next(((k, i) for k, i in queued if i is not None), (None, None))
            if kind is None or job_id is None:
                if until_idle:
                    break
                stop.wait(poll_s)
                continue
            if kind is store.COMPARISONS:
                status = run_comparison(sessions, job_id, worker=name, isolate=True)
            else:
                status = run_job(sessions, job_id, worker=name, solver=solver, isolate=True)
            if status is not None:
                log.info("%s %s: %s", kind, job_id, status)
                done += 1
    finally:
        engine.dispose()
    return done
