"""What the checks share: the problem, the plan, resolved records and the list of violations."""

from __future__ import annotations

from dataclasses import dataclass, field

from routing.domain import Depot
from routing.fleet import Crew, Shift, Vehicle, VehicleType
from routing.plan import Plan, Route
from routing.problem import Problem
from routing.travel import TravelMatrix
from routing.units import format_clock
from routing.validation.report import Violation


@dataclass(frozen=True, slots=True)
class ResolvedRoute:
    """A route whose vehicle, type, shift, crew, depot and matrix all exist."""

    index: int
    route: Route
    vehicle: Vehicle
    vehicle_type: VehicleType
    shift: Shift
    crew: Crew
    depot: Depot
    matrix: TravelMatrix

    @property
    def name(self) -> str:
        """How messages name the route."""
        return f"route {self.route.vehicle_id}/{self.route.shift_id}"


@dataclass(slots=True)
class Context:
    """The state of one validation run."""

    problem: Problem
    plan: Plan
    violations: list[Violation] = field(default_factory=list)

    def flag(self, rule: str, record: str, message: str) -> None:
        """Record a violation."""
        self.violations.append(Violation(rule, record, message))


def clock(seconds: int) -> str:
    """A clock time for messages."""
    return format_clock(seconds) if 0 <= seconds <= 48 * 3600 else f"{seconds} s"
