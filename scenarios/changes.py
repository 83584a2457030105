"""What-if changes to a district-day, applied to its :class:`~routing.problem.Problem` records.

Each change is a small frozen record that knows where it was written (``where``: file line and
position, for error messages) and applies itself with :func:`dataclasses.replace` on the frozen
records, so every record is checked again by its own ``__post_init__`` and the problem by its
cross-reference check. A change that names a record the problem lacks, or leaves a record
invalid, raises :class:`~routing.errors.ProblemError` naming the change, the record and the field.

Quantities in scenario files are in the units planners use (t, min, h, km); they are converted
once, by the changes, to the problem's integers (kg, s, m). Facility changes are in
:mod:`scenarios.facility_changes`; fleet, demand and shift changes here.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

from routing.domain import WasteStream
from routing.errors import Defect, FieldError, ProblemError
from routing.fleet import Shift, Vehicle
from routing.problem import Problem
from routing.units import HOUR, round_int
from scenarios.facility_changes import (
    AddFacility,
    ChangeFacility,
    FacilityFigures,
    MoveFacility,
    Place,
    RemoveFacility,
    change_error,
    record_error,
)

# The facility changes are importable from here, with the rest.
__all__ = [
    "AddFacility",
    "Change",
    "ChangeFacility",
    "DemandChange",
    "FacilityFigures",
    "FleetChange",
    "MoveFacility",
    "Place",
    "RemoveFacility",
    "ShiftChange",
    "apply_changes",
    "growth_factor",
]


#: Streams' Chinese names, for the changes described in Chinese.
STREAMS_ZH = {
    WasteStream.RESIDUAL: "其他垃圾",
    WasteStream.KITCHEN: "厨余垃圾",
    WasteStream.RECYCLABLE: "可回收物",
    WasteStream.BULKY: "大件垃圾",
    WasteStream.NIGHT_SOIL: "粪便",
    WasteStream.SPECIAL: "特殊垃圾",
}


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
            raise change_error(self.where, "vehicle_type", message)
        mine = [v for v in problem.vehicles if v.type_id == self.vehicle_type]
        target = self.count if self.count is not None else len(mine) + self.add - self.remove
        if target < 0:
            message = f"removes {self.remove} but the district has {len(mine)} {self.vehicle_type}"
            raise change_error(self.where, "remove", message)
        if target <= len(mine):
            dropped = {v.id for v in mine[target:]}
            vehicles = tuple(v for v in problem.vehicles if v.id not in dropped)
            return problem.replace(vehicles=vehicles)
        depot = self.depot or (mine[0].depot_id if mine else problem.depots[0].id)
        if depot not in problem.depot_by_id:
            raise change_error(self.where, "depot", f"no depot {depot!r}")
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

    def describe(self, lang: str = "en") -> str:
        """The change in a few words (``lang``: en or zh)."""
        if self.count is not None:
            return f"{self.count} × {self.vehicle_type}" + (" 辆" if lang == "zh" else "")
        delta = self.add - self.remove
        return (
            f"车辆 {self.vehicle_type} {delta:+d}"
            if lang == "zh"
            else f"{delta:+d} {self.vehicle_type}"
        )


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

    def describe(self, lang: str = "en") -> str:
        """The change in a few words (``lang``: en or zh)."""
        pct = f"{(self.factor - 1) * 100:+.0f} %"
        if lang == "zh":
            which = "、".join(STREAMS_ZH[s] for s in sorted(self.streams)) or "全部垃圾"
            return f"垃圾量 {which} × {self.factor:g}（{pct}）"
        which = "+".join(sorted(s.value for s in self.streams)) or "all streams"
        return f"waste {which} × {self.factor:g} ({pct})"


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

    def describe(self, lang: str = "en") -> str:
        """The change in a few words (``lang``: en or zh)."""
        unit = " 时" if lang == "zh" else " h"
        hours = ", ".join(
            f"{s.id} {s.start_s / HOUR:g}–{s.end_s / HOUR:g}{unit}" for s in self.shifts
        )
        return f"班次 {hours}" if lang == "zh" else f"shifts {hours}"


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
            raise record_error(change.where, error.record or "record", error) from None
    return problem.replace(name=name)


def growth_factor(percent: float) -> float:
    """The factor of a growth in per cent (15 → 1.15); rejects growth that empties the day."""
    factor = 1.0 + percent / 100.0
    if not math.isfinite(factor) or factor <= 0:
        raise FieldError("growth_pct", f"must be more than -100, got {percent:g}")
    return factor
