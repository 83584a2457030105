"""Vehicles, crews, shifts, restricted zones and the rule parameters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import Point, Polygon

from routing._checks import checked, clock, identifier, non_negative, positive, require
from routing.domain import WHOLE_DAY, BodyType, Location, SizeClass, TimeWindow, WasteStream
from routing.units import HOUR, KILOMETRE, MINUTE


def milli_fen_per_s(cost_per_hour_fen: int) -> int:
    """A cost per hour worked (fen) as the solvers' integer cost per second (milli-fen), at least 1.

    A cost per kilometre in fen is a cost per metre in milli-fen, so metres × ``cost_per_km_fen``
    + seconds × this prices a route in milli-fen, in integers (as PyVRP and OR-Tools price it).
    """
    return max(1, round(cost_per_hour_fen / 3.6))


@dataclass(frozen=True, slots=True)
class VehicleType:
    """A kind of truck: body, size and capacity, costs, and the travel profile it drives on.

    Parameters
    ----------
    body
        Body type, which decides the streams it may carry (CT1).
    sealed
        Whether the body is sealed (密闭); sealed streams need it (CT1).
    capacity_kg, capacity_l
        Payload per trip by weight and by volume (CP).
    size_class
        Size, for narrow points and restricted zones (CT6).
    cost_per_km_fen, cost_per_hour_fen
        Operating cost in fen (0.01 CNY) per kilometre driven and per hour worked.
    fuel_ml_per_km
        Diesel burnt per kilometre, for the CO2 figure; 0 for electric vehicles.
    profile
        Name of the travel matrix this type drives on.
    fixed_cost_fen
        Cost of a vehicle of this type working on the day (its standing cost), counted once per
        vehicle with a route; a high one makes fewer vehicles come before shorter routes.
    daily_kg, daily_l, daily_stops
        Most a vehicle of this type may collect in a day over all its trips and routes (kg,
        litres) and most visits it may make (DL); None: no limit but the trips'.
    """

    id: str
    body: BodyType
    sealed: bool
    capacity_kg: int
    capacity_l: int
    size_class: SizeClass
    cost_per_km_fen: int = 600
    cost_per_hour_fen: int = 8000
    fuel_ml_per_km: int = 350
    profile: str = "default"
    fixed_cost_fen: int = 0
    daily_kg: int | None = None
    daily_l: int | None = None
    daily_stops: int | None = None

    @checked
    def __post_init__(self) -> None:
        identifier(self.id)
        require(isinstance(self.body, BodyType), "body", "must be a body type")
        require(isinstance(self.sealed, bool), "sealed", "must be true or false")
        positive(self.capacity_kg, "capacity_kg")
        positive(self.capacity_l, "capacity_l")
        require(isinstance(self.size_class, SizeClass), "size_class", "must be a size class")
        non_negative(self.cost_per_km_fen, "cost_per_km_fen")
        non_negative(self.cost_per_hour_fen, "cost_per_hour_fen")
        non_negative(self.fuel_ml_per_km, "fuel_ml_per_km")
        identifier(self.profile, "profile")
        non_negative(self.fixed_cost_fen, "fixed_cost_fen")
        for name in ("daily_kg", "daily_l", "daily_stops"):
            limit = getattr(self, name)
            if limit is not None:
                positive(limit, name)

    def cost_fen(self, metres: int, working_s: int) -> float:
        """The cost (fen) of driving ``metres`` and working ``working_s`` seconds: km ×
        ``cost_per_km_fen`` + hours × ``cost_per_hour_fen`` (the plan's key figures price so)."""
        return metres / KILOMETRE * self.cost_per_km_fen + working_s / HOUR * self.cost_per_hour_fen

    def cost_milli_fen(self, metres: int, working_s: int) -> int:
        """The same cost as the solvers price it, in integer milli-fen (see :func:`milli_fen_per_s`)."""
        return metres * self.cost_per_km_fen + working_s * milli_fen_per_s(self.cost_per_hour_fen)


@dataclass(frozen=True, slots=True)
class Vehicle:
    """One truck of a :class:`VehicleType`, garaged at a depot."""

    id: str
    type_id: str
    depot_id: str
    name: str = ""

    @checked
    def __post_init__(self) -> None:
        identifier(self.id)
        identifier(self.type_id, "type_id")
        identifier(self.depot_id, "depot_id")


@dataclass(frozen=True, slots=True)
class Crew:
    """A driver and loaders who work one shift at most a day (SH1).

    Parameters
    ----------
    max_work_s
        Longest working time from leaving the depot to returning.
    break_s
        Length of the break.
    break_after_s
        A route longer than this must contain a break starting no later than this after its start
        (when the crew has no ``break_window``).
    available
        The legal hours in which this crew may work.
    break_window
        When the break must start, whatever the route's start (a lunch from 11:00 to 12:00): a
        route begun before its end and still out after it takes the break, starting within it
        (waiting for its opening where it comes early). None: ``break_after_s`` sets when.
    """

    id: str
    max_work_s: int = 6 * HOUR
    break_s: int = 20 * MINUTE
    break_after_s: int = 4 * HOUR
    available: TimeWindow = WHOLE_DAY
    name: str = ""
    break_window: TimeWindow | None = None

    @checked
    def __post_init__(self) -> None:
        identifier(self.id)
        positive(self.max_work_s, "max_work_s")
        non_negative(self.break_s, "break_s")
        positive(self.break_after_s, "break_after_s")


@dataclass(frozen=True, slots=True)
class Shift:
    """One of the day's shifts (班次), e.g. 04:30–10:30."""

    id: str
    start_s: int
    end_s: int

    @checked
    def __post_init__(self) -> None:
        identifier(self.id)
        clock(self.start_s, "start_s")
        clock(self.end_s, "end_s")
        require(self.start_s < self.end_s, "end_s", "must be after start_s")

    @property
    def window(self) -> TimeWindow:
        """The shift as a time window."""
        return TimeWindow(self.start_s, self.end_s)


@dataclass(frozen=True, slots=True)
class Zone:
    """A restricted area (e.g. the old town): which vehicle sizes may enter, and when (CT6).

    Parameters
    ----------
    ring
        Exterior ring of the polygon as ``(lon, lat)`` pairs; closing the ring is optional.
    allowed_size_classes
        Vehicle sizes that may enter; every other size never may.
    open_windows
        When the allowed sizes may be inside the zone.
    """

    id: str
    ring: tuple[tuple[float, float], ...]
    allowed_size_classes: frozenset[SizeClass]
    open_windows: tuple[TimeWindow, ...] = (WHOLE_DAY,)
    name: str = ""
    polygon: Polygon = field(init=False, repr=False, compare=False)

    @checked
    def __post_init__(self) -> None:
        identifier(self.id)
        require(len(self.ring) >= 3, "ring", "must have at least 3 corners")
        polygon = Polygon(self.ring)
        require(
            bool(polygon.is_valid) and polygon.area > 0,
            "ring",
            "is not a valid polygon (self-intersecting or without area)",
        )
        require(len(self.open_windows) > 0, "open_windows", "must list at least one window")
        shapely.prepare(polygon)
        object.__setattr__(self, "polygon", polygon)

    def contains(self, lon: float, lat: float) -> bool:
        """Whether the position lies inside the zone (its border included)."""
        return bool(self.polygon.covers(Point(lon, lat)))

    def allows(self, size: SizeClass, start_s: int, end_s: int) -> bool:
        """Whether a vehicle of ``size`` may be in the zone from ``start_s`` to ``end_s``."""
        return size in self.allowed_size_classes and any(
            window.covers(start_s, end_s) for window in self.open_windows
        )


def zones_around(
    zones: Sequence[Zone], places: Mapping[str, Location]
) -> dict[str, tuple[Zone, ...]]:
    """The zones each place lies in (CT6), for the places inside at least one."""
    ids = list(places)
    if not zones or not ids:
        return {}
    lon = np.array([places[i].lon for i in ids], dtype=float)
    lat = np.array([places[i].lat for i in ids], dtype=float)
    inside = [shapely.covers(zone.polygon, shapely.points(lon, lat)) for zone in zones]
    found: dict[str, tuple[Zone, ...]] = {}
    for k, place in enumerate(ids):
        around = tuple(zone for zone, covered in zip(zones, inside, strict=True) if covered[k])
        if around:
            found[place] = around
    return found


@dataclass(frozen=True, slots=True)
class StreamRule:
    """Which bodies may carry a stream, and whether it must travel sealed (CT1)."""

    stream: WasteStream
    bodies: frozenset[BodyType]
    sealed: bool

    @checked
    def __post_init__(self) -> None:
        require(len(self.bodies) > 0, "bodies", f"stream {self.stream} needs at least one body")

    def allows(self, body: BodyType, sealed: bool) -> bool:
        """Whether a vehicle with this body may carry the stream."""
        return body in self.bodies and (sealed or not self.sealed)


DEFAULT_STREAM_RULES: tuple[StreamRule, ...] = (
    StreamRule(WasteStream.RESIDUAL, frozenset({BodyType.COMPACTOR, BodyType.CART}), sealed=True),
    StreamRule(WasteStream.KITCHEN, frozenset({BodyType.KITCHEN_TANK}), sealed=True),
    StreamRule(
        WasteStream.RECYCLABLE,
        frozenset({BodyType.BOX_TRUCK, BodyType.COMPACTOR, BodyType.CART}),
        sealed=False,
    ),
    StreamRule(WasteStream.BULKY, frozenset({BodyType.BOX_TRUCK}), sealed=False),
    StreamRule(WasteStream.NIGHT_SOIL, frozenset({BodyType.SUCTION_TANKER}), sealed=True),
    StreamRule(WasteStream.SPECIAL, frozenset({BodyType.COMPACTOR}), sealed=True),
)


@dataclass(frozen=True, slots=True)
class RuleParameters:
    """The parameters of the rules that are not properties of one record.

    Parameters
    ----------
    on_board_limit_s
        Longest time from a trip's first pickup to the start of its unloading (CT5).
    handover_s
        Time for a truck to change crew at the depot between two shifts (SH2).
    stream_rules
        Bodies allowed per stream (CT1).
    haul_body
        The body that hauls station containers to the landfill (TH).
    """

    on_board_limit_s: int = 4 * HOUR
    handover_s: int = 15 * MINUTE
    stream_rules: tuple[StreamRule, ...] = DEFAULT_STREAM_RULES
    haul_body: BodyType = BodyType.HOOK_LIFT

    @checked
    def __post_init__(self) -> None:
        positive(self.on_board_limit_s, "on_board_limit_s")
        non_negative(self.handover_s, "handover_s")
        streams = [rule.stream for rule in self.stream_rules]
        require(len(streams) == len(set(streams)), "stream_rules", "lists a stream twice")

    def stream_rule(self, stream: WasteStream) -> StreamRule | None:
        """The rule for ``stream``, if there is one."""
        for rule in self.stream_rules:
            if rule.stream is stream:
                return rule
        return None
