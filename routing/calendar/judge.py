"""The judge of a collection calendar's plan: the calendar itself, then every day's routes.

Calendar rules (docs/rules.md):

- **CAL1** — each point with a visit rule is given a pattern that the rule allows: ``visits``
  distinct cycle days within the cycle, on the rule's weekdays, one of the rule's own patterns
  where it lists them, else evenly spaced (consecutive days ``cycle_days // visits`` apart);
  no pattern for a point without a rule or not in the district.
- **CAL2** — the plan has one day per day of the horizon, and each day serves only the points
  its patterns (or their daily service) make due that day; a due visit not made is the day's
  ALL rule.
- Every day's plan is judged by :func:`routing.validation.validate` against that day's problem
  (:meth:`~routing.calendar.model.CalendarProblem.day_problem`: its points' visit loads, its
  vehicles, crews and facility hours); its violations keep their rule ids, named by day.

Pattern legality is checked here from the rule's definition, not with the generator of
patterns the planner uses.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass

from routing.calendar.model import CalendarProblem, Pattern, VisitRule
from routing.calendar.plan import CalendarPlan
from routing.validation import validate


@dataclass(frozen=True, slots=True)
class CalendarViolation:
    """One broken rule: its id, the day (None for the calendar as a whole), the record."""

    rule: str
    day: int | None
    record: str
    message: str

    def __str__(self) -> str:
        where = "" if self.day is None else f"day {self.day + 1}: "
        return f"[{self.rule}] {where}{self.record}: {self.message}"


@dataclass(frozen=True, slots=True)
class CalendarReport:
    """Every violation of a calendar plan; valid when there are none."""

    violations: tuple[CalendarViolation, ...]

    @property
    def ok(self) -> bool:
        """Whether the plan keeps every rule."""
        return not self.violations

    def by_rule(self) -> dict[str, int]:
        """Violations per rule id."""
        return dict(Counter(v.rule for v in self.violations))


def _pattern_fault(problem: CalendarProblem, rule: VisitRule, pattern: Pattern) -> str | None:
    cycle = problem.cycle_of(rule)
    if len(pattern) != rule.visits:
        return f"has {len(pattern)} days, the rule {rule.visits} visits per cycle"
    if len(set(pattern)) != len(pattern) or any(not 0 <= d < cycle for d in pattern):
        return f"must be distinct days of the {cycle}-day cycle"
    if rule.weekdays:
        off = [d for d in pattern if (problem.first_weekday + d) % 7 not in rule.weekdays]
        if off:
            return f"falls on days {off}, not on the rule's weekdays"
    if rule.patterns:
        if tuple(sorted(pattern)) not in {tuple(p) for p in rule.patterns}:
            return "is not one of the rule's patterns"
        return None
    days = sorted(pattern)
    gap = cycle // rule.visits
    if any(b - a != gap for a, b in itertools.pairwise(days)):
        return f"is not evenly spaced: visits must lie {gap} days apart"
    return None


def _check_patterns(problem: CalendarProblem, plan: CalendarPlan) -> list[CalendarViolation]:
    found: list[CalendarViolation] = []
    ruled = {rule.point_id: rule for rule in problem.rules}
    for point_id, _pattern in sorted(plan.patterns.items()):
        if point_id not in ruled:
            message = "has no visit rule (it is served daily) or is not a point of the district"
            found.append(CalendarViolation("CAL1", None, f"point {point_id}", message))
    for point_id, rule in sorted(ruled.items()):
        given = plan.patterns.get(point_id)
        if given is None:
            found.append(CalendarViolation("CAL1", None, f"point {point_id}", "has no pattern"))
            continue
        fault = _pattern_fault(problem, rule, tuple(given))
        if fault is not None:
            found.append(
                CalendarViolation(
                    "CAL1", None, f"point {point_id}", f"pattern {list(given)} {fault}"
                )
            )
    return found


def validate_calendar(problem: CalendarProblem, plan: CalendarPlan) -> CalendarReport:
    """Check ``plan`` against ``problem``: its patterns, its days' points, every day's rules."""
    found = _check_patterns(problem, plan)
    if len(plan.days) != problem.horizon_days:
        message = f"has {len(plan.days)} days for a horizon of {problem.horizon_days}"
        found.append(CalendarViolation("CAL2", None, "plan", message))
        return CalendarReport(tuple(found))
    if any(v.rule == "CAL1" and "has no pattern" in v.message for v in found):
        return CalendarReport(tuple(found))  # the days' problems cannot be built
    for day, day_plan in enumerate(plan.days):
        day_problem = problem.day_problem(day, plan.patterns)
        due = set(day_problem.point_by_id)
        made = {stop.point_id for _, _, stop in day_plan.served_visits()}
        made |= {u.point_id for u in day_plan.unserved}
        for point_id in sorted(made - due):
            message = "is served (or listed unserved) on a day its pattern does not make due"
            found.append(CalendarViolation("CAL2", day, f"point {point_id}", message))
        for v in validate(day_problem, day_plan).violations:
            if v.rule == "REF" and any(v.record.endswith(p) for p in made - due):
                continue  # said once, as CAL2
            found.append(CalendarViolation(v.rule, day, v.record, v.message))
    return CalendarReport(tuple(found))
