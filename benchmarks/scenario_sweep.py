"""An 8-scenario sweep on 1 and 2 workers: the speed-up of running what-ifs side by side.

    python benchmarks/scenario_sweep.py --scale 0.2 --iterations 100 --workers 1 2 \
        --executor pool dask

The eight ready scenarios of ``scenarios/files`` (baseline, second landfill, one and two new
stations, waste +15 %, kitchen doubles, two shifts, more trucks) are built once in this process
(which fills the on-disk matrix cache), then solved as one sweep per executor and worker count:
a local process pool (``pool``) or a local Dask cluster of worker processes (``dask``,
``distributed.LocalCluster``). Each scenario is solved on one core with an iteration bound and
every plan must pass the validator; the optimiser also works to the clock (sub-problem budgets,
the insertion deadline), so under a varying load a scenario's cost may differ between runs (each
run's costs are printed). Prints JSON: wall time per run, the sum of the scenarios' own wall and
processor times, the cores the sweep got (processor seconds over wall seconds: on a shared
machine the speed-up is bounded by what the other processes leave), the speed-up against one
worker, the machine's load average before and after each run, and each scenario's figures.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scenarios.base import scenario_problem
from scenarios.report import figures_of
from scenarios.scenario_file import Scenario, read_scenario
from scenarios.sweep import ScenarioTask, run_sweep, sweep_executor

FILES = Path(__file__).resolve().parents[1] / "scenarios" / "files"


@contextmanager
def executor_for(kind: str, workers: int) -> Iterator[Executor]:
    """A process pool, or a local Dask cluster's executor, of ``workers`` processes."""
    if kind == "pool":
        with sweep_executor(workers=workers) as pool:
            yield pool
        return
    from distributed import LocalCluster

    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        sweep_executor(dask_address=cluster.scheduler_address) as executor,
    ):
        yield executor


def scenarios(scale: float, iterations: int, time_limit: float) -> list[Scenario]:
    """The ready scenarios (siting files aside), at ``scale``, bounded by ``iterations``."""
    out = []
    for path in sorted(FILES.glob("*.toml")):
        if path.name.startswith("siting-"):
            continue
        scenario = read_scenario(path)
        base = dataclasses.replace(scenario.base, scale=scale)
        solve = dataclasses.replace(scenario.solve, iterations=iterations, time_limit_s=time_limit)
        out.append(dataclasses.replace(scenario, base=base, solve=solve))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.25)
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--time-limit", type=float, default=300.0, help="cap per scenario (s)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--executor", nargs="+", choices=("pool", "dask"), default=["pool"])
    args = parser.parse_args()

    began = time.perf_counter()
    chosen = scenarios(args.scale, args.iterations, args.time_limit)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sizes = {s.name: len(scenario_problem(s).points) for s in chosen}
    build_s = time.perf_counter() - began
    tasks = [ScenarioTask(s, s.solve) for s in chosen]

    runs: list[dict[str, Any]] = []
    costs: dict[str, float] | None = None
    for kind in args.executor:
        one_worker_s = None
        for workers in args.workers:
            load_before = os.getloadavg()
            start = time.perf_counter()
            with executor_for(kind, workers) as executor:
                outcomes = run_sweep(tasks, executor)
            wall = time.perf_counter() - start
            these = {o.name: figures_of(o).get("cost_yuan", float("nan")) for o in outcomes}
            costs = costs or these
            one_worker_s = one_worker_s or wall
            runs.append(
                {
                    "executor": kind,
                    "workers": workers,
                    "wall_s": round(wall, 1),
                    "scenario_s_sum": round(sum(o.seconds for o in outcomes), 1),
                    "cpu_s_sum": round(sum(o.cpu_s for o in outcomes), 1),
                    "cores_used": round(sum(o.cpu_s for o in outcomes) / wall, 2),
                    "speed_up_vs_first": round(one_worker_s / wall, 2),
                    "all_valid": all(o.valid and not o.error for o in outcomes),
                    "same_costs_as_first_run": these == costs,
                    "load_avg_before": [round(x, 2) for x in load_before],
                    "load_avg_after": [round(x, 2) for x in os.getloadavg()],
                    "workers_seen": len({o.worker for o in outcomes}),
                    "cost_yuan": these,
                }
            )
            print(json.dumps(runs[-1]), flush=True)
    print(
        json.dumps(
            {
                "scale": args.scale,
                "iterations": args.iterations,
                "points": sizes,
                "build_s": round(build_s, 1),
                "runs": runs,
                "scenarios": [
                    {"name": o.name, "seconds": o.seconds, "valid": o.valid} | figures_of(o)
                    for o in outcomes
                ],
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
