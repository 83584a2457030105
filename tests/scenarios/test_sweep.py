"""Sweeps through an executor: a real local Dask cluster (2 worker processes) runs tiny scenarios."""

from __future__ import annotations

import os
from pathlib import Path

from distributed import LocalCluster

from routing.plan_file import plan_from_dict
from routing.validation import validate
from scenarios.base import scenario_problem
from scenarios.scenario_file import read_scenario
from scenarios.sweep import ScenarioTask, run_sweep, sweep_executor
from tests.scenarios.test_compare import scenario_files


def test_a_sweep_runs_on_a_local_dask_cluster(tmp_path: Path) -> None:
    scenarios = [read_scenario(path) for path in scenario_files(tmp_path)]
    tasks = [ScenarioTask(s, s.solve) for s in scenarios]
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        finished: list[str] = []
        with sweep_executor(dask_address=cluster.scheduler_address) as executor:
            outcomes = run_sweep(tasks, executor, done=lambda o: finished.append(o.name))
    assert sorted(finished) == sorted(s.name for s in scenarios)
    assert [o.name for o in outcomes] == [s.name for s in scenarios]
    workers = {o.worker for o in outcomes}
    assert all(not w.endswith(f":{os.getpid()}") for w in workers)  # ran in the workers
    for scenario, outcome in zip(scenarios, outcomes, strict=True):
        assert not outcome.error and outcome.valid
        report = validate(scenario_problem(scenario), plan_from_dict(outcome.plan))
        assert report.ok, report.violations[:3]


def test_a_bad_scenario_fails_alone_in_a_sweep(tmp_path: Path) -> None:
    good = read_scenario(scenario_files(tmp_path)[0])
    (tmp_path / "bad.toml").write_text(
        '[base]\nproblem = "riverside.json"\n[[changes]]\ntype = "remove-facility"\nid = "XX"\n'
    )
    bad = read_scenario(tmp_path / "bad.toml")
    with sweep_executor(workers=1) as executor:
        outcomes = run_sweep(
            [ScenarioTask(bad, bad.solve), ScenarioTask(good, good.solve)], executor
        )
    assert "line 3: changes[0] (remove-facility): id: no facility 'XX'" in outcomes[0].error
    assert outcomes[1].valid
