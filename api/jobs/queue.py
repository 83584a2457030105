"""Where jobs run: an executor inside the API process, or ``huanwei worker`` processes.

Jobs are plan jobs and scenario comparisons (:class:`api.jobs.store.JobKind`): both are
submitted to the same executor, reaped by the same reaper and resubmitted at start.

==========  ===============================================================================
executor    what runs a submitted job
==========  ===============================================================================
process     a :class:`~concurrent.futures.ProcessPoolExecutor` (spawned processes, each with
            its own database engine, at a lower CPU priority: ``job_nice``); the default:
            solving does not hold up requests
thread      a :class:`~concurrent.futures.ThreadPoolExecutor` sharing the API's engine
external    nothing in the API: ``huanwei worker`` processes poll for queued jobs
==========  ===============================================================================

Whatever the executor, the solve itself runs in a child process of the job's worker
(:mod:`api.jobs.child`, :mod:`api.jobs.running`), which beats the heartbeat, relays progress and ends the child on a
cancel. A pool's worker process is not daemonic (``concurrent.futures`` since Python 3.9), so it
may start that child. Whatever the executor, a job's record is its state: at start the queue fails jobs whose worker
stopped (no heartbeat for ``stale_job_s``) and submits every queued job again, so jobs survive a
restart of the API; a reaper thread keeps failing lost jobs while the API runs.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from api.core.config import Settings
from api.db.engine import make_engine, session_factory
from api.jobs import store
from api.jobs.comparisons import run_comparison, run_comparison_in_process
from api.jobs.runner import Solver, run_job
from api.jobs.running import worker_name
from routing.solve import solve

log = logging.getLogger(__name__)


def lower_priority(nice: int) -> None:
    """Make this worker process yield the CPU to the API's requests (the pool's initializer)."""
    if nice > 0 and hasattr(os, "nice"):
        os.nice(nice)


def run_job_in_process(database_url: str, job_id: int) -> str | None:
    """Run a job in a worker process (the process pool's entry point: picklable arguments)."""
    engine = make_engine(database_url)
    try:
        return run_job(session_factory(engine), job_id, worker=worker_name("process"), isolate=True)
    finally:
        engine.dispose()


class JobQueue:
    """Submits jobs (plan jobs, scenario comparisons) to the configured executor and keeps lost jobs from hanging.

    Parameters
    ----------
    solver
        The solve function for the ``thread`` executor (tests pass slow or failing ones): a
        module's top-level function, as it is sent to the job's child process; the ``process``
        executor always runs :func:`routing.solve.solve`.
    """

    def __init__(
        self,
        *,
        settings: Settings,
        sessions: sessionmaker[Session],
        solver: Solver = solve,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.solver = solver
        self.executor: Executor | None = None
        self._futures: set[Future[str | None]] = set()
        self._stop = threading.Event()
        self._reaper: threading.Thread | None = None

    def start(self) -> None:
        """Start the executor and the reaper; fail lost jobs and resubmit queued ones."""
        kind = self.settings.job_executor
        if kind == "process":
            context = multiprocessing.get_context("spawn")
            self.executor = ProcessPoolExecutor(
                self.settings.job_workers,
                mp_context=context,
                initializer=lower_priority,
                initargs=(self.settings.job_nice,),
            )
        elif kind == "thread":
            self.executor = ThreadPoolExecutor(self.settings.job_workers, thread_name_prefix="job")
        try:
            self.reap()
            with self.sessions() as session:
                queued = [(k, i) for k in store.KINDS for i in store.queued_ids(session, kind=k)]
            for job_kind, job_id in queued:
                self.submit(job_id, kind=job_kind)
        except SQLAlchemyError as error:  # the API still starts, and /health says why
            log.error("jobs cannot be read (is the database migrated?): %s", error)
        self._reaper = threading.Thread(target=self._reap_loop, name="job-reaper", daemon=True)
        self._reaper.start()

    def submit(self, job_id: int, *, kind: store.JobKind = store.PLANS) -> None:
        """Hand a queued job to the executor (with ``external``, the workers will find it)."""
        if self.executor is None:
            return
        future: Future[str | None]
        url = self.settings.database_url
        if kind is store.COMPARISONS:
            if isinstance(self.executor, ProcessPoolExecutor):
                future = self.executor.submit(run_comparison_in_process, url, job_id)
            else:
                future = self.executor.submit(
                    run_comparison,
                    self.sessions,
                    job_id,
                    worker=worker_name("thread"),
                    isolate=True,
                )
        elif isinstance(self.executor, ProcessPoolExecutor):
            future = self.executor.submit(run_job_in_process, url, job_id)
        else:
            future = self.executor.submit(
                run_job,
                self.sessions,
                job_id,
                worker=worker_name("thread"),
                solver=self.solver,
                isolate=True,
            )
        self._futures.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: Future[str | None]) -> None:
        self._futures.discard(future)
        if not future.cancelled() and future.exception() is not None:
            log.error("a job crashed: %s", future.exception())

    def reap(self) -> int:
        """Fail running jobs (of every kind) whose worker stopped; returns how many."""
        with self.sessions() as session:
            return store.fail_lost(session, stale_after_s=self.settings.stale_job_s)

    def _reap_loop(self) -> None:
        while not self._stop.wait(max(1.0, self.settings.stale_job_s / 2)):
            try:
                self.reap()
            except Exception:
                log.exception("reaping lost jobs failed")

    def wait(self, timeout_s: float | None = None) -> None:
        """Wait until every job submitted so far has finished (tests and shutdown)."""
        for future in list(self._futures):
            future.exception(timeout=timeout_s)

    def shutdown(self) -> None:
        """Stop the reaper and the executor; running jobs finish first."""
        self._stop.set()
        if self._reaper is not None:
            self._reaper.join()
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
