"""How OpenStreetMap tags become driving rules: speeds, one-way, and which vehicle sizes may pass.

Every rule here is a documented default; a tag on the way overrides it where OSM has one.

Default speed and largest vehicle by ``highway`` class (:data:`HIGHWAY_RULES`):

=================  ==========  ===============================================
highway            km/h        vehicles allowed
=================  ==========  ===============================================
motorway           100         SMALL and up (no carts on motorways)
motorway_link      60          SMALL and up
trunk              80          all
trunk_link         50          all
primary            60          all
primary_link       40          all
secondary          50          all
secondary_link     40          all
tertiary           40          all
tertiary_link      30          all
unclassified       30          all
residential        30          all
road               30          all
living_street      10          up to MEDIUM (narrow: closed to large trucks)
service            20          up to MEDIUM; ``service=alley|driveway|parking_aisle|drive-through``
                               up to SMALL at 10 km/h
track              15          up to SMALL
pedestrian         10          CART only, and only if ``motor_vehicle`` / ``vehicle`` is
                               ``yes|destination|delivery|permissive``
=================  ==========  ===============================================

Any other ``highway`` value (footway, path, steps, cycleway, construction, ...) is not drivable.

Access (the most specific of ``motor_vehicle``, ``vehicle``, ``access`` that is set wins):
``no`` / ``private`` → not drivable; ``destination`` → only up to MEDIUM (the small vehicles that serve
such streets; large trucks are kept off them). ``hgv=no|private|destination`` closes the way to
every class above :data:`HGV_LIMIT_T` gross (the OSM meaning of "hgv").
``maxweight`` / ``maxwidth`` / ``maxheight`` close the way to every class whose nominal figure
(:data:`VEHICLE_SIZES`) exceeds the limit.

One-way: ``oneway=yes|true|1`` forward, ``-1|reverse`` backward, ``no|false|0`` both ways; without
the tag, ``junction=roundabout|circular`` and ``highway=motorway|motorway_link`` are one-way forward.
``oneway=reversible|alternating`` ways are left out (their direction changes during the day).

``maxspeed`` (and ``maxspeed:forward`` / ``:backward``) is read where it is a number, optionally with
``km/h``, ``kmh``, ``kph`` or ``mph``; ``"walk"`` is 6 km/h; zone codes such as ``"RU:urban"``,
``"none"`` or ``"signals"`` fall back to the class default. Each vehicle size also has a top speed
(an electric cart does 25 km/h); travel uses the lower of the two.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from routing.domain import SizeClass


@dataclass(frozen=True, slots=True)
class VehicleSize:
    """Nominal figures of a vehicle size class, compared with OSM limit tags.

    Parameters
    ----------
    gross_t
        Gross weight in tonnes (against ``maxweight``).
    width_m, height_m
        Width and height in metres (against ``maxwidth``, ``maxheight``).
    top_speed_kmh
        Highest speed the vehicle drives, in km/h.
    """

    gross_t: float
    width_m: float
    height_m: float
    top_speed_kmh: float


#: Nominal figures per size class (the upper end of each class).
VEHICLE_SIZES: Mapping[SizeClass, VehicleSize] = {
    SizeClass.CART: VehicleSize(gross_t=1.0, width_m=1.4, height_m=2.0, top_speed_kmh=25.0),
    SizeClass.SMALL: VehicleSize(gross_t=3.0, width_m=1.9, height_m=2.6, top_speed_kmh=90.0),
    SizeClass.MEDIUM: VehicleSize(gross_t=5.0, width_m=2.2, height_m=3.0, top_speed_kmh=80.0),
    SizeClass.LARGE: VehicleSize(gross_t=10.0, width_m=2.5, height_m=3.5, top_speed_kmh=80.0),
    SizeClass.HEAVY: VehicleSize(gross_t=26.0, width_m=2.55, height_m=3.8, top_speed_kmh=80.0),
}

#: OSM's "hgv" means goods vehicles above 3.5 t gross.
HGV_LIMIT_T = 3.5

ALL_CLASSES = frozenset(SizeClass)


def up_to(largest: SizeClass) -> frozenset[SizeClass]:
    """Every size class up to and including ``largest``."""
    return frozenset(size for size in SizeClass if size <= largest)


def class_mask(classes: frozenset[SizeClass]) -> int:
    """A bit mask with bit ``size`` set for each class (edges store allowances this way)."""
    mask = 0
    for size in classes:
        mask |= 1 << int(size)
    return mask


@dataclass(frozen=True, slots=True)
class HighwayRule:
    """Default speed (km/h) and the classes allowed on one ``highway`` value."""

    speed_kmh: float
    allowed: frozenset[SizeClass]


_MOTORWAY = ALL_CLASSES - {SizeClass.CART}
HIGHWAY_RULES: Mapping[str, HighwayRule] = {
    "motorway": HighwayRule(100.0, _MOTORWAY),
    "motorway_link": HighwayRule(60.0, _MOTORWAY),
    "trunk": HighwayRule(80.0, ALL_CLASSES),
    "trunk_link": HighwayRule(50.0, ALL_CLASSES),
    "primary": HighwayRule(60.0, ALL_CLASSES),
    "primary_link": HighwayRule(40.0, ALL_CLASSES),
    "secondary": HighwayRule(50.0, ALL_CLASSES),
    "secondary_link": HighwayRule(40.0, ALL_CLASSES),
    "tertiary": HighwayRule(40.0, ALL_CLASSES),
    "tertiary_link": HighwayRule(30.0, ALL_CLASSES),
    "unclassified": HighwayRule(30.0, ALL_CLASSES),
    "residential": HighwayRule(30.0, ALL_CLASSES),
    "road": HighwayRule(30.0, ALL_CLASSES),
    "living_street": HighwayRule(10.0, up_to(SizeClass.MEDIUM)),
    "service": HighwayRule(20.0, up_to(SizeClass.MEDIUM)),
    "track": HighwayRule(15.0, up_to(SizeClass.SMALL)),
    "pedestrian": HighwayRule(10.0, up_to(SizeClass.CART)),
}

NARROW_SERVICE = frozenset({"alley", "driveway", "parking_aisle", "drive-through"})
NARROW_SERVICE_RULE = HighwayRule(10.0, up_to(SizeClass.SMALL))
_CLOSED = frozenset({"no", "private"})
_OPEN_PEDESTRIAN = frozenset({"yes", "destination", "delivery", "permissive", "designated"})
_ONEWAY_BY_DEFAULT = frozenset({"motorway", "motorway_link"})


class Direction(enum.Enum):
    """Which way traffic may drive along a way, relative to its node order."""

    FORWARD = "forward"
    BACKWARD = "backward"
    BOTH = "both"


@dataclass(frozen=True, slots=True)
class WayRule:
    """What a drivable way allows: direction, speed each way (km/h) and vehicle classes."""

    highway: str
    direction: Direction
    forward_kmh: float
    backward_kmh: float
    allowed: frozenset[SizeClass]

    @property
    def oneway(self) -> bool:
        """Whether the way is driven in one direction only."""
        return self.direction is not Direction.BOTH


def way_rule(tags: Mapping[str, str]) -> WayRule | None:
    """The driving rule of a way with these tags, or ``None`` if no motor vehicle may use it."""
    highway = tags.get("highway", "")
    base = HIGHWAY_RULES.get(highway)
    if base is None or tags.get("area") == "yes":
        return None
    if highway == "service" and tags.get("service") == "emergency_access":
        return None
    if highway == "service" and tags.get("service") in NARROW_SERVICE:
        base = NARROW_SERVICE_RULE
    access = _first(tags, "motor_vehicle", "vehicle", "access")
    if access in _CLOSED:
        return None
    if highway == "pedestrian" and access not in _OPEN_PEDESTRIAN:
        return None
    direction = _direction(tags, highway)
    if direction is None:
        return None
    allowed = set(base.allowed)
    if access == "destination":
        allowed &= up_to(SizeClass.MEDIUM)
    if tags.get("hgv") in _CLOSED | {"destination"}:
        allowed = {s for s in allowed if VEHICLE_SIZES[s].gross_t <= HGV_LIMIT_T}
    limits = (
        ("maxweight", parse_weight_t, "gross_t"),
        ("maxwidth", parse_length_m, "width_m"),
        ("maxheight", parse_length_m, "height_m"),
    )
    for key, parse, attribute in limits:
        limit = parse(tags[key]) if key in tags else None
        if limit is not None:
            allowed = {s for s in allowed if getattr(VEHICLE_SIZES[s], attribute) <= limit}
    if not allowed:
        return None
    default = parse_speed_kmh(tags.get("maxspeed", "")) or base.speed_kmh
    forward = parse_speed_kmh(tags.get("maxspeed:forward", "")) or default
    backward = parse_speed_kmh(tags.get("maxspeed:backward", "")) or default
    return WayRule(highway, direction, forward, backward, frozenset(allowed))


def _first(tags: Mapping[str, str], *keys: str) -> str | None:
    for key in keys:
        if key in tags:
            return tags[key]
    return None


def _direction(tags: Mapping[str, str], highway: str) -> Direction | None:
    oneway = tags.get("oneway")
    if oneway in ("yes", "true", "1"):
        return Direction.FORWARD
    if oneway in ("-1", "reverse"):
        return Direction.BACKWARD
    if oneway in ("reversible", "alternating"):
        return None
    if oneway in ("no", "false", "0"):
        return Direction.BOTH
    if tags.get("junction") in ("roundabout", "circular") or highway in _ONEWAY_BY_DEFAULT:
        return Direction.FORWARD
    return Direction.BOTH


_NUMBER = r"(\d+(?:[.,]\d+)?)"
_SPEED = re.compile(rf"^{_NUMBER}\s*(km/h|kmh|kph|mph)?$")
_WEIGHT = re.compile(rf"^{_NUMBER}\s*(t|kg|st|lbs)?$")
_METRES = re.compile(rf"^{_NUMBER}\s*(m)?$")
_FEET = re.compile(r"^(\d+)\s*'\s*(?:(\d+)\s*\")?$")


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def parse_speed_kmh(text: str) -> float | None:
    """km/h from a ``maxspeed`` value, or ``None`` when it holds no usable number.

    ``"50"`` → 50, ``"30 mph"`` → 48.3, ``"walk"`` → 6, ``"50;30"`` → 30 (the lower),
    ``"RU:urban"`` / ``"none"`` / ``"signals"`` → ``None`` (use the class default).
    """
    speeds = []
    for part in text.split(";"):
        value = part.strip().lower()
        if value == "walk":
            speeds.append(6.0)
            continue
        match = _SPEED.match(value)
        if match is not None:
            speed = _number(match[1]) * (1.609344 if match[2] == "mph" else 1.0)
            if speed > 0:
                speeds.append(speed)
    return min(speeds) if speeds else None


def parse_weight_t(text: str) -> float | None:
    """Tonnes from a ``maxweight`` value (``"7.5"``, ``"3500 kg"``, ``"10 st"``, ``"8000 lbs"``)."""
    match = _WEIGHT.match(text.strip().lower())
    if match is None:
        return None
    factor = {None: 1.0, "t": 1.0, "kg": 0.001, "st": 0.90718474, "lbs": 0.00045359237}
    return _number(match[1]) * factor[match[2]]


def parse_length_m(text: str) -> float | None:
    """Metres from a ``maxwidth`` / ``maxheight`` value (``"2.2"``, ``"2.2 m"``, ``"7'6\\""``)."""
    value = text.strip().lower()
    match = _METRES.match(value)
    if match is not None:
        return _number(match[1])
    feet = _FEET.match(value)
    if feet is not None:
        return int(feet[1]) * 0.3048 + int(feet[2] or 0) * 0.0254
    return None


def travel_ms(length_m: int, speed_kmh: float, size: SizeClass) -> int:
    """Milliseconds to drive ``length_m`` metres on a way with ``speed_kmh``, for ``size``."""
    speed = min(speed_kmh, VEHICLE_SIZES[size].top_speed_kmh)
    return int(length_m * 3600.0 / speed + 0.5)


def travel_ms_array(
    length_m: NDArray[np.int64], speed_kmh: NDArray[np.float64], size: SizeClass
) -> NDArray[np.int64]:
    """:func:`travel_ms` for arrays of lengths (m) and speeds (km/h), with the same rounding."""
    speed = np.minimum(speed_kmh, VEHICLE_SIZES[size].top_speed_kmh)
    result: NDArray[np.int64] = np.floor(length_m * 3600.0 / speed + 0.5).astype(np.int64)
    return result
