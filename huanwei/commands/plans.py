"""``huanwei validate``, ``huanwei kpi``, ``huanwei plan`` and ``huanwei demo``."""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path
from typing import Any

from huanwei.notes import notes
from huanwei.progress import ProgressBar
from routing.kpi import PlanKpis, compute_kpis
from routing.plan import Plan
from routing.plan_file import plan_to_geojson, read_plan, write_plan
from routing.problem import Problem
from routing.problem_file import read_problem, write_problem
from routing.solve import ENGINES, SolveParams, Stop, solve
from routing.validation import ValidationReport, validate
from scenarios import load_scenario


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the plan commands."""
    p = sub.add_parser("validate", help="check a plan against its problem; exit 1 on any violation")
    p.add_argument("problem", type=Path, help="problem file (JSON)")
    p.add_argument("plan", type=Path, help="plan file (JSON)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(run=run_validate)

    p = sub.add_parser("kpi", help="print the key figures of a plan as JSON")
    p.add_argument("problem", type=Path)
    p.add_argument("plan", type=Path)
    p.set_defaults(run=run_kpi)

    p = sub.add_parser("sheets", help="write a plan's route sheets (路线单) as Excel or PDF")
    p.add_argument("problem", type=Path)
    p.add_argument("plan", type=Path)
    p.add_argument("--out", type=Path, required=True, help="file to write: .xlsx or .pdf")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.set_defaults(run=run_sheets)

    p = sub.add_parser(
        "savings", help="a plan against the district's current routes (Excel or CSV): the report"
    )
    p.add_argument("problem", type=Path)
    p.add_argument("current", type=Path, help="current routes: vehicle, shift, order, point")
    p.add_argument("--plan", type=Path, help="the proposed plan (default: plan it now)")
    p.add_argument("--time-limit", type=float, default=60.0, help="seconds, when planning")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, required=True, help="folder for savings.json and .html")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.set_defaults(run=run_savings)

    p = sub.add_parser("plan", help="plan a district-day and write the plan")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--problem", type=Path, help="problem file (JSON)")
    source.add_argument("--scenario", help="a named scenario, e.g. district-baseline")
    p.add_argument("--osm", type=Path, help="OSM extract the scenario is built on")
    p.add_argument("--time-limit", type=float, default=60.0, help="seconds (default 60)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--iterations", type=int, help="bound the search: the same plan for the same seed"
    )
    p.add_argument("--engine", choices=ENGINES, default="optimiser")
    p.add_argument(
        "--params",
        type=Path,
        help="the optimiser's tuning constants (TOML; docs/problem-format.md)",
    )
    p.add_argument("--warm-start", type=Path, help="a previous plan (yesterday's) to start from")
    p.add_argument("--out", type=Path, required=True, help="plan file to write (JSON)")
    p.add_argument("--geojson", type=Path, help="also write the plan as GeoJSON")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=run_plan)

    p = sub.add_parser("demo", help="plan the bundled demo district end to end")
    p.add_argument("--out", type=Path, default=Path("out/demo"), help="folder for the results")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--scale", type=float, default=1.0, help="share of the district's points")
    p.add_argument("--time-limit", type=float, default=30.0, help="seconds for planning")
    p.set_defaults(run=run_demo)


def print_report(report: ValidationReport, *, as_json: bool = False) -> None:
    """Print a validation report for people (or as JSON)."""
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
        return
    if report.ok:
        print("valid: the plan keeps every rule")
        return
    counts = ", ".join(f"{rule} {n}" for rule, n in sorted(report.by_rule().items()))
    print(f"INVALID: {len(report.violations)} violation(s) ({counts})")
    for violation in report.violations:
        print(f"  {violation}")


def run_validate(args: argparse.Namespace) -> int:
    problem = read_problem(args.problem)
    report = validate(problem, read_plan(args.plan))
    print_report(report, as_json=args.json)
    return 0 if report.ok else 1


def _matching(args: argparse.Namespace, what: str) -> tuple[Problem, Plan] | None:
    """``args``' problem and plan, or None (the report printed) if the plan names records the
    problem lacks: there is then nothing to make ``what`` of."""
    problem = read_problem(args.problem)
    plan = read_plan(args.plan)
    report = validate(problem, plan)
    if "REF" in report.rules_broken():
        print_report(report)
        print(f"huanwei: the plan names records the problem lacks; no {what}", file=sys.stderr)
        return None
    return problem, plan


def run_kpi(args: argparse.Namespace) -> int:
    matching = _matching(args, "figures")
    if matching is None:
        return 1
    print(json.dumps(compute_kpis(*matching).to_dict(), ensure_ascii=False, indent=1))
    return 0


def run_sheets(args: argparse.Namespace) -> int:
    from gis_data.route_sheet_pdf import pdf_bytes
    from gis_data.route_sheets import route_sheets, workbook_bytes

    suffix = args.out.suffix.lower()
    if suffix not in {".xlsx", ".pdf"}:
        print(f"huanwei: --out must end in .xlsx or .pdf, got {args.out}", file=sys.stderr)
        return 2
    matching = _matching(args, "sheets")
    if matching is None:
        return 1
    problem, plan = matching
    write = workbook_bytes if suffix == ".xlsx" else pdf_bytes
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(write(problem, plan, lang=args.lang))
    print(f"written: {len(route_sheets(problem, plan))} route sheets in {args.out}")
    return 0


def run_savings(args: argparse.Namespace) -> int:
    from gis_data.current_routes import read_current_routes
    from routing.current import time_current_routes
    from scenarios.savings import FIGURES, savings_html, savings_report

    with notes():
        problem = read_problem(args.problem)
    current = time_current_routes(problem, read_current_routes(args.current))
    if args.plan is not None:
        proposed = read_plan(args.plan)
    else:
        with ProgressBar(args.time_limit) as bar:
            proposed = solve(
                problem, time_limit_s=args.time_limit, seed=args.seed, progress=bar.update
            )
    report = savings_report(problem, current, proposed)
    args.out.mkdir(parents=True, exist_ok=True)
    write_plan(current, args.out / "current-plan.json")
    write_plan(proposed, args.out / "proposed-plan.json")
    (args.out / "savings.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    (args.out / "savings.html").write_text(savings_html(report, lang=args.lang), encoding="utf-8")
    for key, _zh, en, unit, decimals in FIGURES:
        now, then = report["current"][key], report["proposed"][key]
        pct = report["change"][key]["pct"]
        change = "" if pct is None else f" ({pct:+.1f} %)"
        print(f"{en:>32}: {now:>12,.{decimals}f} -> {then:>12,.{decimals}f} {unit}{change}")
    print(
        f"written: savings.json, savings.html, current-plan.json, proposed-plan.json in {args.out}/"
    )
    return 0


def run_plan(args: argparse.Namespace) -> int:
    if args.problem is not None:
        problem = read_problem(args.problem)
    else:
        with notes():
            problem = load_scenario(args.scenario, osm=args.osm, seed=args.seed)
    params = SolveParams.from_file(args.params) if args.params else None
    stop = Stop(args.time_limit, args.iterations)
    with ProgressBar(args.time_limit, enabled=not args.quiet) as bar:
        plan = solve(
            problem,
            stop=stop,
            params=params,
            seed=args.seed,
            engine=args.engine,
            progress=bar.update,
            warm_start=read_plan(args.warm_start) if args.warm_start else None,
        )
    write_plan(plan, args.out)
    if args.geojson:
        args.geojson.write_text(json.dumps(plan_to_geojson(problem, plan)), encoding="utf-8")
    report = validate(problem, plan)
    summarise(problem, plan, compute_kpis(problem, plan), report)
    return 0 if report.ok else 1


def summarise(problem: Problem, plan: Plan, kpis: PlanKpis, report: ValidationReport) -> None:
    """A few lines a dispatcher reads first."""
    print(
        f"{problem.name}: {len(problem.points)} points, {len(problem.vehicles)} vehicles, "
        f"{len(problem.shifts)} shifts; travel: {kpis.travel_method}"
    )
    per_shift = ", ".join(f"{s} {n}" for s, n in kpis.vehicles_per_shift.items())
    tonnes = ", ".join(f"{s} {t:g} t" for s, t in kpis.tonnes_by_stream.items())
    made = "?" if plan.stats is None else f"{plan.stats.chosen}, {plan.stats.seconds:g} s"
    print(
        f"plan ({made}): {kpis.routes} routes, {kpis.trips} trips, {kpis.hauls} hauls; "
        f"vehicles per shift: {per_shift}"
    )
    if plan.stats is not None and plan.stats.phases:
        print(f"seconds by phase: {plan.stats.phases_text()}")
    print(f"served {kpis.visits_served} visits, unserved {kpis.visits_unserved}; {tonnes}")
    print(
        f"{kpis.km:.1f} km (+{kpis.haul_km:.1f} km hauls), {kpis.working_h:.1f} working h, "
        f"cost {kpis.cost_yuan:,.0f} CNY (hauls left to the next day "
        f"{kpis.stored_haul_yuan:,.0f}), CO2 {kpis.co2_kg:,.0f} kg"
    )
    print_report(report)


def run_demo(args: argparse.Namespace) -> int:
    from scenarios.demo import demo_district

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        problem = demo_district(seed=args.seed, scale=args.scale)
    print(f"demo district: {len(problem.points)} points; planning for up to {args.time_limit:g} s")
    for note in dict.fromkeys(str(w.message) for w in caught):
        print(f"note: {note[:160]}{'…' if len(note) > 160 else ''}")
    write_problem(problem, out / "problem.json")
    with ProgressBar(args.time_limit, enabled=True) as bar:
        plan = solve(problem, time_limit_s=args.time_limit, seed=args.seed, progress=bar.update)
    write_plan(plan, out / "plan.json")
    (out / "plan.geojson").write_text(json.dumps(plan_to_geojson(problem, plan)), encoding="utf-8")
    kpis = compute_kpis(problem, plan)
    (out / "kpis.json").write_text(json.dumps(kpis.to_dict(), indent=1), encoding="utf-8")
    # Judge the plan as a user would: read both files back and validate them.
    report = validate(read_problem(out / "problem.json"), read_plan(out / "plan.json"))
    (out / "validation.json").write_text(json.dumps(report.to_dict(), indent=1), encoding="utf-8")
    summarise(problem, plan, kpis, report)
    print(f"written: {', '.join(sorted(p.name for p in out.iterdir()))} in {out}/")
    return 0 if report.ok else 1
