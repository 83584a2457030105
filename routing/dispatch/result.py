"""What a dispatch operation returns: the new plan, judged, and what changed for whom."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from routing.dispatch.day import Day
from routing.dispatch.errors import DispatchError
from routing.dispatch.requests import VisitKey
from routing.kpi import compute_kpis
from routing.plan import Plan
from routing.problem import Problem
from routing.units import MINUTE, format_clock
from routing.validation import ValidationReport, validate

ChangeKind = Literal["moved", "retimed", "added", "dropped"]
Placement = tuple[str, str, int]  # vehicle, shift, service start (s)


@dataclass(frozen=True, slots=True)
class VisitChange:
    """One visit whose vehicle, shift or time changed, or that was added or dropped.

    ``moved``: another vehicle or shift; ``retimed``: the same vehicle and shift, its service
    start moved by more than the tolerance; ``added``: served now, not before; ``dropped``:
    served before, not now.
    """

    point_id: str
    visit: int
    kind: ChangeKind
    before: Placement | None
    after: Placement | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (clock times as HH:MM)."""

        def side(p: Placement | None) -> dict[str, Any] | None:
            if p is None:
                return None
            return {"vehicle": p[0], "shift": p[1], "start_s": p[2], "start": format_clock(p[2])}

        return {
            "point": self.point_id,
            "visit": self.visit,
            "kind": self.kind,
            "before": side(self.before),
            "after": side(self.after),
        }


def placements(plan: Plan) -> dict[VisitKey, Placement]:
    """Where and when the plan serves each visit."""
    return {
        (stop.point_id, stop.visit): (route.vehicle_id, route.shift_id, stop.start_s)
        for route, _trip, stop in plan.served_visits()
    }


@dataclass(frozen=True, slots=True)
class Disruption:
    """What changed between two plans of a day, visit by visit."""

    changes: tuple[VisitChange, ...]
    tolerance_s: int
    compared: int  # visits served in both plans

    def count(self, kind: ChangeKind) -> int:
        """How many changes of ``kind``."""
        return sum(1 for c in self.changes if c.kind == kind)

    @property
    def disrupted(self) -> int:
        """Visits served in both plans that changed vehicle, shift or time."""
        return self.count("moved") + self.count("retimed")

    def crews_affected(self, after: Plan) -> list[str]:
        """Crews of the new plan with a changed visit."""
        crews = {(r.vehicle_id, r.shift_id): r.crew_id for r in after.routes}
        return sorted(
            {crews[(c.after[0], c.after[1])] for c in self.changes if c.after is not None}
        )

    def summary(self) -> dict[str, int]:
        """Counts by kind."""
        return {
            "compared": self.compared,
            "moved": self.count("moved"),
            "retimed": self.count("retimed"),
            "added": self.count("added"),
            "dropped": self.count("dropped"),
            "tolerance_min": self.tolerance_s // MINUTE,
        }


def compare(before: Plan, after: Plan, *, tolerance_s: int = 15 * MINUTE) -> Disruption:
    """Every visit that changed from ``before`` to ``after`` (see :class:`VisitChange`)."""
    old, new = placements(before), placements(after)
    changes: list[VisitChange] = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        kind: ChangeKind | None = None
        if a is None:
            kind = "added"
        elif b is None:
            kind = "dropped"
        elif a[:2] != b[:2]:
            kind = "moved"
        elif abs(a[2] - b[2]) > tolerance_s:
            kind = "retimed"
        if kind is not None:
            changes.append(VisitChange(key[0], key[1], kind, a, b))
    return Disruption(tuple(changes), tolerance_s, len(old.keys() & new.keys()))


@dataclass(frozen=True, slots=True)
class DispatchResult:
    """A changed plan of the day, judged by the validator, and what changed.

    ``problem`` is the problem the plan is for (an urgent pickup adds its point).
    """

    operation: str
    problem: Problem
    plan: Plan
    report: ValidationReport
    disruption: Disruption
    cost_before_yuan: float | None
    cost_after_yuan: float
    facts: Mapping[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """A JSON-ready account of the change (without the plan)."""
        return {
            "operation": self.operation,
            "valid": self.report.ok,
            "cost_before_yuan": self.cost_before_yuan,
            "cost_after_yuan": self.cost_after_yuan,
            "cost_change_yuan": (
                None
                if self.cost_before_yuan is None
                else round(self.cost_after_yuan - self.cost_before_yuan, 2)
            ),
            "unserved": len(self.plan.unserved),
            "disruption": self.disruption.summary(),
            "crews_affected": self.disruption.crews_affected(self.plan),
            "changes": [c.to_dict() for c in self.disruption.changes],
            **dict(self.facts),
        }


def cost_of(problem: Problem, plan: Plan) -> float | None:
    """The plan's cost (CNY), or None when it names records ``problem`` lacks."""
    try:
        return compute_kpis(problem, plan).cost_yuan
    except KeyError:
        return None


def finish(
    day: Day,
    operation: str,
    *,
    before: tuple[Problem, Plan] | None = None,
    tolerance_s: int = 15 * MINUTE,
    facts: Mapping[str, Any] | None = None,
    meta: Mapping[str, str | int | float] | None = None,
) -> DispatchResult:
    """Settle the day-wide rules, assemble the plan and judge it; never returns a plan that
    breaks a rule (raises :class:`DispatchError` naming the violations instead).

    ``before``: the problem and plan the change is measured against (default: the day's own).
    """
    day.settle()
    plan = day.to_plan({"dispatch": operation, **dict(meta or {})})
    report = validate(day.problem, plan)
    if not report.ok:
        raise DispatchError(
            f"the {operation} could not be made within the rules",
            reasons=[str(v) for v in report.violations[:10]],
        )
    old_problem, old_plan = before or (day.problem, day.base)
    return DispatchResult(
        operation,
        day.problem,
        plan,
        report,
        compare(old_plan, plan, tolerance_s=tolerance_s),
        cost_of(old_problem, old_plan),
        compute_kpis(day.problem, plan).cost_yuan,
        dict(facts or {}),
    )
