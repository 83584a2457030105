"""The problem aggregate: everything the optimiser and the validator need for one district-day."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from routing.domain import CollectionPoint, Depot, Facility, FacilityKind, Location, WasteStream
from routing.errors import DefectCollector
from routing.fleet import Crew, RuleParameters, Shift, Vehicle, VehicleType, Zone, zones_around
from routing.travel import TravelMatrix


@dataclass(frozen=True, slots=True, eq=False)
class Problem:
    """One district-day to plan: points, depots, facilities, fleet, crews, shifts, zones, travel.

    Construction checks every cross-reference once and raises a single :class:`ProblemError`
    listing every defect (record and field). Use :meth:`replace` for variants. Records are also
    kept by id (``point_by_id``, …), ``locations`` maps every point, depot and facility id to
    its location (see :func:`locations_by_id`), and ``zones_at`` every point and facility inside
    a zone to the zones around it (CT6).
    """

    name: str
    points: tuple[CollectionPoint, ...]
    depots: tuple[Depot, ...]
    facilities: tuple[Facility, ...]
    vehicle_types: tuple[VehicleType, ...]
    vehicles: tuple[Vehicle, ...]
    crews: tuple[Crew, ...]
    shifts: tuple[Shift, ...]
    travel: Mapping[str, TravelMatrix]
    zones: tuple[Zone, ...] = ()
    rules: RuleParameters = field(default_factory=RuleParameters)

    point_by_id: Mapping[str, CollectionPoint] = field(init=False, repr=False)
    depot_by_id: Mapping[str, Depot] = field(init=False, repr=False)
    facility_by_id: Mapping[str, Facility] = field(init=False, repr=False)
    vehicle_type_by_id: Mapping[str, VehicleType] = field(init=False, repr=False)
    vehicle_by_id: Mapping[str, Vehicle] = field(init=False, repr=False)
    crew_by_id: Mapping[str, Crew] = field(init=False, repr=False)
    shift_by_id: Mapping[str, Shift] = field(init=False, repr=False)
    locations: Mapping[str, Location] = field(init=False, repr=False)
    zones_at: Mapping[str, tuple[Zone, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        defects = DefectCollector()
        check_references(self, defects)
        defects.raise_if_any(source=f"problem {self.name!r}")
        for name, records in (
            ("point_by_id", self.points),
            ("depot_by_id", self.depots),
            ("facility_by_id", self.facilities),
            ("vehicle_type_by_id", self.vehicle_types),
            ("vehicle_by_id", self.vehicles),
            ("crew_by_id", self.crews),
            ("shift_by_id", self.shifts),
        ):
            object.__setattr__(self, name, {record.id: record for record in records})
        object.__setattr__(
            self, "locations", locations_by_id(self.points, self.depots, self.facilities)
        )
        served = {p.id: p.location for p in self.points}
        served |= {f.id: f.location for f in self.facilities}
        object.__setattr__(self, "zones_at", zones_around(self.zones, served))

    @classmethod
    def from_parts(cls, name: str, parts: ProblemParts) -> Problem:
        """A problem of the records ``parts`` holds (a loader's or a database's), checked."""
        return cls(
            name=name,
            points=parts.points,
            depots=parts.depots,
            facilities=parts.facilities,
            vehicle_types=parts.vehicle_types,
            vehicles=parts.vehicles,
            crews=parts.crews,
            shifts=parts.shifts,
            travel=parts.travel,
            zones=parts.zones,
            rules=parts.rules,
        )

    def replace(self, **changes: Any) -> Problem:
        """A copy with some fields replaced, checked again as a whole."""
        return dataclasses.replace(self, **changes)

    def vehicle_type_of(self, vehicle: Vehicle) -> VehicleType:
        """The type of ``vehicle``."""
        return self.vehicle_type_by_id[vehicle.type_id]

    def matrix_for(self, vehicle: Vehicle) -> TravelMatrix:
        """The travel matrix ``vehicle`` drives on."""
        return self.travel[self.vehicle_type_of(vehicle).profile]

    def leg_matrix(self, vehicle: Vehicle, origin: str, destination: str) -> TravelMatrix | None:
        """The matrix to take a leg of ``vehicle`` from: its own, or for a leg its own lacks or
        cannot drive (a plan that sends it where it cannot go, such as a department's current
        routes: the validator says so) another profile's that drives it; None if none does."""
        own = self.matrix_for(vehicle)
        return next(
            (m for m in (own, *self.travel.values()) if m.drives(origin, destination)), None
        )

    def visit_amounts(self, visits: Iterable[tuple[str, int]]) -> tuple[int, int, int]:
        """The kg and litres the ``visits`` (point id, visit number) collect, and their count."""
        kg = litres = count = 0
        for point_id, visit in visits:
            point = self.point_by_id[point_id]
            kg += point.visit_kg(visit)
            litres += point.visit_litres(visit)
            count += 1
        return kg, litres, count

    def location_of(self, location_id: str) -> Location:
        """The location of a point, depot or facility by id (see :attr:`locations`)."""
        return self.locations[location_id]

    @property
    def transfer_stations(self) -> tuple[Facility, ...]:
        """The facilities that store waste and send it on in containers (TH)."""
        return tuple(f for f in self.facilities if f.kind is FacilityKind.TRANSFER_STATION)


def locations_by_id(
    points: Iterable[CollectionPoint], depots: Iterable[Depot], facilities: Iterable[Facility]
) -> dict[str, Location]:
    """Every place by id: the points, then the depots, then the facilities.

    The order is the one travel matrices list locations in; a :class:`Problem` keeps this map as
    :attr:`Problem.locations`, and loaders use it to build travel before the problem exists.
    """
    places: Iterable[CollectionPoint | Depot | Facility] = itertools.chain(
        points, depots, facilities
    )
    return {place.id: place.location for place in places}


def _unique(records: Sequence[Any], kind: str, defects: DefectCollector) -> set[str]:
    seen: set[str] = set()
    for record in records:
        if record.id in seen:
            defects.add(f"{kind} {record.id}", "id", "is used by more than one record")
        seen.add(record.id)
    return seen


class ProblemParts(Protocol):
    """The records of a problem, checked or not (a :class:`Problem` is one)."""

    @property
    def points(self) -> tuple[CollectionPoint, ...]: ...

    @property
    def depots(self) -> tuple[Depot, ...]: ...

    @property
    def facilities(self) -> tuple[Facility, ...]: ...

    @property
    def vehicle_types(self) -> tuple[VehicleType, ...]: ...

    @property
    def vehicles(self) -> tuple[Vehicle, ...]: ...

    @property
    def crews(self) -> tuple[Crew, ...]: ...

    @property
    def shifts(self) -> tuple[Shift, ...]: ...

    @property
    def travel(self) -> Mapping[str, TravelMatrix]: ...

    @property
    def zones(self) -> tuple[Zone, ...]: ...

    @property
    def rules(self) -> RuleParameters: ...


def check_references(problem: ProblemParts, defects: DefectCollector) -> None:
    """Add a defect for every broken cross-reference of ``problem``'s records."""
    depot_ids, type_ids = _check_ids(problem, defects)
    _check_depots_and_shifts(problem, defects)
    for vehicle in problem.vehicles:
        if vehicle.type_id not in type_ids:
            defects.add(f"vehicle {vehicle.id}", "type_id", f"no vehicle type {vehicle.type_id!r}")
        if vehicle.depot_id not in depot_ids:
            defects.add(f"vehicle {vehicle.id}", "depot_id", f"no depot {vehicle.depot_id!r}")
    for vtype in problem.vehicle_types:
        if vtype.profile not in problem.travel:
            defects.add(
                f"vehicle type {vtype.id}", "profile", f"no travel matrix for {vtype.profile!r}"
            )
    for point in problem.points:
        if point.visits_per_day > len(problem.shifts):
            defects.add(
                f"collection point {point.id}",
                "visits_per_day",
                f"is {point.visits_per_day} but the day has {len(problem.shifts)} shifts",
            )
        if problem.rules.stream_rule(point.stream) is None:
            defects.add(f"collection point {point.id}", "stream", "has no stream rule (CT1)")
    _check_travel(problem, defects)


def _check_ids(problem: ProblemParts, defects: DefectCollector) -> tuple[set[str], set[str]]:
    """Ids used twice, and places sharing an id; the depot ids and the vehicle type ids."""
    point_ids = _unique(problem.points, "collection point", defects)
    depot_ids = _unique(problem.depots, "depot", defects)
    facility_ids = _unique(problem.facilities, "facility", defects)
    type_ids = _unique(problem.vehicle_types, "vehicle type", defects)
    _unique(problem.vehicles, "vehicle", defects)
    _unique(problem.crews, "crew", defects)
    _unique(problem.shifts, "shift", defects)
    _unique(problem.zones, "zone", defects)
    for a, b, a_kind, b_kind in (
        (point_ids, depot_ids, "collection point", "depot"),
        (point_ids, facility_ids, "collection point", "facility"),
        (depot_ids, facility_ids, "depot", "facility"),
    ):
        for shared in sorted(a & b):
            defects.add(f"{a_kind} {shared}", "id", f"is also the id of a {b_kind}")
    return depot_ids, type_ids


def _check_depots_and_shifts(problem: ProblemParts, defects: DefectCollector) -> None:
    """At least one depot and one shift, and no two shifts overlapping."""
    if not problem.depots:
        defects.add("problem", "depots", "must list at least one depot")
    if not problem.shifts:
        defects.add("problem", "shifts", "must list at least one shift")
    ordered = sorted(problem.shifts, key=lambda s: s.start_s)
    for before, after in itertools.pairwise(ordered):
        if after.start_s < before.end_s:
            defects.add(f"shift {after.id}", "start_s", f"overlaps shift {before.id}")


def _check_travel(problem: ProblemParts, defects: DefectCollector) -> None:
    """Each matrix named by its profile and covering the locations the profile needs."""
    needed = profile_locations(
        problem.points, problem.depots, problem.facilities, problem.vehicle_types, problem.rules
    )
    for profile, matrix in problem.travel.items():
        if matrix.profile != profile:
            defects.add(f"travel matrix {profile}", "profile", f"is named {matrix.profile!r}")
        missing = [loc for loc in needed.get(profile, ()) if loc not in matrix]
        if missing:
            shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
            defects.add(
                f"travel matrix {profile}",
                "location_ids",
                f"lacks {len(missing)} location(s): {shown}",
            )


def profile_locations(
    points: Sequence[CollectionPoint],
    depots: Sequence[Depot],
    facilities: Sequence[Facility],
    vehicle_types: Sequence[VehicleType],
    rules: RuleParameters,
) -> dict[str, tuple[str, ...]]:
    """Per travel profile of a vehicle type, the locations its matrix must cover.

    Every depot and facility, and the points whose stream some vehicle type of the profile may
    carry (CT1): a vehicle never drives to a point it may not serve, so a city's matrices hold
    only the pairs its trucks can drive (a kitchen tanker's profile skips the residual bins).
    A matrix may cover more. The order is the problem's: points, depots, facilities.
    """
    carried: dict[str, set[WasteStream]] = {}
    for vtype in vehicle_types:
        streams = carried.setdefault(vtype.profile, set())
        streams.update(
            rule.stream for rule in rules.stream_rules if rule.allows(vtype.body, vtype.sealed)
        )
    fixed = [d.id for d in depots] + [f.id for f in facilities]
    return {
        profile: tuple(dict.fromkeys([*(p.id for p in points if p.stream in streams), *fixed]))
        for profile, streams in carried.items()
    }
