"""``huanwei dispatch``: change a day's plan — urgent pickups, breakdowns, locks, crews' reports,
stable re-plans and balance (:mod:`routing.dispatch`)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from routing.dispatch import (
    Breakdown,
    DispatchResult,
    Locks,
    UrgentRequest,
    Weights,
    apply_feedback,
    apply_urgent,
    breakdown,
    rank_urgent,
    reoptimise,
)
from routing.dispatch.balance import BALANCED, balance_kpis, rebalance
from routing.dispatch.files import read_reports
from routing.dispatch.points import with_point_computed
from routing.dispatch.requests import DISRUPTION, StopReport
from routing.dispatch.stable import STABLE, stable_replan
from routing.domain import SizeClass, WasteStream
from routing.errors import Defect, ProblemError
from routing.plan_file import read_plan, write_plan
from routing.problem_file import problem_to_dict, read_problem
from routing.units import MINUTE, parse_clock


def _clock(text: str) -> int:
    try:
        return parse_clock(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _parts(text: str, count: int, what: str) -> list[str]:
    parts = text.split("/")
    if len(parts) != count or not all(parts):
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}")
    return parts


def _route(text: str) -> tuple[str, str]:
    vehicle, shift = _parts(text, 2, "VEHICLE/SHIFT")
    return vehicle, shift


def _trip(text: str) -> tuple[str, str, int]:
    vehicle, shift, number = _parts(text, 3, "VEHICLE/SHIFT/TRIP")
    if not number.isdigit():
        raise argparse.ArgumentTypeError(f"trip number {number!r} is not a whole number")
    return vehicle, shift, int(number)


def _visit(text: str) -> tuple[str, int]:
    point, _, visit = text.rpartition("/")
    if not point:
        return text, 0
    if not visit.isdigit():
        raise argparse.ArgumentTypeError(f"visit number {visit!r} is not a whole number")
    return point, int(visit)


def _common(p: argparse.ArgumentParser, *, out: bool = True) -> None:
    p.add_argument("problem", type=Path, help="problem file (JSON)")
    p.add_argument("plan", type=Path, help="the plan to change (JSON)")
    p.add_argument("--reports", type=Path, help="crews' done/skipped reports (JSON list)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    if out:
        p.add_argument("--out", type=Path, required=True, help="the changed plan (JSON)")


def _search(p: argparse.ArgumentParser, time_limit: float, rounds: int) -> None:
    p.add_argument("--time-limit", type=float, default=time_limit, help="seconds")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--rounds", type=int, default=rounds, help="rounds of moves at most")


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the dispatch commands."""
    dispatch = sub.add_parser("dispatch", help="change a day's plan").add_subparsers(
        dest="dispatch", required=True, metavar="OPERATION"
    )
    _add_urgent(dispatch)
    _add_breakdown(dispatch)
    _add_reoptimise(dispatch)
    _add_feedback(dispatch)
    _add_stable(dispatch)
    _add_balance(dispatch)


def _add_urgent(dispatch: argparse._SubParsersAction[Any]) -> None:
    p = dispatch.add_parser("urgent", help="rank the slots for an urgent pickup; apply one")
    _common(p, out=False)
    p.add_argument("--id", required=True, help="id of the new pickup point")
    p.add_argument("--stream", required=True, choices=[s.value for s in WasteStream])
    p.add_argument("--kg", type=int, required=True)
    p.add_argument("--litres", type=int, default=0)
    p.add_argument("--at-point", help="an existing point or facility where the pickup is")
    p.add_argument("--lon", type=float)
    p.add_argument("--lat", type=float)
    p.add_argument("--deadline", type=_clock, required=True, help="HH:MM: service done by then")
    p.add_argument("--earliest", type=_clock, help="HH:MM: not before (default: --now)")
    p.add_argument("--service-min", type=float, default=5.0, help="minutes at the point")
    p.add_argument("--max-size", choices=[s.name.lower() for s in SizeClass])
    p.add_argument("--now", type=_clock, help="HH:MM: stops reached by then stay")
    p.add_argument("--slots", type=int, default=5, help="how many slots to offer")
    p.add_argument("--apply", type=int, metavar="RANK", help="put the pickup in this slot")
    p.add_argument("--out", type=Path, help="with --apply: the changed plan (JSON)")
    p.add_argument("--out-problem", type=Path, help="with --apply: the problem with the pickup")
    p.set_defaults(run=run_urgent)


def _add_breakdown(dispatch: argparse._SubParsersAction[Any]) -> None:
    p = dispatch.add_parser("breakdown", help="a vehicle is out: re-plan the rest of its work")
    _common(p)
    p.add_argument("--vehicle", required=True)
    p.add_argument("--at", type=_clock, required=True, help="HH:MM of the breakdown")
    p.add_argument("--until", type=_clock, help="HH:MM back in service (default: not today)")
    _search(p, 20.0, 2)
    p.set_defaults(run=run_breakdown)


def _add_reoptimise(dispatch: argparse._SubParsersAction[Any]) -> None:
    p = dispatch.add_parser(
        "reoptimise", help="keep what is locked, done or past; re-plan the rest"
    )
    _common(p)
    p.add_argument("--lock-vehicle", action="append", default=[], metavar="VEHICLE")
    p.add_argument("--lock-route", action="append", default=[], type=_route, metavar="V/SHIFT")
    p.add_argument("--lock-trip", action="append", default=[], type=_trip, metavar="V/SHIFT/N")
    p.add_argument("--lock-visit", action="append", default=[], type=_visit, metavar="POINT[/N]")
    p.add_argument("--now", type=_clock, help="HH:MM: stops reached by then stay")
    _search(p, 30.0, 3)
    p.set_defaults(run=run_reoptimise)


def _add_feedback(dispatch: argparse._SubParsersAction[Any]) -> None:
    p = dispatch.add_parser("feedback", help="take crews' reports in: skipped visits move on")
    _common(p)
    p.add_argument("--now", type=_clock, help="HH:MM: stops reached by then stay")
    _search(p, 10.0, 2)
    p.set_defaults(run=run_feedback)


def _add_stable(dispatch: argparse._SubParsersAction[Any]) -> None:
    p = dispatch.add_parser("stable", help="plan a day from the last plan, keeping it stable")
    p.add_argument("problem", type=Path, help="the new day's problem file (JSON)")
    p.add_argument("previous", type=Path, help="the last plan (JSON)")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--moved-fen", type=float, default=STABLE.moved_fen, help="per visit moved")
    p.add_argument("--late-fen", type=float, default=STABLE.late_fen, help="per visit retimed")
    p.add_argument("--tolerance-min", type=float, default=STABLE.tolerance_s / MINUTE)
    p.add_argument("--json", action="store_true")
    _search(p, 60.0, 3)
    p.set_defaults(run=run_stable)


def _add_balance(dispatch: argparse._SubParsersAction[Any]) -> None:
    p = dispatch.add_parser("balance", help="balance and overlap figures; --out re-balances")
    _common(p, out=False)
    p.add_argument("--out", type=Path, help="re-balance and write the plan here")
    p.add_argument("--balance-fen", type=float, default=BALANCED.balance_fen)
    p.add_argument("--compact-fen-per-km", type=float, default=BALANCED.compact_fen_per_km)
    _search(p, 60.0, 4)
    p.set_defaults(run=run_balance)


def _reports(args: argparse.Namespace) -> tuple[StopReport, ...]:
    return read_reports(args.reports) if args.reports else ()


def _finish(result: DispatchResult, args: argparse.Namespace, out: Path) -> int:
    write_plan(result.plan, out)
    summary = result.summary()
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        _print_summary(summary)
    return 0 if result.report.ok else 1


def _print_summary(summary: dict[str, Any]) -> None:
    d = summary["disruption"]
    before = summary["cost_before_yuan"]
    cost = f"{before:,.2f} → " if before is not None else ""
    print(f"{summary['operation']}: cost {cost}{summary['cost_after_yuan']:,.2f} CNY")
    print(
        f"of {d['compared']} visits in both plans: {d['moved']} changed vehicle or shift, "
        f"{d['retimed']} moved more than {d['tolerance_min']} min; {d['added']} added, "
        f"{d['dropped']} dropped; {summary['unserved']} unserved in all"
    )
    if summary["crews_affected"]:
        print(f"crews affected: {', '.join(summary['crews_affected'])}")
    for key in ("stability", "balance_before", "balance_after", "slot", "seconds"):
        if key in summary:
            print(f"{key}: {json.dumps(summary[key], ensure_ascii=False)}")
    print("valid: the plan keeps every rule" if summary["valid"] else "INVALID")


def run_urgent(args: argparse.Namespace) -> int:
    problem = read_problem(args.problem)
    plan = read_plan(args.plan)
    request = UrgentRequest(
        id=args.id,
        stream=WasteStream(args.stream),
        kg=args.kg,
        litres=args.litres,
        deadline_s=args.deadline,
        at_point=args.at_point,
        lon=args.lon,
        lat=args.lat,
        earliest_s=args.earliest,
        service_s=round(args.service_min * MINUTE),
        max_size_class=SizeClass[args.max_size.upper()] if args.max_size else None,
    )
    common: dict[str, Any] = {
        "now_s": args.now,
        "reports": _reports(args),
        "extend": with_point_computed,
    }
    if args.apply is None:
        ranking = rank_urgent(problem, plan, request, limit=args.slots, **common)
        if args.json:
            print(json.dumps(ranking.to_dict(), ensure_ascii=False, indent=1))
        else:
            _print_ranking(ranking.to_dict())
        return 0 if ranking.slots else 1
    if args.out is None or args.out_problem is None:
        raise ProblemError(
            [_missing("--out and --out-problem (the new plan names the pickup's point)")],
            source="huanwei dispatch urgent --apply",
        )
    result = apply_urgent(problem, plan, request, slot=args.apply, limit=args.slots, **common)
    args.out_problem.write_text(
        json.dumps(problem_to_dict(result.problem), ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    return _finish(result, args, args.out)


def _missing(what: str) -> Defect:
    return Defect("command line", "arguments", f"--apply needs {what}")


def _print_ranking(ranking: dict[str, Any]) -> None:
    if not ranking["slots"]:
        print(f"no slot for {ranking['point']}:")
        for reason in ranking["reasons"]:
            print(f"  - {reason}")
        return
    print(f"slots for {ranking['point']} ({ranking['seconds']} s), cheapest first:")
    for s in ranking["slots"]:
        kind = "a trip of its own" if s["new_trip"] else f"stop {s['stop']}"
        print(
            f"  {s['rank']}. {s['vehicle']} {s['shift']} (crew {s['crew']}), trip {s['trip']}, "
            f"{kind}: +{s['added_cost_yuan']:.2f} CNY, ETA {s['eta']}, "
            f"{s['retimed']} other stop(s) moved > 15 min"
        )


def run_breakdown(args: argparse.Namespace) -> int:
    result = breakdown(
        read_problem(args.problem),
        read_plan(args.plan),
        Breakdown(args.vehicle, args.at, args.until),
        reports=_reports(args),
        weights=DISRUPTION,
        time_limit_s=args.time_limit,
        seed=args.seed,
        rounds=args.rounds,
    )
    return _finish(result, args, args.out)


def run_reoptimise(args: argparse.Namespace) -> int:
    locks = Locks(
        vehicles=frozenset(args.lock_vehicle),
        routes=frozenset(args.lock_route),
        trips=frozenset(args.lock_trip),
        visits=frozenset(args.lock_visit),
    )
    result = reoptimise(
        read_problem(args.problem),
        read_plan(args.plan),
        locks=locks,
        reports=_reports(args),
        now_s=args.now,
        time_limit_s=args.time_limit,
        seed=args.seed,
        rounds=args.rounds,
    )
    return _finish(result, args, args.out)


def run_feedback(args: argparse.Namespace) -> int:
    result = apply_feedback(
        read_problem(args.problem),
        read_plan(args.plan),
        _reports(args),
        now_s=args.now,
        time_limit_s=args.time_limit,
        seed=args.seed,
        rounds=args.rounds,
    )
    return _finish(result, args, args.out)


def run_stable(args: argparse.Namespace) -> int:
    weights = Weights(
        moved_fen=args.moved_fen,
        late_fen=args.late_fen,
        tolerance_s=round(args.tolerance_min * MINUTE),
    )
    result = stable_replan(
        read_problem(args.problem),
        read_plan(args.previous),
        weights=weights,
        time_limit_s=args.time_limit,
        seed=args.seed,
        rounds=args.rounds,
    )
    return _finish(result, args, args.out)


def run_balance(args: argparse.Namespace) -> int:
    problem, plan = read_problem(args.problem), read_plan(args.plan)
    if args.out is None:
        kpis = balance_kpis(problem, plan).to_dict()
        print(json.dumps(kpis, ensure_ascii=False, indent=1))
        return 0
    weights = Weights(balance_fen=args.balance_fen, compact_fen_per_km=args.compact_fen_per_km)
    result = rebalance(
        problem,
        plan,
        weights=weights,
        time_limit_s=args.time_limit,
        seed=args.seed,
        rounds=args.rounds,
    )
    return _finish(result, args, args.out)
