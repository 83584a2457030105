"""Waste streams, locations, collection points, depots and facilities.

Quantities are integers: metres, seconds, kilograms, litres (see :mod:`routing.units`). Clock times
are seconds since midnight of the plan's day. Every class checks its own fields; cross-references
(which vehicle type a vehicle has, which facility accepts a stream) are checked once by
:class:`routing.problem.Problem`.
"""

from __future__ import annotations

import enum
import itertools
import math
from dataclasses import dataclass

from routing._checks import checked, clock, identifier, non_negative, positive, require
from routing.units import DAY


class WasteStream(enum.StrEnum):
    """A sorted stream of waste. One trip carries one stream only (CT2)."""

    RESIDUAL = "residual"
    KITCHEN = "kitchen"
    RECYCLABLE = "recyclable"
    BULKY = "bulky"
    NIGHT_SOIL = "night_soil"
    SPECIAL = "special"


class BodyType(enum.StrEnum):
    """The body of a vehicle, which decides what it may carry (CT1)."""

    COMPACTOR = "compactor"
    KITCHEN_TANK = "kitchen_tank"
    SUCTION_TANKER = "suction_tanker"
    BOX_TRUCK = "box_truck"
    CART = "cart"
    HOOK_LIFT = "hook_lift"
    OPEN_TRUCK = "open_truck"


class SizeClass(enum.IntEnum):
    """Vehicle size, ordered: a point or a zone open to a class is open to every smaller class."""

    CART = 1  # up to 1 t gross: electric carts for the lanes of the old town
    SMALL = 2  # up to 3 t
    MEDIUM = 3  # up to 5 t
    LARGE = 4  # up to 10 t: the usual compactor
    HEAVY = 5  # above 10 t: hook-lift trucks with station containers


class FacilityKind(enum.StrEnum):
    """What a facility is; the streams it accepts are listed separately."""

    TRANSFER_STATION = "transfer_station"
    LANDFILL = "landfill"
    KITCHEN_PLANT = "kitchen_plant"
    NIGHT_SOIL_PLANT = "night_soil_plant"
    RECYCLING_CENTRE = "recycling_centre"
    INCINERATOR = "incinerator"


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True, slots=True)
class Location:
    """A WGS84 position in degrees (longitude first, as in GeoJSON)."""

    lon: float
    lat: float

    @checked
    def __post_init__(self) -> None:
        for name, limit in (("lon", 180.0), ("lat", 90.0)):
            value = getattr(self, name)
            if require(_finite(value), name, f"must be a number, got {value!r}"):
                require(-limit <= value <= limit, name, f"must be within ±{limit:g}, got {value}")


@dataclass(frozen=True, slots=True, order=True)
class TimeWindow:
    """A closed interval of clock time, ``start_s`` to ``end_s`` seconds since midnight."""

    start_s: int
    end_s: int

    @checked
    def __post_init__(self) -> None:
        clock(self.start_s, "start_s")
        clock(self.end_s, "end_s")
        require(self.start_s <= self.end_s, "end_s", "must not be before start_s")

    def contains(self, moment_s: int) -> bool:
        """Whether ``moment_s`` lies in the window (both ends included)."""
        return self.start_s <= moment_s <= self.end_s

    def covers(self, start_s: int, end_s: int) -> bool:
        """Whether the whole interval ``start_s``..``end_s`` lies in the window."""
        return self.start_s <= start_s and end_s <= self.end_s

    @property
    def duration_s(self) -> int:
        """Length of the window in seconds."""
        return self.end_s - self.start_s


WHOLE_DAY = TimeWindow(0, DAY)


def _windows(value: tuple[TimeWindow, ...], name: str) -> None:
    require(isinstance(value, tuple) and len(value) > 0, name, "must list at least one window")
    ordered = sorted(value)
    for before, after in itertools.pairwise(ordered):
        require(before.end_s < after.start_s, name, "windows must not overlap")


@dataclass(frozen=True, slots=True)
class CollectionPoint:
    """A place where waste of one stream is collected (垃圾收集点), one or more times a day.

    Parameters
    ----------
    id
        Unique among points, depots and facilities (travel matrices are keyed by it).
    location
        Where the truck stops.
    stream
        The only stream collected here.
    kg_per_day, litres_per_day
        Amount produced per day; split evenly over the visits (see :meth:`visit_kg`).
    service_s
        Seconds to empty the bins at one visit.
    time_windows
        When service may start (waiting before a window opens is allowed).
    visits_per_day
        How often the point is served a day; each visit in a different shift (FQ).
    max_size_class
        The largest vehicle that can reach the point (narrow lanes).
    name, address, note
        What crews call it, where it is (地址), and how to get at the bins (access note: gate
        code, the bins behind the building …); shown on route sheets and the driver's page.
    """

    id: str
    location: Location
    stream: WasteStream
    kg_per_day: int
    litres_per_day: int
    service_s: int
    time_windows: tuple[TimeWindow, ...] = (WHOLE_DAY,)
    visits_per_day: int = 1
    max_size_class: SizeClass = SizeClass.HEAVY
    name: str = ""
    address: str = ""
    note: str = ""

    @checked
    def __post_init__(self) -> None:
        identifier(self.id)
        require(isinstance(self.stream, WasteStream), "stream", "must be a waste stream")
        non_negative(self.kg_per_day, "kg_per_day")
        non_negative(self.litres_per_day, "litres_per_day")
        non_negative(self.service_s, "service_s")
        _windows(self.time_windows, "time_windows")
        positive(self.visits_per_day, "visits_per_day")
        require(self.visits_per_day <= 3, "visits_per_day", "must be at most 3 (one per shift)")
        require(
            isinstance(self.max_size_class, SizeClass), "max_size_class", "must be a size class"
        )

    def visit_kg(self, visit: int) -> int:
        """Kilograms collected at visit number ``visit`` (0-based); remainders go to early visits."""
        return _share(self.kg_per_day, self.visits_per_day, visit)

    def visit_litres(self, visit: int) -> int:
        """Litres collected at visit number ``visit`` (0-based); remainders go to early visits."""
        return _share(self.litres_per_day, self.visits_per_day, visit)


def _share(total: int, parts: int, index: int) -> int:
    base, extra = divmod(total, parts)
    return base + (1 if index < extra else 0)


@dataclass(frozen=True, slots=True)
class Depot:
    """A garage where vehicles start and end every shift and crews hand over (SH2)."""

    id: str
    location: Location
    name: str = ""

    @checked
    def __post_init__(self) -> None:
        identifier(self.id)


@dataclass(frozen=True, slots=True)
class Facility:
    """A place where trucks unload: transfer station, landfill, treatment plant.

    Parameters
    ----------
    accepts
        Streams that may be unloaded here (CT3).
    opening
        When tipping may start (CT3).
    tipping_s
        Seconds to unload one truck.
    daily_capacity_kg
        Most kilograms taken in a day (CT3).
    storage_kg
        Transfer stations: most kilograms held before a haul takes them away (TH); 0 otherwise.
    container_kg
        Transfer stations: payload of one full haul container (TH); 0 otherwise.
    initial_storage_kg
        Transfer stations: kilograms already stored when the day starts.
    """

    id: str
    kind: FacilityKind
    location: Location
    accepts: frozenset[WasteStream]
    opening: tuple[TimeWindow, ...] = (WHOLE_DAY,)
    tipping_s: int = 600
    daily_capacity_kg: int = 10**9
    storage_kg: int = 0
    container_kg: int = 0
    initial_storage_kg: int = 0
    name: str = ""

    @checked
    def __post_init__(self) -> None:
        identifier(self.id)
        require(isinstance(self.kind, FacilityKind), "kind", "must be a facility kind")
        require(len(self.accepts) > 0, "accepts", "must list at least one stream")
        _windows(self.opening, "opening")
        non_negative(self.tipping_s, "tipping_s")
        non_negative(self.daily_capacity_kg, "daily_capacity_kg")
        non_negative(self.storage_kg, "storage_kg")
        non_negative(self.container_kg, "container_kg")
        non_negative(self.initial_storage_kg, "initial_storage_kg")
        if self.kind is FacilityKind.TRANSFER_STATION:
            positive(self.storage_kg, "storage_kg")
            positive(self.container_kg, "container_kg")
            require(
                self.container_kg <= self.storage_kg,
                "container_kg",
                "must not exceed storage_kg (a full container must fit in the store)",
            )
        require(
            self.initial_storage_kg <= self.storage_kg,
            "initial_storage_kg",
            "must not exceed storage_kg",
        )

    @property
    def stores(self) -> bool:
        """Whether waste is stored here and hauled on (a transfer station)."""
        return self.kind is FacilityKind.TRANSFER_STATION

    def is_open(self, moment_s: int) -> bool:
        """Whether tipping may start at ``moment_s``."""
        return any(window.contains(moment_s) for window in self.opening)
