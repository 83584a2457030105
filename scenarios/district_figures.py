"""The district baseline's figures: its streams, shifts, facilities and fleet.

:class:`DistrictSpec` holds them (some reported by the district, the rest our defaults) so that a
real district's data can replace them; :func:`district_fleet` gives the fleet they describe.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from routing.domain import BodyType, SizeClass, WasteStream
from routing.fleet import VehicleType
from routing.units import HOUR, TONNE, round_int

W = WasteStream


def hm(hours: float) -> int:
    """Seconds since midnight for a clock time given in hours (4.5 → 04:30)."""
    return round_int(hours * HOUR)


@dataclass(frozen=True, slots=True)
class StreamFigures:
    """Points and daily tonnes of one stream, and how dense it is on board (kg per litre)."""

    points: int
    tonnes_per_day: float
    kg_per_litre: float


@dataclass(frozen=True, slots=True)
class DistrictSpec:
    """The figures of a district-day; the defaults are the district baseline's."""

    streams: Mapping[WasteStream, StreamFigures] = field(
        default_factory=lambda: {
            W.RESIDUAL: StreamFigures(1000, 170 * 0.62, 0.6),
            W.KITCHEN: StreamFigures(280, 170 * 0.28, 1.0),
            W.RECYCLABLE: StreamFigures(90, 170 * 0.07, 0.15),
            W.BULKY: StreamFigures(30, 170 * 0.03, 0.25),
            W.NIGHT_SOIL: StreamFigures(120, 60.0, 1.0),
        }
    )
    old_town_share: float = 0.08  # of residual and recyclable points, in the old-town lanes
    big_producer_share: float = 0.02  # markets and hotels, 5–10× the mean
    twice_daily_share: float = 0.10
    shifts: tuple[tuple[str, float, float], ...] = (
        ("S1", 4.5, 10.5),
        ("S2", 10.5, 16.5),
        ("S3", 16.5, 22.5),
    )
    transfer_stations: int = 2
    landfill_distance_km: float = 18.0
    compactors: int = 10
    kitchen_tankers: int = 4
    box_trucks: int = 2
    carts: int = 6
    suction_tankers: int = 4
    hook_lifts: int = 2
    crews: int = 90
    scale: float = 1.0  # multiplies point counts and tonnes (fleet scaled too), for small demos


#: The district's vehicle types: id, body, sealed, capacity (kg, litres), size class, costs (fen
#: per km, fen per hour; trucks 6 CNY/km + 80 CNY/h, carts 1 CNY/km + 50 CNY/h) and diesel (ml/km).
# fmt: off
VEHICLE_TYPES: tuple[tuple[str, BodyType, bool, int, int, SizeClass, int, int, int], ...] = (
    ("compactor-8t", BodyType.COMPACTOR, True, 8 * TONNE, 14_000, SizeClass.LARGE, 600, 8000, 350),
    ("kitchen-tank-5t", BodyType.KITCHEN_TANK, True, 5 * TONNE, 5_000, SizeClass.MEDIUM, 600, 8000, 300),
    ("box-3t", BodyType.BOX_TRUCK, False, 3 * TONNE, 20_000, SizeClass.SMALL, 600, 8000, 250),
    ("e-cart-0.8t", BodyType.CART, True, 800, 1_500, SizeClass.CART, 100, 5000, 0),
    ("suction-6m3", BodyType.SUCTION_TANKER, True, 6 * TONNE, 6_000, SizeClass.MEDIUM, 600, 8000, 300),
    ("hook-lift", BodyType.HOOK_LIFT, True, 12 * TONNE, 30_000, SizeClass.HEAVY, 800, 9000, 450),
)
# fmt: on


def district_fleet(spec: DistrictSpec) -> tuple[tuple[VehicleType, ...], list[tuple[str, int]]]:
    """The vehicle types, and how many of each ``spec`` asks for (scaled, at least one)."""
    # Each size class drives on its own travel profile (narrow lanes, weight limits, zones).
    types = tuple(
        VehicleType(type_id, body, sealed, kg, litres, size, km, hour, fuel, size.name.lower())
        for type_id, body, sealed, kg, litres, size, km, hour, fuel in VEHICLE_TYPES
    )
    counts = [
        ("compactor-8t", spec.compactors),
        ("kitchen-tank-5t", spec.kitchen_tankers),
        ("box-3t", spec.box_trucks),
        ("e-cart-0.8t", spec.carts),
        ("suction-6m3", spec.suction_tankers),
        ("hook-lift", spec.hook_lifts),
    ]
    return types, [(t, max(1, math.ceil(n * spec.scale))) for t, n in counts]
