"""What a dispatcher asks for: locks, crews' reports, an urgent pickup, a breakdown, weights.

Every class checks its own fields (a bad value raises a :class:`~routing.errors.FieldError`
naming the field); references to the problem's records (a vehicle, a point) are checked by the
operation that receives them, which names the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from routing._checks import checked, clock, identifier, non_negative, positive, require
from routing.domain import SizeClass, WasteStream
from routing.units import MINUTE

VisitKey = tuple[str, int]
"""One visit of a collection point: (point id, visit number from 0)."""


@dataclass(frozen=True, slots=True)
class Locks:
    """What a re-plan must keep.

    Parameters
    ----------
    vehicles
        Every route of these vehicles stays exactly as it is.
    routes
        (vehicle, shift): that route stays exactly as it is.
    trips
        (vehicle, shift, trip number from 1): the trip keeps its visits, their order and its
        facility, on its route; its times may move when the route's other trips change.
    visits
        (point, visit): the visit stays on its vehicle and shift; its place and time may move.
    """

    vehicles: frozenset[str] = frozenset()
    routes: frozenset[tuple[str, str]] = frozenset()
    trips: frozenset[tuple[str, str, int]] = frozenset()
    visits: frozenset[VisitKey] = frozenset()

    @checked
    def __post_init__(self) -> None:
        for vehicle in self.vehicles:
            identifier(vehicle, "vehicles")
        for vehicle, shift in self.routes:
            identifier(vehicle, "routes")
            identifier(shift, "routes")
        for vehicle, shift, number in self.trips:
            identifier(vehicle, "trips")
            identifier(shift, "trips")
            positive(number, "trips")
        for point, visit in self.visits:
            identifier(point, "visits")
            non_negative(visit, "visits")

    @property
    def empty(self) -> bool:
        """Whether nothing is locked."""
        return not (self.vehicles or self.routes or self.trips or self.visits)


StopState = Literal["done", "skipped"]


@dataclass(frozen=True, slots=True)
class StopReport:
    """A crew's report on one visit of the plan: done, or skipped with a reason."""

    point_id: str
    visit: int
    status: StopState
    reason: str = ""

    @checked
    def __post_init__(self) -> None:
        identifier(self.point_id, "point_id")
        non_negative(self.visit, "visit")
        require(self.status in ("done", "skipped"), "status", "must be done or skipped")
        if self.status == "skipped":
            require(bool(self.reason.strip()), "reason", "a skipped visit needs a reason")

    @property
    def key(self) -> VisitKey:
        """The visit reported on."""
        return (self.point_id, self.visit)


@dataclass(frozen=True, slots=True)
class UrgentRequest:
    """A pickup that must be added to today's plan (a 12345-hotline complaint, a missed bin).

    Parameters
    ----------
    id
        Id of the new collection point; it must not name a record of the problem.
    stream
        What is collected.
    kg, litres
        How much.
    deadline_s
        Service must be finished by then (seconds since midnight).
    at_point
        An existing point or facility at whose place the pickup is (a missed bin); or give
        ``lon`` and ``lat``.
    lon, lat
        Where the pickup is, when it is not at an existing point.
    earliest_s
        Service may not start before then (default: the request's time).
    service_s
        Seconds of work at the point.
    max_size_class
        The largest vehicle that reaches it (default: the existing point's, else any).
    """

    id: str
    stream: WasteStream
    kg: int
    deadline_s: int
    litres: int = 0
    at_point: str | None = None
    lon: float | None = None
    lat: float | None = None
    earliest_s: int | None = None
    service_s: int = 5 * MINUTE
    max_size_class: SizeClass | None = None

    @checked
    def __post_init__(self) -> None:
        identifier(self.id)
        require(isinstance(self.stream, WasteStream), "stream", "must be a waste stream")
        non_negative(self.kg, "kg")
        non_negative(self.litres, "litres")
        clock(self.deadline_s, "deadline_s")
        non_negative(self.service_s, "service_s")
        if self.earliest_s is not None and clock(self.earliest_s, "earliest_s"):
            require(
                self.earliest_s + self.service_s <= self.deadline_s,
                "deadline_s",
                "leaves no time for the service after earliest_s",
            )
        placed = self.at_point is not None
        located = self.lon is not None or self.lat is not None
        require(placed != located, "at_point", "give either at_point or lon and lat, not both")
        if located:
            require(self.lon is not None and self.lat is not None, "lat", "lon and lat go together")
        if self.max_size_class is not None:
            require(isinstance(self.max_size_class, SizeClass), "max_size_class", "must be a size")


@dataclass(frozen=True, slots=True)
class Breakdown:
    """A vehicle out of service from ``at_s`` (until ``until_s``, default: the rest of the day).

    The stop the truck is at when it breaks down is finished; if it carries waste, it is taken
    (towed or limping) to the trip's facility to unload, then home: nothing already done moves.
    """

    vehicle_id: str
    at_s: int
    until_s: int | None = None

    @checked
    def __post_init__(self) -> None:
        identifier(self.vehicle_id, "vehicle_id")
        clock(self.at_s, "at_s")
        if self.until_s is not None and clock(self.until_s, "until_s"):
            require(self.until_s > self.at_s, "until_s", "must be after at_s")


@dataclass(frozen=True, slots=True)
class Weights:
    """What a re-plan weighs besides cost (fen), the cost being km and working hours.

    Parameters
    ----------
    moved_fen
        Per visit that leaves the vehicle and shift it had in the reference plan.
    late_fen
        Per visit whose service start moves by more than ``tolerance_s`` from the reference.
    tolerance_s
        How far a visit's time may move and still count as kept (±).
    balance_fen
        Per squared hour of a route's working time away from the plan's mean (balance).
    compact_fen_per_km
        Per kilometre between a visit and the centre of its route's visits (compactness).
    """

    moved_fen: float = 0.0
    late_fen: float = 0.0
    tolerance_s: int = 15 * MINUTE
    balance_fen: float = 0.0
    compact_fen_per_km: float = 0.0

    @checked
    def __post_init__(self) -> None:
        for name in ("moved_fen", "late_fen", "balance_fen", "compact_fen_per_km"):
            value = getattr(self, name)
            require(
                isinstance(value, int | float) and not isinstance(value, bool) and value >= 0,
                name,
                f"must be a number of at least 0, got {value!r}",
            )
        non_negative(self.tolerance_s, "tolerance_s")


#: Nothing locked.
NO_LOCKS = Locks()

#: Cost alone.
COST_ONLY = Weights()

#: Weights that keep disruption small: a visit moved to another vehicle costs as much as about
#: 15 minutes of a truck's time, a time moved beyond the tolerance a third of that.
DISRUPTION = Weights(moved_fen=2000.0, late_fen=700.0)
