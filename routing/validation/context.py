"""What the checks share: the problem, the plan, resolved records and the list of violations."""

from __future__ import annotations

from dataclasses import dataclass, field

import shapely

from routing.domain import Depot, Location
from routing.fleet import Crew, Shift, Vehicle, VehicleType, Zone
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
    _zones_at: dict[Location, tuple[Zone, ...]] | None = None

    def zones_at(self, location: Location) -> tuple[Zone, ...]:
        """The problem's zones that cover ``location`` (CT6).

        Computed once per run for every point and facility, one vectorised test per zone: a
        shapely point per stop took about half of the validation time.
        """
        if self._zones_at is None:
            problem = self.problem
            places = list(
                dict.fromkeys(
                    [p.location for p in problem.points] + [f.location for f in problem.facilities]
                )
            )
            found: dict[Location, list[Zone]] = {place: [] for place in places}
            geometries = shapely.points([(place.lon, place.lat) for place in places])
            for zone in problem.zones:
                inside = shapely.covers(zone.polygon, geometries)
                for place, covered in zip(places, inside, strict=True):
                    if covered:
                        found[place].append(zone)
            self._zones_at = {place: tuple(zones) for place, zones in found.items()}
        known = self._zones_at.get(location)
        if known is not None:
            return known
        return tuple(
            zone for zone in self.problem.zones if zone.contains(location.lon, location.lat)
        )

    def flag(self, rule: str, record: str, message: str) -> None:
        """Record a violation."""
        self.violations.append(Violation(rule, record, message))


def clock(seconds: int) -> str:
    """A clock time for messages."""
    return format_clock(seconds) if 0 <= seconds <= 48 * 3600 else f"{seconds} s"
