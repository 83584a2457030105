"""What-if changes to a district-day's facilities: open, close, move or change one.

Like every change (:mod:`scenarios.changes`), each knows where it was written and applies itself
to the problem's frozen records, which check themselves again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from routing.domain import Facility, FacilityKind, Location, TimeWindow, WasteStream
from routing.errors import Defect, FieldError, ProblemError
from routing.problem import Problem
from routing.units import HOUR, MINUTE, TONNE, round_int
from scenarios.district_area import offset_location


def change_error(where: str, field: str, message: str) -> ProblemError:
    """The error of the change written at ``where``: a ``field`` of it is wrong."""
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
            raise change_error(where, "near", f"no point, depot or facility {self.near!r}")
        return offset_location(problem.location_of(self.near), self.east_km, self.north_km)

    def describe(self, lang: str = "en") -> str:
        """Where, in a few words (``lang``: en or zh)."""
        if self.near is None:
            return (
                f"位于 {self.lon:.5f}, {self.lat:.5f}"
                if lang == "zh"
                else f"at {self.lon:.5f}, {self.lat:.5f}"
            )
        if lang == "zh":
            return f"{self.near} 以东 {self.east_km:+g} 公里、以北 {self.north_km:+g} 公里"
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
            raise record_error(where, f"facility {facility.id}", error) from None


def record_error(where: str, record: str, error: FieldError) -> ProblemError:
    """The error of the change written at ``where``: it left ``record`` invalid."""
    errors = getattr(error, "errors", (error,))
    return ProblemError(
        [Defect(f"{where}: {record}", e.field, e.message) for e in errors],
        source="scenario change",
    )


def _facility(problem: Problem, facility_id: str, where: str, field: str = "id") -> Facility:
    facility = problem.facility_by_id.get(facility_id)
    if facility is None:
        known = ", ".join(sorted(problem.facility_by_id))
        raise change_error(where, field, f"no facility {facility_id!r} (there are: {known})")
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
            raise change_error(self.where, "id", f"{self.id!r} is already the id of a record")
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

    def describe(self, lang: str = "en") -> str:
        """The change in a few words (``lang``: en or zh)."""
        if lang == "zh":
            return f"新开 {self.kind.value} {self.id}（{self.place.describe(lang)}）"
        return f"open {self.kind.value} {self.id} {self.place.describe()}"


@dataclass(frozen=True, slots=True)
class RemoveFacility:
    """Close a facility (the old landfill, a transfer station)."""

    id: str
    where: str = "remove-facility"

    def apply(self, problem: Problem) -> Problem:
        _facility(problem, self.id, self.where)
        return _replace_facilities(problem, [f for f in problem.facilities if f.id != self.id])

    def describe(self, lang: str = "en") -> str:
        """The change in a few words (``lang``: en or zh)."""
        return f"关闭 {self.id}" if lang == "zh" else f"close {self.id}"


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

    def describe(self, lang: str = "en") -> str:
        """The change in a few words (``lang``: en or zh)."""
        if lang == "zh":
            return f"迁移 {self.id}（{self.place.describe(lang)}）"
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

    def describe(self, lang: str = "en") -> str:
        """The change in a few words (``lang``: en or zh)."""
        set_ = [f"{k} {v}" for k, v in _figures_text(self.figures)]
        if lang == "zh":
            return f"修改 {self.id}：{'，'.join(set_)}"
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
