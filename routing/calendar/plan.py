"""A collection calendar's plan: each point's pattern and every day's routes.

File form (``huanwei-calendar-plan/1``)::

    {"format": "huanwei-calendar-plan/1", "problem": name, "horizon_days": 7,
     "patterns": {"R0001": [0, 3], …},   # points with a visit rule: their cycle days
     "days": [<plan file of day 1>, …],  # docs/plan-format.md, one per day
     "stats": {…}}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from routing.calendar.model import Pattern
from routing.errors import Defect, ProblemError
from routing.plan import Plan
from routing.plan_file import plan_from_dict, plan_to_dict

FORMAT = "huanwei-calendar-plan/1"


@dataclass(frozen=True)
class CalendarPlan:
    """The plan of a :class:`~routing.calendar.model.CalendarProblem`.

    Parameters
    ----------
    problem_name
        The calendar it was made for.
    patterns
        Per point with a visit rule, the cycle days it is served on.
    days
        The plan of each day of the horizon, in order.
    stats
        How the planning went (seconds, pattern moves, engine per day).
    """

    problem_name: str
    patterns: Mapping[str, Pattern]
    days: tuple[Plan, ...]
    stats: Mapping[str, Any] = field(default_factory=dict)


def working_by_type(vehicle_types: Mapping[str, str], days: Sequence[Plan]) -> list[Counter[str]]:
    """Per day, the vehicles of each type (``vehicle_types``: each vehicle's) that work it."""
    return [Counter(vehicle_types[v] for v in {r.vehicle_id for r in plan.routes}) for plan in days]


def idle_vehicle_days(vehicle_types: Mapping[str, str], days: Sequence[Plan]) -> int:
    """The vehicle-days a calendar's fleet stands idle: of each vehicle type (``vehicle_types``:
    each vehicle's), as many vehicles as the busiest day works are kept all the horizon, so each
    day that works fewer of them leaves the rest in the yard."""
    counts = working_by_type(vehicle_types, days)
    types = {t for c in counts for t in c}
    return sum(max(c[t] for c in counts) - c[t] for t in types for c in counts)


def calendar_plan_to_dict(plan: CalendarPlan) -> dict[str, Any]:
    """The file form of ``plan``."""
    return {
        "format": FORMAT,
        "problem": plan.problem_name,
        "horizon_days": len(plan.days),
        "patterns": {p: list(days) for p, days in sorted(plan.patterns.items())},
        "days": [plan_to_dict(day) for day in plan.days],
        "stats": dict(plan.stats),
    }


def calendar_plan_from_dict(raw: Any, *, source: str = "calendar plan") -> CalendarPlan:
    """A calendar plan from its file form.

    Raises
    ------
    ProblemError
        Naming the field that is missing or wrong.
    """
    if not isinstance(raw, Mapping) or raw.get("format") != FORMAT:
        raise ProblemError([Defect(source, "format", f"must be {FORMAT!r}")], source=source)
    patterns = raw.get("patterns")
    if not isinstance(patterns, Mapping) or not all(
        isinstance(v, list) and all(isinstance(d, int) for d in v) for v in patterns.values()
    ):
        message = "must map each point to a list of day numbers"
        raise ProblemError([Defect(source, "patterns", message)], source=source)
    days = raw.get("days")
    if not isinstance(days, list):
        raise ProblemError([Defect(source, "days", "must be a list of plans")], source=source)
    return CalendarPlan(
        problem_name=str(raw.get("problem", "")),
        patterns={str(p): tuple(v) for p, v in patterns.items()},
        days=tuple(plan_from_dict(d, source=f"{source} day {i + 1}") for i, d in enumerate(days)),
        stats=dict(raw.get("stats") or {}),
    )
