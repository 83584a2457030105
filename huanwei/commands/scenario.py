"""``huanwei scenario``: check, compare and site what-if scenarios (README "What-if scenarios")."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from huanwei.notes import notes
from routing.errors import Defect
from routing.problem import Problem
from routing.solve import ENGINES
from scenarios.base import cached_base, network_of, scenario_problem
from scenarios.report import figures_of, write_report
from scenarios.scenario_file import Scenario, ScenarioError, read_scenario, read_toml
from scenarios.siting import SITING_TABLES, read_siting, site, write_siting
from scenarios.sweep import ScenarioOutcome, ScenarioTask, run_sweep, sweep_executor


def _sweep_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--time-limit", type=float, help="seconds per scenario (default: the file's)")
    p.add_argument("--iterations", type=int, help="bound each search (default: the file's)")
    p.add_argument("--seed", type=int, help="solver seed (default: the file's)")
    p.add_argument("--scale", type=float, help="share of a built-in base's points (override)")
    p.add_argument("--engine", choices=ENGINES, default="optimiser")
    p.add_argument("--workers", type=int, default=2, help="local processes (default 2)")
    p.add_argument("--dask", metavar="tcp://HOST:PORT", help="run on a Dask scheduler instead")


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``huanwei scenario check|compare|site``."""
    p = sub.add_parser("scenario", help="what-if scenarios: check, compare, facility siting")
    commands = p.add_subparsers(dest="scenario_command", required=True, metavar="ACTION")

    c = commands.add_parser("check", help="read scenario files and apply their changes")
    c.add_argument("files", type=Path, nargs="+")
    c.add_argument("--scale", type=float, help="share of a built-in base's points (override)")
    c.set_defaults(run=run_check, time_limit=None, iterations=None, seed=None)

    c = commands.add_parser("compare", help="solve scenarios and write a side-by-side report")
    c.add_argument("files", type=Path, nargs="+", help="scenario files; the first is the reference")
    c.add_argument("--out", type=Path, required=True, help="folder for the report")
    _sweep_options(c)
    c.set_defaults(run=run_compare)

    c = commands.add_parser(
        "worker", help="run the API's queued scenario comparisons only (huanwei worker runs all)"
    )
    c.add_argument("--once", action="store_true", help="run what is queued, then stop")
    c.add_argument("--poll", type=float, default=2.0, help="seconds between looks (default 2)")
    c.set_defaults(run=run_worker)

    c = commands.add_parser("site", help="choose the best k of N candidate sites")
    c.add_argument("file", type=Path, help="a scenario file with [siting] and [[candidates]]")
    c.add_argument("--out", type=Path, required=True, help="folder for the report")
    c.add_argument("--k", help="numbers of new sites to try, e.g. 1,2,3 (default: the file's)")
    c.add_argument("--finalists", type=int, help="full plans per k (default: the file's)")
    _sweep_options(c)
    c.set_defaults(run=run_site)


def with_overrides(scenario: Scenario, args: argparse.Namespace) -> Scenario:
    """``scenario`` with the command line's solve options and base scale, where given."""
    solve = scenario.solve
    changes: dict[str, Any] = {}
    if args.time_limit is not None:
        changes["time_limit_s"] = args.time_limit
    if args.iterations is not None:
        changes["iterations"] = args.iterations
    if args.seed is not None:
        changes["seed"] = args.seed
    base = scenario.base
    if args.scale is not None and base.scenario is not None:
        base = dataclasses.replace(base, scale=args.scale)
    return dataclasses.replace(scenario, solve=dataclasses.replace(solve, **changes), base=base)


def read_any(path: Path) -> Scenario:
    """A scenario file, or a siting file's scenario (its candidates checked too)."""
    raw, _ = read_toml(path)
    if SITING_TABLES & raw.keys():
        return read_siting(path).scenario
    return read_scenario(path)


def read_all(files: Sequence[Path], args: argparse.Namespace) -> list[Scenario]:
    """Every file read (each file's defects reported together), names unique."""
    scenarios = [with_overrides(read_any(path), args) for path in files]
    seen: dict[str, Path] = {}
    for scenario, path in zip(scenarios, files, strict=True):
        if scenario.name in seen:
            message = f"is also the name of {seen[scenario.name]}; names must differ"
            raise ScenarioError([Defect(str(path), "name", message)], source="scenarios")
        seen[scenario.name] = path
    return scenarios


def build_all(scenarios: Sequence[Scenario]) -> dict[str, Problem]:
    """Each scenario's problem (bases built once)."""
    with notes():
        return {s.name: scenario_problem(s) for s in scenarios}


def run_check(args: argparse.Namespace) -> int:
    scenarios = read_all(args.files, args)
    for scenario, problem in zip(scenarios, build_all(scenarios).values(), strict=True):
        changes = "; ".join(c.describe() for c in scenario.changes) or "no changes"
        print(
            f"{scenario.name}: {scenario.base.describe()}; {changes} → {len(problem.points)} "
            f"points, {len(problem.facilities)} facilities, {len(problem.vehicles)} vehicles, "
            f"{len(problem.shifts)} shifts"
        )
    return 0


def print_outcome(outcome: ScenarioOutcome) -> None:
    """One line per solved scenario, as it finishes."""
    if outcome.error:
        print(f"{outcome.name}: FAILED: {outcome.error}", flush=True)
        return
    f = figures_of(outcome)
    verdict = "valid" if outcome.valid else f"INVALID {outcome.violations}"
    print(
        f"{outcome.name}: {f['km']:,.1f} km, {f['truck_hours']:,.1f} truck-h, "
        f"{f['cost_yuan']:,.0f} CNY, {f['co2_kg']:,.0f} kg CO2, {f['visits_unserved']:g} "
        f"unserved; {verdict} ({outcome.seconds} s on {outcome.worker})",
        flush=True,
    )


def run_compare(args: argparse.Namespace) -> int:
    scenarios = read_all(args.files, args)
    problems = build_all(scenarios)
    tasks = [ScenarioTask(s, s.solve, engine=args.engine) for s in scenarios]
    where = args.dask or f"{args.workers} local process(es)"
    print(f"solving {len(tasks)} scenario(s) on {where}", flush=True)
    with sweep_executor(workers=args.workers, dask_address=args.dask) as executor:
        outcomes = run_sweep(tasks, executor, done=print_outcome)
    osm = cached_base(scenarios[0].base).osm()
    network = network_of(str(osm)) if osm is not None else None
    write_report(outcomes, problems, network, args.out)
    print(
        f"written: comparison.json, comparison.html (中文), comparison.en.html (English), "
        f"plans/ in {args.out}/"
    )
    return 0 if all(o.valid and not o.error for o in outcomes) else 1


def run_site(args: argparse.Namespace) -> int:
    siting = read_siting(args.file)
    scenario = with_overrides(siting.scenario, args)
    ks = [int(k) for k in args.k.split(",")] if args.k else list(siting.ks)
    siting = dataclasses.replace(
        siting,
        scenario=scenario,
        ks=tuple(ks),
        finalists=args.finalists if args.finalists is not None else siting.finalists,
    )
    where = args.dask or f"{args.workers} local process(es)"
    print(f"siting: {len(siting.candidates)} candidate sites, k = {list(siting.ks)}; {where}")
    with notes(), sweep_executor(workers=args.workers, dask_address=args.dask) as executor:
        result = site(siting, executor, engine=args.engine, done=print_outcome)
    write_siting(result, args.out)
    for row in result.curve:
        print(
            f"k={row.k}: best {'+'.join(row.sites)} — estimate {row.estimate_yuan:,.0f} CNY, "
            f"planned {row.planned_yuan:,.0f} CNY, {row.unserved} unserved"
        )
    print(f"written: siting.json, siting.html in {args.out}/")
    return 0 if result.all_valid else 1


def run_worker(args: argparse.Namespace) -> int:
    """Run queued comparisons of ``HUANWEI_DATABASE_URL`` (the API's ``external`` executor),
    as ``huanwei worker`` runs them: heartbeat, cancel, and lost comparisons failed."""
    import logging

    from api.core.config import Settings
    from api.jobs.store import COMPARISONS
    from api.jobs.worker import work

    logging.basicConfig(level=logging.INFO)
    with contextlib.suppress(KeyboardInterrupt):
        ran = work(
            Settings.from_env(), poll_s=args.poll, kinds=(COMPARISONS,), until_idle=args.once
        )
        print(f"ran {ran} scenario comparison(s)", flush=True)
    return 0
