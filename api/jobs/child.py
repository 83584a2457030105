"""Solving a job's problem in a child process, so that the job's worker stays free to beat.

Any job's work goes there (:func:`run_in_child`): a plan job's solve (:func:`solve_in_child`), a
scenario comparison's solves and report.

The solver's C++ extensions (PyVRP, OR-Tools) hold the interpreter for seconds at a time; a
heartbeat thread sharing their process stalls with them, and a healthy job was failed as lost.
The worker therefore only waits: it relays the child's progress, renews the heartbeat, and ends
the child (and the child's own pool of processes) as soon as the job's cancel is requested.

The child is spawned (no copy of the worker's engine, threads or locks), leads its own process
group (so that the worker can end it with its pool), and on Linux is sent ``SIGTERM`` when the
worker dies, so that it does not solve on for nobody; elsewhere it stops at its next progress
report, when the pipe to the worker is broken.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from threading import Event
from types import FrameType
from typing import TYPE_CHECKING, TypeVar

from routing.plan import Plan
from routing.problem import Problem
from routing.solve import Progress

if TYPE_CHECKING:
    from api.jobs.runner import Solver

log = logging.getLogger(__name__)

#: Least seconds between two progress messages from the child.
PROGRESS_EVERY_S = 0.5
#: Seconds between the worker's looks at its cancel flag while the child solves.
POLL_S = 0.1
_PR_SET_PDEATHSIG = 1  # Linux prctl(2)

T = TypeVar("T")


class SolveFailedError(Exception):
    """The solve failed in the child process; the message is the job's error."""


class SolveCancelledError(Exception):
    """The job's cancel was requested: the child was ended."""


@dataclass(frozen=True, slots=True)
class SolveTask:
    """A plan job's solve, as the child runs it: ``solver(problem, …)`` with the progress."""

    solver: Solver
    problem: Problem
    time_limit_s: float
    seed: int

    def __call__(self, progress: Progress) -> Plan:
        return self.solver(
            self.problem, time_limit_s=self.time_limit_s, seed=self.seed, progress=progress
        )


def solve_in_child(
    solver: Solver,
    problem: Problem,
    *,
    time_limit_s: float,
    seed: int,
    progress: Progress,
    cancelled: Event,
    name: str = "plan-job",
) -> Plan:
    """Run ``solver`` on ``problem`` in a spawned child process and return its plan.

    Parameters
    ----------
    solver
        A picklable solve function (a module's top-level function, such as
        :func:`routing.solve.solve`).
    problem, time_limit_s, seed
        The solver's arguments (seconds; the seed of its search).
    progress, cancelled, name
        As :func:`run_in_child`'s.

    Raises
    ------
    SolveCancelledError
        ``cancelled`` was set before the child finished.
    SolveFailedError
        The solver raised (its type and message), or the child ended without a plan.
    """
    task = SolveTask(solver, problem, time_limit_s, seed)
    return run_in_child(task, progress=progress, cancelled=cancelled, name=name)


def run_in_child(
    task: Callable[[Progress], T], *, progress: Progress, cancelled: Event, name: str
) -> T:
    """Run ``task`` in a spawned child process and return what it returns.

    Parameters
    ----------
    task
        A picklable callable (a module's top-level function or a frozen dataclass of one) that
        is given the child's progress callback.
    progress
        Called here, in the caller's thread, with each ``(fraction, best cost in fen)`` the
        child reports (at most every :data:`PROGRESS_EVERY_S` seconds).
    cancelled
        Set by the caller's heartbeat when the job's cancel is requested: the child is ended
        within :data:`POLL_S` seconds.
    name
        The child process's name (the job).

    Raises
    ------
    SolveCancelledError
        ``cancelled`` was set before the child finished.
    SolveFailedError
        ``task`` raised (its type and message), or the child ended without a result.
    """
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    # Not daemonic: the optimiser's searches may start a pool of processes of their own.
    child = context.Process(target=child_main, args=(sender, os.getpid(), task), name=name)
    child.start()
    sender.close()  # the child holds the only sending end: its end is the pipe's end
    try:
        while True:
            if cancelled.is_set():
                raise SolveCancelledError
            if not receiver.poll(POLL_S):
                continue
            try:
                message = receiver.recv()
            except EOFError:
                child.join()
                raise SolveFailedError(
                    f"the solver's process ended without a result (exit code {child.exitcode})"
                ) from None
            kind = message[0]
            if kind == "progress":
                progress(message[1], message[2])
            elif kind == "result":
                result: T = message[1]
                return result
            else:
                log.error("the solver failed in process %s:\n%s", child.pid, message[2])
                raise SolveFailedError(message[1])
    finally:
        receiver.close()
        end(child)


def end(child: multiprocessing.process.BaseProcess) -> None:
    """End ``child`` and its process group (its pool's processes) at once, and reap it."""
    if child.pid is not None and child.exitcode is None:
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, AttributeError):
            # Not (yet) leading its group, or no process groups here: the child alone.
            with contextlib.suppress(ProcessLookupError):
                child.kill()
    child.join()


def child_main(sender: Connection, parent_pid: int, task: Callable[[Progress], object]) -> None:
    """The child's entry point: run the task, sending progress, then its result or error."""
    _follow_parent(parent_pid)
    last = [-PROGRESS_EVERY_S]

    def progress(fraction: float, best_cost_fen: int | None) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_S or fraction >= 1.0:
            last[0] = now
            sender.send(("progress", fraction, best_cost_fen))  # a dead worker breaks the pipe

    try:
        result = task(progress)
    except (BrokenPipeError, ConnectionResetError):
        return  # the worker is gone: nobody waits for the result
    except Exception as error:
        sender.send(("error", f"{type(error).__name__}: {error}", traceback.format_exc()))
        return
    sender.send(("result", result))


def _follow_parent(parent_pid: int) -> None:
    """Lead a process group, and end it (with the pool's processes) when the worker dies."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpgrp()
    signal.signal(signal.SIGTERM, _end_group)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent_pid:  # the worker died before the signal was asked for
        _end_group(signal.SIGTERM, None)


def _end_group(signum: int, frame: FrameType | None) -> None:
    if os.getpgrp() == os.getpid():  # never the worker's group, should leading one have failed
        with contextlib.suppress(OSError):
            os.killpg(os.getpgrp(), signal.SIGKILL)
    os._exit(1)
