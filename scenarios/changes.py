"""What-if changes to a district-day, applied to its :class:`~routing.problem.Problem` records.

Each change is a small frozen record that knows where it was written (``where``: file line and
position, for error messages) and applies itself with :func:`dataclasses.replace` on the frozen
records, so every record is checked again by its own ``__post_init__`` and the problem by its
cross-reference check. A change that names a record the problem lacks, or leaves a record
invalid, raises :class:`~routing.errors.ProblemError` naming the change, the record and the field.

Quantities in scenario files are in the units planners use (t, min, h, km); they are converted
once, here, to the problem's integers (kg, s, m).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

from routing.domain import Facility, FacilityKind, Location, TimeWindow, WasteStream
from routing.errors import Defect, FieldError, ProblemError
from routing.fleet import Shift, Vehicle
from routing.problem import Problem
from routing.units import HOUR, MINUTE, TONNE, round_int
from scenarios.district import offset_location


def _fail(where: str, field: str, message: str) -> ProblemError:
    return ProblemError([Defect(where, field, message)], source="scenario change")


@dataclass(frozen=True, slots=True)
class Place:
    """Where a facility stands: a position, or kilometres east and north of a location id."""

    lon: float | None = None
    lat: float | None = None
    near: str | None = None
    east_km: float = 0.0
    north_km: float = 0.0

    def resolve(self, problem: Problem, where: str) -> Location:
        """The position on ``problem``'s map; an unknown ``near`` id is an error of ``where``."""
        if self.near is None:
            assert self.lon is not None and self.lat is not None
            return Location(self.lon, self.lat)
        known = problem.point_by_id.keys() | problem.depot_by_id.keys()
        if self.near not in known | problem.facility_by_id.keys():
            raise _fail(where, "near", f"no point, depot or facility {self.near!r}")
        return offset_location(problem.location_of(self.near), self.east_km, self.north_km)

    def describe(self) -> str:
        if self.near is None:
            return f"at {self.lon:.5f}, {self.lat:.5f}"
        return f"{self.east_km:+g} km east, {self.north_km:+g} km north of {self.near}"


@dataclass(frozen=True, slots=True)
class FacilityFigures:
    """Fields of a facility a scenario may set; ``None`` keeps the template's value."""

    name: str | None = None
    accepts: frozenset[WasteStream] | None = None
    opening: tuple[TimeWindow, ...] | None = None
    tipping_min: float | None = None
    capacity_t: float | None = None
    storage_t: float | None = None
    container_t: float | None = None

    def apply(self, facility: Facility, where: str) -> Facility:
        changes: dict[str, object] = {}
        if self.name is not None:
            changes["name"] = self.name
        if self.accepts is not None:
            changes["accepts"] = self.accepts
        if self.opening is not None:
            changes["opening"] = self.opening
        if self.tipping_min is not None:
            changes["tipping_s"] = round_int(self.tipping_min * MINUTE)
        for field, value in (
            ("daily_capacity_kg", self.capacity_t),
            ("storage_kg", self.storage_t),
            ("container_kg", self.container_t),
        ):
            if value is not None:
                changes[field] = round_int(value * TONNE)
        if "storage_kg" in changes:
            held = min(facility.initial_storage_kg, int(str(changes["storage_kg"])))
            changes["initial_storage_kg"] = held
        try:
            return dataclasses.replace(facility, **changes)  # type: ignore[arg-type]
        except FieldError as error:
            raise _record_error(where, f"facility {facility.id}", error) from None


def _record_error(where: str, record: str, error: FieldError) -> ProblemError:
    errors = getattr(error, "errors", (error,))
    return ProblemError(
        [Defect(f"{where}: {record}", e.field, e.message) for e in errors],
        source="scenario change",
    )


def _facility(problem: Problem, facility_id: str, where: str, field: str = "id") -> Facility:
    facility = problem.facility_by_id.get(facility_id)
    if facility is None:
        known = ", ".join(sorted(problem.facility_by_id))
        raise _fail(where, field, f"no facility {facility_id!r} (there are: {known})")
    return facility


def _replace_facilities(problem: Problem, facilities: Sequence[Facility]) -> Problem:
    return problem.replace(facilities=tuple(facilities))


def _swap(problem: Problem, new: Facility) -> Problem:
    return _replace_facilities(problem, [new if f.id == new.id else f for f in problem.facilities])


@dataclass(frozen=True, slots=True)
class AddFacility:
    """Open a new facility: a transfer station, a second landfill, a plant.

    Unset figures come from ``like`` (an existing facility), else from the first facility of the
    same kind; a kind the district does not have needs ``accepts`` and ``capacity_t``.
    """

    id: str
    kind: FacilityKind
    place: Place
    figures: FacilityFigures = FacilityFigures()
    like: str | None = None
    where: str = "add-facility"

    def apply(self, problem: Problem) -> Problem:
        ids = problem.point_by_id.keys() | problem.depot_by_id.keys()
        if self.id in ids | problem.facility_by_id.keys():
            raise _fail(self.where, "id", f"{self.id!r} is already the id of a record")
        location = self.place.resolve(problem, self.where)
        template: Facility | None = None
        if self.like is not None:
            template = _facility(problem, self.like, self.where, "like")
        else:
            template = next((f for f in problem.facilities if f.kind is self.kind), None)
        if template is None:
            missing = [
                name
                for name, value in (
                    ("accepts", self.figures.accepts),
                    ("capacity_t", self.figures.capacity_t),
                )
                if value is None
            ]
            if missing:
                message = f"is required: the district has no {self.kind.value} to copy it from"
                raise ProblemError(
                    [Defect(self.where, name, message) for name in missing],
                    source="scenario change",
                )
            template = Facility(
                self.id,
                self.kind,
                location,
                self.figures.accepts or frozenset(),
                storage_kg=10 * TONNE if self.kind is FacilityKind.TRANSFER_STATION else 0,
                container_kg=10 * TONNE if self.kind is FacilityKind.TRANSFER_STATION else 0,
            )
        base = dataclasses.replace(
            template,
            id=self.id,
            kind=self.kind,
            location=location,
            initial_storage_kg=0,
            name=self.figures.name or self.id,
        )
        added = self.figures.apply(base, self.where)
        return _replace_facilities(problem, (*problem.facilities, added))

    def describe(self) -> str:
        return f"open {self.kind.value} {self.id} {self.place.describe()}"


@dataclass(frozen=True, slots=True)
class RemoveFacility:
    """Close a facility (the old landfill, a transfer station)."""

    id: str
    where: str = "remove-facility"

    def apply(self, problem: Problem) -> Problem:
        _facility(problem, self.id, self.where)
        return _replace_facilities(problem, [f for f in problem.facilities if f.id != self.id])

    def describe(self) -> str:
        return f"close {self.id}"


@dataclass(frozen=True, slots=True)
class MoveFacility:
    """Move a facility to another site."""

    id: str
    place: Place
    where: str = "move-facility"

    def apply(self, problem: Problem) -> Problem:
        old = _facility(problem, self.id, self.where)
        new = dataclasses.replace(old, location=self.place.resolve(problem, self.where))
        return _swap(problem, new)

    def describe(self) -> str:
        return f"move {self.id} {self.place.describe()}"


@dataclass(frozen=True, slots=True)
class ChangeFacility:
    """Change a facility's capacity, hours, accepted streams, tipping time or storage."""

    id: str
    figures: FacilityFigures
    where: str = "change-facility"

    def apply(self, problem: Problem) -> Problem:
        old = _facility(problem, self.id, self.where)
        new = self.figures.apply(old, self.where)
        return _swap(problem, new)

    def describe(self) -> str:
        set_ = [f"{k} {v}" for k, v in _figures_text(self.figures)]
        return f"change {self.id}: {', '.join(set_)}"


def _figures_text(figures: FacilityFigures) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if figures.capacity_t is not None:
        out.append(("capacity", f"{figures.capacity_t:g} t/day"))
    if figures.opening is not None:
        hours = ", ".join(f"{w.start_s / HOUR:g}–{w.end_s / HOUR:g} h" for w in figures.opening)
        out.append(("hours", hours))
    if figures.accepts is not None:
        out.append(("accepts", "+".join(sorted(s.value for s in figures.accepts))))
    if figures.storage_t is not None:
        out.append(("storage", f"{figures.storage_t:g} t"))
    if figures.tipping_min is not None:
        out.append(("tipping", f"{figures.tipping_min:g} min"))
    return out


@dataclass(frozen=True, slots=True)
class FleetChange:
    """Add or remove vehicles of a type, or set their number.

    Added vehicles are garaged at ``depot`` (default: the depot of the type's first vehicle) and
    bring ``crews_per_vehicle`` crews each (default: one per shift), like the district's first
    crew; removed vehicles are the type's last ones.
    """

    vehicle_type: str
    add: int = 0
    remove: int = 0
    count: int | None = None
    depot: str | None = None
    crews_per_vehicle: int | None = None
    where: str = "fleet"

    def apply(self, problem: Problem) -> Problem:
        if self.vehicle_type not in problem.vehicle_type_by_id:
            known = ", ".join(sorted(problem.vehicle_type_by_id))
            message = f"no vehicle type {self.vehicle_type!r} (there are: {known})"
            raise _fail(self.where, "vehicle_type", message)
        mine = [v for v in problem.vehicles if v.type_id == self.vehicle_type]
        target = self.count if self.count is not None else len(mine) + self.add - self.remove
        if target < 0:
            message = f"removes {self.remove} but the district has {len(mine)} {self.vehicle_type}"
            raise _fail(self.where, "remove", message)
        if target <= len(mine):
            dropped = {v.id for v in mine[target:]}
            vehicles = tuple(v for v in problem.vehicles if v.id not in dropped)
            return problem.replace(vehicles=vehicles)
        depot = self.depot or (mine[0].depot_id if mine else problem.depots[0].id)
        if depot not in problem.depot_by_id:
            raise _fail(self.where, "depot", f"no depot {depot!r}")
        prefix = self.vehicle_type.split("-")[0]
        taken = set(problem.vehicle_by_id) | set(problem.crew_by_id)
        new: list[Vehicle] = []
        number = len(mine)
        while len(mine) + len(new) < target:
            number += 1
            vehicle_id = f"{prefix}-{number:02d}"
            if vehicle_id not in taken:
                new.append(Vehicle(vehicle_id, self.vehicle_type, depot))
        per = len(problem.shifts) if self.crews_per_vehicle is None else self.crews_per_vehicle
        crews = list(problem.crews)
        template = problem.crews[0] if problem.crews else None
        serial = len(crews)
        while template is not None and len(crews) < len(problem.crews) + per * len(new):
            serial += 1
            crew_id = f"crew-{serial:03d}"
            if crew_id not in taken:
                crews.append(dataclasses.replace(template, id=crew_id, name=""))
        return problem.replace(vehicles=(*problem.vehicles, *new), crews=tuple(crews))

    def describe(self) -> str:
        if self.count is not None:
            return f"{self.count} × {self.vehicle_type}"
        delta = self.add - self.remove
        return f"{delta:+d} {self.vehicle_type}"


@dataclass(frozen=True, slots=True)
class DemandChange:
    """Scale the waste of some streams (all by default): ``factor`` 1.15 is 15 % more."""

    factor: float
    streams: frozenset[WasteStream] = frozenset()
    where: str = "demand"

    def apply(self, problem: Problem) -> Problem:
        chosen = self.streams or frozenset(p.stream for p in problem.points)
        points = tuple(
            dataclasses.replace(
                p,
                kg_per_day=round_int(p.kg_per_day * self.factor),
                litres_per_day=round_int(p.litres_per_day * self.factor),
            )
            if p.stream in chosen
            else p
            for p in problem.points
        )
        return problem.replace(points=points)

    def describe(self) -> str:
        which = "+".join(sorted(s.value for s in self.streams)) or "all streams"
        return f"waste {which} × {self.factor:g} ({(self.factor - 1) * 100:+.0f} %)"


@dataclass(frozen=True, slots=True)
class ShiftChange:
    """Other shift times (and possibly another number of shifts).

    ``crew_max_work_h`` and ``crew_break_after_h`` set every crew's legal working time and when
    the break must start (longer shifts need them). Points served more often than the new
    number of shifts are an error naming the point, unless ``cap_visits`` lowers them.
    """

    shifts: tuple[Shift, ...]
    crew_max_work_h: float | None = None
    crew_break_after_h: float | None = None
    cap_visits: bool = False
    where: str = "shifts"

    def apply(self, problem: Problem) -> Problem:
        crews = problem.crews
        if self.crew_max_work_h is not None or self.crew_break_after_h is not None:
            changes: dict[str, int] = {}
            if self.crew_max_work_h is not None:
                changes["max_work_s"] = round_int(self.crew_max_work_h * HOUR)
            if self.crew_break_after_h is not None:
                changes["break_after_s"] = round_int(self.crew_break_after_h * HOUR)
            crews = tuple(dataclasses.replace(c, **changes) for c in crews)  # type: ignore[arg-type]
        points = problem.points
        if self.cap_visits:
            most = len(self.shifts)
            points = tuple(
                dataclasses.replace(p, visits_per_day=most) if p.visits_per_day > most else p
                for p in points
            )
        return problem.replace(shifts=self.shifts, crews=crews, points=points)

    def describe(self) -> str:
        hours = ", ".join(f"{s.id} {s.start_s / HOUR:g}–{s.end_s / HOUR:g} h" for s in self.shifts)
        return f"shifts {hours}"


Change = (
    AddFacility
    | RemoveFacility
    | MoveFacility
    | ChangeFacility
    | FleetChange
    | DemandChange
    | ShiftChange
)


def apply_changes(problem: Problem, changes: Sequence[Change], *, name: str) -> Problem:
    """``problem`` with every change applied in order, renamed ``name``.

    Raises
    ------
    ProblemError
        Naming the change (file line and position) and the record and field it broke.
    """
    for change in changes:
        try:
            problem = change.apply(problem)
        except ProblemError as error:
            if error.source == "scenario change":
                raise
            defects = [
                Defect(f"{change.where}: {d.record}", d.field, d.message) for d in error.defects
            ]
            raise ProblemError(defects, source="scenario change") from None
        except FieldError as error:
            raise _record_error(change.where, error.record or "record", error) from None
    return problem.replace(name=name)


def growth_factor(percent: float) -> float:
    """The factor of a growth in per cent (15 → 1.15); rejects growth that empties the day."""
    factor = 1.0 + percent / 100.0
    if not math.isfinite(factor) or factor <= 0:
        raise FieldError("growth_pct", f"must be more than -100, got {percent:g}")
    return factor
