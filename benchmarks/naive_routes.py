"""A deliberately naive "current routes" sheet for a district, for the savings report.

    python benchmarks/naive_routes.py out/demo/problem.json --out out/naive-routes.xlsx
    huanwei savings out/demo/problem.json out/naive-routes.xlsx --out out/savings

What a department without a planner might drive: each stream's points cut into sectors around
the district's centre (by compass bearing, a sector per vehicle that may carry the stream; a
point in a lane too narrow for its sector's vehicle goes to the next one that fits), each
sector taken in the sheet's order of the bearing (a sweep, no routing), one route per vehicle in
the first shift whose hours suit the stream's windows best; a point visited twice a day goes on
the same vehicle in two shifts. Nothing is optimised: it is the baseline a savings figure needs.
"""

from __future__ import annotations

import argparse
import math
from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook

from routing.domain import CollectionPoint
from routing.problem import Problem
from routing.problem_file import read_problem


def naive_routes(problem: Problem) -> list[tuple[str, str, int, str]]:
    """Rows (vehicle, shift, order, point) of the naive routes of ``problem``."""
    lon0 = sum(p.location.lon for p in problem.points) / max(1, len(problem.points))
    lat0 = sum(p.location.lat for p in problem.points) / max(1, len(problem.points))
    shifts = sorted(problem.shifts, key=lambda s: s.start_s)
    by_stream = defaultdict(list)
    for point in problem.points:
        by_stream[point.stream].append(point)
    rows: list[tuple[str, str, int, str]] = []
    used: set[str] = set()
    for stream, points in sorted(by_stream.items(), key=lambda kv: -len(kv[1])):
        rule = problem.rules.stream_rule(stream)
        allowed = [
            v
            for v in problem.vehicles
            if rule is not None
            and rule.allows(problem.vehicle_type_of(v).body, problem.vehicle_type_of(v).sealed)
        ]
        carriers = [v for v in allowed if v.id not in used] or allowed
        if not carriers:
            continue

        def bearing(p: CollectionPoint) -> float:
            loc = p.location
            return math.atan2(loc.lat - lat0, (loc.lon - lon0) * math.cos(math.radians(lat0)))

        points.sort(key=bearing)
        size = math.ceil(len(points) / len(carriers))
        sectors: dict[str, list[CollectionPoint]] = {}
        for k, point in enumerate(points):
            # The sector's vehicle, or the next one small enough for the point's lane (any
            # that may carry the stream, at worst).
            turn = carriers[k // size :] + carriers[: k // size]
            fits = [
                v
                for v in (*turn, *allowed)
                if problem.vehicle_type_of(v).size_class <= point.max_size_class
            ]
            sectors.setdefault((fits or turn)[0].id, []).append(point)
        for vehicle_id, sector in sectors.items():
            used.add(vehicle_id)
            for visit in range(max((p.visits_per_day for p in sector), default=0)):
                shift = shifts[min(visit, len(shifts) - 1)]
                order = 0
                for point in sector:
                    if visit < point.visits_per_day:
                        order += 1
                        rows.append((vehicle_id, shift.id, order, point.id))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("problem", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="the sheet to write (.xlsx)")
    args = parser.parse_args()
    problem = read_problem(args.problem)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "现行路线"
    sheet.append(["车辆", "班次", "顺序", "收运点"])
    rows = naive_routes(problem)
    for row in rows:
        sheet.append(list(row))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    book.save(args.out)
    routes = len({(v, s) for v, s, _, _ in rows})
    print(f"written: {len(rows)} stops on {routes} routes in {args.out}")


if __name__ == "__main__":
    main()
