"""A week of the district planned again after 5 % of its points change frequency: how many of
the other points keep their days.

    python -m benchmarks.calendar_stability [--osm FILE] --seed 1 --time-limit 120 \\
        [--calendar scenarios/calendars/district-week.toml] [--share 0.05]

The district week of ``benchmarks.calendar_week`` is planned (``plan_calendar``); then ``--share``
of its points with a rule, drawn from those served twice a week (``--seed``), are served three
times a week instead (a commercial point that pays for more), and the changed week is planned
twice with the same budget: from the first calendar (``previous``: each point keeps its days
where the rules still allow them, and leaves them only for a large saving) and afresh (what
keeping owes to chance). Prints one JSON line per plan: cost, unserved visits, the calendar
judge's verdict, and for the two plans of the changed week the share of the unchanged points on
the same days as in the first calendar.
"""

from __future__ import annotations

import dataclasses
import json
import random
import time
from collections.abc import Mapping

from benchmarks.calendar_week import district_week, week_arguments
from huanwei.commands.calendar import summary
from routing.calendar.model import CalendarProblem, Pattern
from routing.calendar.plan import CalendarPlan
from routing.calendar.planner import plan_calendar


def changed_week(
    week: CalendarProblem, share: float, seed: int
) -> tuple[CalendarProblem, set[str]]:
    """``week`` with ``share`` of its ruled points (at least one), drawn from those served twice
    a cycle, served three times instead."""
    twice = sorted(r.point_id for r in week.rules if r.visits == 2)
    count = min(len(twice), max(1, round(share * len(week.rules))))
    changed = set(random.Random(seed).sample(twice, count))
    rules = tuple(
        dataclasses.replace(r, visits=3) if r.point_id in changed else r for r in week.rules
    )
    return dataclasses.replace(week, rules=rules), changed


def kept_share(
    first: Mapping[str, Pattern], second: Mapping[str, Pattern], skip: set[str]
) -> float:
    """The share of ``first``'s points, except ``skip``, on the same days in ``second``."""
    others = [p for p in first if p not in skip]
    return sum(tuple(first[p]) == tuple(second[p]) for p in others) / max(len(others), 1)


def main() -> None:
    parser = week_arguments(__doc__, time_limit_s=120.0)
    parser.add_argument("--share", type=float, default=0.05)
    args = parser.parse_args()
    week = district_week(args)
    changed, moved = changed_week(week, args.share, args.seed)

    def report(name: str, problem: CalendarProblem, plan: CalendarPlan, seconds: float) -> None:
        figures = summary(problem, plan)
        brief: dict[str, object] = {
            "plan": name,
            "ruled_points": len(problem.rules),
            "changed_points": len(moved) if problem is changed else 0,
            "seconds": round(seconds, 1),
            "cost_yuan": figures["cost_yuan"],
            "unserved": figures["unserved"],
            "vehicles_per_day": [d["vehicles"] for d in figures["days"]],
            "valid": figures["valid"],
        }
        if problem is changed:
            brief["others_on_their_days"] = round(
                kept_share(first.patterns, plan.patterns, moved), 4
            )
            brief["changed_served_three_times"] = all(len(plan.patterns[p]) == 3 for p in moved)
        print(json.dumps(brief), flush=True)

    began = time.perf_counter()
    first = plan_calendar(week, time_limit_s=args.time_limit, seed=args.seed, cores=args.cores)
    report("first", week, first, time.perf_counter() - began)
    for name, previous in (("from the first", first.patterns), ("afresh", None)):
        began = time.perf_counter()
        plan = plan_calendar(
            changed,
            time_limit_s=args.time_limit,
            seed=args.seed + 1,
            previous=previous,
            cores=args.cores,
        )
        report(name, changed, plan, time.perf_counter() - began)


if __name__ == "__main__":
    main()
