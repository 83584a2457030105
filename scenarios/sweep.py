"""Sweeps: many scenarios solved at once through a :class:`concurrent.futures.Executor`.

A local process pool is the default; ``dask_address`` (``tcp://HOST:PORT``) sends the work to a
Dask distributed cluster through its standard executor interface instead. A task carries the
scenario (its base named by file paths or built-in name, not its matrices), so workers build the
district-day themselves, once per process and base, with the on-disk matrix cache: on a cluster,
the bases' files must be where every worker can read them.

Each scenario is solved on one core (``workers=1``): a sweep keeps the cores busy with scenarios,
and Dask's worker processes may not start processes of their own.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import socket
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from typing import Any

from routing.errors import Defect, HuanweiError
from routing.kpi import compute_kpis, transport_figures
from routing.plan_file import plan_to_dict
from routing.problem import Problem
from routing.solve import Progress, solve
from routing.validation import validate
from scenarios.base import scenario_problem
from scenarios.scenario_file import Scenario, ScenarioError, SolveOptions


@dataclass(frozen=True, slots=True)
class ScenarioTask:
    """One scenario to solve, with the options it is solved with."""

    scenario: Scenario
    options: SolveOptions
    engine: str = "optimiser"


@dataclass(frozen=True, slots=True)
class ScenarioOutcome:
    """What solving one scenario gave: key figures, the plan, the validator's verdict.

    ``error`` is set (and the figures empty) when the scenario could not be built.
    """

    name: str
    description: str
    base: str
    changes: tuple[str, ...]
    options: SolveOptions
    error: str = ""
    valid: bool = False
    violations: dict[str, int] = field(default_factory=dict)
    kpis: dict[str, Any] = field(default_factory=dict)
    transport: dict[str, Any] = field(default_factory=dict)
    plan: dict[str, Any] = field(default_factory=dict)
    size: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    cpu_s: float = 0.0
    worker: str = ""
    #: The base and changes described in Chinese (the report's Chinese page).
    base_zh: str = ""
    changes_zh: tuple[str, ...] = ()


def solve_problem(
    problem: Problem, task: ScenarioTask, *, progress: Progress | None = None
) -> ScenarioOutcome:
    """Solve an already built scenario problem on one core and judge the plan; ``progress`` is
    the solver's (:func:`routing.solve.solve`)."""
    began = time.perf_counter()
    scenario, options = task.scenario, task.options
    plan = solve(
        problem,
        time_limit_s=options.time_limit_s,
        seed=options.seed,
        progress=progress,
        max_iterations=options.iterations,
        engine=task.engine,
        workers=1,
    )
    report = validate(problem, plan)
    kpis = compute_kpis(problem, plan).to_dict()
    return ScenarioOutcome(
        name=scenario.name,
        description=scenario.description,
        base=scenario.base.describe(),
        changes=tuple(c.describe() for c in scenario.changes),
        base_zh=scenario.base.describe("zh"),
        changes_zh=tuple(c.describe("zh") for c in scenario.changes),
        options=options,
        valid=report.ok,
        violations=report.by_rule(),
        kpis=kpis,
        transport=transport_figures(problem, plan).to_dict(),
        plan=plan_to_dict(plan),
        size={
            "points": len(problem.points),
            "visits": sum(p.visits_per_day for p in problem.points),
            "vehicles": len(problem.vehicles),
            "facilities": len(problem.facilities),
            "shifts": len(problem.shifts),
        },
        seconds=round(time.perf_counter() - began, 2),
        worker=f"{socket.gethostname()}:{os.getpid()}",
    )


def run_scenario(task: ScenarioTask) -> ScenarioOutcome:
    """Build ``task``'s scenario (its base once per process) and solve it: a sweep's unit.

    ``seconds`` is its wall time, ``cpu_s`` the processor time this process spent on it (on a
    shared machine the two differ by what the other processes took).
    """
    began, cpu = time.perf_counter(), time.process_time()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the road network's notes: the caller shows them
            problem = scenario_problem(task.scenario)
    except HuanweiError as error:
        return ScenarioOutcome(
            name=task.scenario.name,
            description=task.scenario.description,
            base=task.scenario.base.describe(),
            changes=tuple(c.describe() for c in task.scenario.changes),
            base_zh=task.scenario.base.describe("zh"),
            changes_zh=tuple(c.describe("zh") for c in task.scenario.changes),
            options=task.options,
            error=str(error),
        )
    outcome = solve_problem(problem, task)
    return replace(
        outcome,
        seconds=round(time.perf_counter() - began, 2),
        cpu_s=round(time.process_time() - cpu, 2),
    )


@contextlib.contextmanager
def sweep_executor(*, workers: int = 2, dask_address: str | None = None) -> Iterator[Executor]:
    """An executor for a sweep: a local process pool of ``workers``, or a Dask cluster's.

    Raises
    ------
    ScenarioError
        If the Dask scheduler cannot be reached.
    """
    if dask_address:
        from distributed import Client

        try:
            client = Client(dask_address, timeout="10s")  # type: ignore[no-untyped-call]
        except OSError as error:
            message = f"no Dask scheduler answers at {dask_address}: {error}"
            raise ScenarioError([Defect("dask", "address", message)], source="sweep") from None
        try:
            yield client.get_executor(pure=False)  # type: ignore[no-untyped-call]
        finally:
            client.close()  # type: ignore[no-untyped-call]
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=max(1, workers), mp_context=context) as pool:
        yield pool


def run_sweep(
    tasks: Sequence[ScenarioTask],
    executor: Executor,
    *,
    done: Callable[[ScenarioOutcome], None] | None = None,
) -> list[ScenarioOutcome]:
    """Every task's outcome, in the tasks' order; ``done`` is told of each as it finishes."""
    futures = {executor.submit(run_scenario, task): i for i, task in enumerate(tasks)}
    results: list[ScenarioOutcome | None] = [None] * len(tasks)
    for future in as_completed(futures):
        outcome = future.result()
        results[futures[future]] = outcome
        if done is not None:
            done(outcome)
    return [r for r in results if r is not None]
