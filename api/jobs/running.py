"""What a worker does for any kind of job while it runs it: heartbeat, progress, cancel, ending.

A plan job (:mod:`api.jobs.runner`) and a scenario comparison (:mod:`api.jobs.comparisons`) are
claimed, then their work runs under :func:`run_beating`: in a child process (``isolate``,
:mod:`api.jobs.child`) while a thread of the worker renews the job's heartbeat, writes its
progress and looks for a cancel request, which ends the child. The heartbeat thread never shares
its interpreter with the solver's C++ code, so a long step of the solver does not stall it, and a
worker that dies stops beating: :func:`api.jobs.store.fail_lost` fails its job, retryable.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.jobs import store
from api.jobs.child import SolveCancelledError, run_in_child
from routing.solve import Progress

log = logging.getLogger(__name__)

#: Seconds between heartbeats of a running job.
HEARTBEAT_S = 1.0
#: Seconds between looks for a cancel request (a read of one column): a cancel takes effect
#: within about this, well inside a second.
CANCEL_POLL_S = 0.25
#: Least seconds between two progress writes.
PROGRESS_EVERY_S = 0.5

T = TypeVar("T")


class JobCancelledError(Exception):
    """The job's cancel was requested while it ran (raised inside its progress callback when
    its work runs in the worker's thread)."""


def worker_name(kind: str) -> str:
    """A name for this worker: kind, host, process and thread."""
    return f"{kind}:{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


class Heartbeat:
    """Renews a job's heartbeat from a thread while its work runs; sees cancel requests.

    Parameters
    ----------
    sessions
        Sessions of the job's database.
    job_id, kind
        The job.
    worker
        The worker that claimed it: only that worker's job is beaten.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        job_id: int,
        worker: str,
        *,
        kind: store.JobKind = store.PLANS,
    ) -> None:
        self.sessions = sessions
        self.job_id = job_id
        self.worker = worker
        self.kind = kind
        self.cancelled = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._progress: tuple[float, int | None] | None = None
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{job_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def report(self, fraction: float, best_cost_fen: int | None) -> None:
        """Keep the latest progress for the next beat."""
        with self._lock:
            self._progress = (fraction, best_cost_fen)

    def beat(self) -> None:
        """Renew the heartbeat now, with the progress reported since the last beat."""
        with self._lock:
            progress, self._progress = self._progress, None
        with self.sessions() as session:
            cancel = store.beat(
                session,
                self.job_id,
                worker=self.worker,
                kind=self.kind,
                progress=progress[0] if progress else None,
                best_cost_fen=progress[1] if progress else None,
            )
        if cancel:
            self.cancelled.set()

    def look(self) -> None:
        """Look for a cancel request now, without renewing the heartbeat."""
        with self.sessions() as session:
            if store.cancel_requested(session, self.job_id, kind=self.kind):
                self.cancelled.set()

    def _run(self) -> None:
        last = time.monotonic()
        while not self._stop.wait(CANCEL_POLL_S):
            try:
                if time.monotonic() - last >= HEARTBEAT_S:
                    last = time.monotonic()
                    self.beat()
                else:
                    self.look()
            except Exception:  # a lost connection must not kill the work; the reaper decides
                log.exception("heartbeat of %s %s failed", self.kind, self.job_id)


def run_beating(
    sessions: sessionmaker[Session],
    job_id: int,
    task: Callable[[Progress], T],
    *,
    worker: str,
    kind: store.JobKind = store.PLANS,
    isolate: bool,
    name: str,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """Run a claimed job's ``task`` while beating its heartbeat; what ``task`` returns.

    Parameters
    ----------
    sessions
        Sessions of the job's database.
    job_id, kind
        The job, claimed by ``worker``.
    task
        The job's work, given a progress callback ``(fraction, best cost in fen or None)``; with
        ``isolate`` it must be picklable.
    isolate
        Run ``task`` in a child process (:func:`api.jobs.child.run_in_child`), ended at once on
        a cancel; otherwise in this thread, stopped at its next progress report.
    name
        The child process's name.
    clock
        Seconds, for spacing progress writes.

    Raises
    ------
    JobCancelledError
        The job's cancel was requested before its work ended.
    api.jobs.child.SolveFailedError
        The work failed in the child process (its type and message).
    """
    heartbeat = Heartbeat(sessions, job_id, worker, kind=kind)
    progress = _progress_callback(heartbeat, clock=clock)
    try:
        with heartbeat:
            if isolate:
                result = run_in_child(
                    task, progress=progress, cancelled=heartbeat.cancelled, name=name
                )
            else:
                result = task(progress)
        heartbeat.beat()  # a last look for a cancel that came during the work
    except SolveCancelledError:
        raise JobCancelledError from None
    if heartbeat.cancelled.is_set():
        raise JobCancelledError
    return result


def _progress_callback(heartbeat: Heartbeat, *, clock: Callable[[], float]) -> Progress:
    """The progress callback a job's task is given.

    It raises :class:`JobCancelledError` once a cancel was seen, and hands ``heartbeat`` a
    report at most every :data:`PROGRESS_EVERY_S` (and always the last, at fraction 1).
    """
    last = [clock() - PROGRESS_EVERY_S]

    def progress(fraction: float, best_cost_fen: int | None) -> None:
        if heartbeat.cancelled.is_set():
            raise JobCancelledError
        if clock() - last[0] >= PROGRESS_EVERY_S or fraction >= 1.0:
            last[0] = clock()
            heartbeat.report(fraction, best_cost_fen)

    return progress


def end_job(
    sessions: sessionmaker[Session],
    job_id: int,
    worker: str,
    status: str,
    error: str,
    *,
    kind: store.JobKind = store.PLANS,
) -> str | None:
    """Finish ``worker``'s running job with ``status`` and ``error`` (committed); the status,
    or None if the job was no longer ``worker``'s."""
    with sessions() as session:
        mine = store.finish(session, job_id, worker=worker, status=status, error=error, kind=kind)
        session.commit()
    return status if mine else None


def refuse_late(
    sessions: sessionmaker[Session], job_id: int, worker: str, *, kind: store.JobKind = store.PLANS
) -> None:
    """Say, in the log and in the job's error, that ``worker``'s result came too late."""
    table = kind.table
    with sessions() as session:
        job = session.execute(
            select(table.status, table.worker).where(table.id == job_id)
        ).one_or_none()
        if job is None:  # deleted with its district meanwhile
            return
        status, other = job
        why = f"the job was {status}" + (f" by {other}" if other and other != worker else "")
        log.warning("%s %s: the %s of %s was refused: %s", kind, job_id, kind.product, worker, why)
        store.note_refused(session, job_id, worker=worker, why=why, kind=kind)
        session.commit()
