"""Where one search of a district week spends its seconds: each phase's start and end, and each
day run's seconds given against its seconds taken.

    python -m benchmarks.calendar_phases --seed 1 --time-limit 300 [--osm FILE] [--calendar F]

One search (``CalendarPlanner.plan``, as each of ``plan_calendar``'s searches runs, on one
core) of the district week of :mod:`benchmarks.calendar_week`. The planner's phases (the first
routing of every day, the pattern moves, the last planning of the days) are timed by wrapping
its methods; every day run (``route_day``) is recorded with the seconds it was given and the
seconds it took, and whether it was a run of the last planning. Prints one JSON line per phase,
then a summary line: the plan's stats, the day runs' seconds given and taken (the search's and
the last planning's apart), and each phase's seconds against the share it was meant to have.
"""

from __future__ import annotations

import json
import time
from typing import Any

from benchmarks.calendar_week import district_week, week_arguments
from benchmarks.pvrpif_phases import time_phases
from routing.calendar import planner as calendar_planner
from routing.calendar.planner import CalendarPlanner


def main() -> None:
    parser = week_arguments(__doc__, time_limit_s=300.0)
    args = parser.parse_args()
    calendar = district_week(args)
    began = time.monotonic()
    runs: list[tuple[float, float, bool]] = []  # seconds given, taken, of the last planning
    phases = time_phases(lambda: round(time.monotonic() - began, 1))
    route_day = CalendarPlanner.route_day

    def recorded(self: CalendarPlanner, day: int, patterns: Any, seconds: float, **kw: Any) -> Any:
        start = time.monotonic()
        out = route_day(self, day, patterns, seconds, **kw)
        runs.append((seconds, time.monotonic() - start, bool(kw.get("final"))))
        return out

    CalendarPlanner.route_day = recorded  # type: ignore[method-assign]
    planner = CalendarPlanner(calendar, seed=args.seed)
    began = time.monotonic()
    plan = planner.plan(time_limit_s=args.time_limit)
    total = time.monotonic() - began
    # The planner's own measure of a day (before b303e01: its points over the period's days).
    measure = getattr(planner, "_visits_per_day", None)
    per_day = measure() if measure else len(calendar.base.points) / max(calendar.period_days, 1)
    large = per_day > calendar_planner.LARGE_DAY_POINTS
    first = calendar_planner.LARGE_FIRST_SHARE if large else calendar_planner.FIRST_ROUTING_SHARE
    final = calendar_planner.LARGE_FINAL_SHARE if large else calendar_planner.FINAL_ROUTING_SHARE
    last = next((p for p in phases if p["phase"] == "_polish"), None)
    first_end = next((p["to_s"] for p in phases if p["phase"] == "_route_all"), 0.0)

    def runs_of(last_planning: bool) -> dict[str, float]:
        chosen = [(g, t) for g, t, f in runs if f == last_planning]
        return {
            "runs": len(chosen),
            "given_s": round(sum(g for g, _ in chosen), 1),
            "taken_s": round(sum(t for _, t in chosen), 1),
        }

    print(
        json.dumps(
            {
                "seed": args.seed,
                "time_limit_s": args.time_limit,
                "seconds": round(total, 1),
                "day_measure": round(per_day, 1),
                "shares": {"first": first, "last": final},
                "first_routing_s": first_end,
                "meant_first_s": round(first * args.time_limit, 1),
                "last_planning_s": None
                if last is None
                else round(last["to_s"] - last["from_s"], 1),
                "meant_last_s": round(final * args.time_limit, 1),
                "search_runs": runs_of(False),
                "last_planning_runs": runs_of(True),
                "stats": plan.stats,
            }
        )
    )


if __name__ == "__main__":
    main()
