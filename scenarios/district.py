"""The district baseline: a generator that reproduces the district's figures on any area.

The figures (some reported by the district, the rest our defaults) are all held in
:class:`DistrictSpec` so that a real district's data can replace them. Where the points stand comes
from a :class:`Sampler`: :class:`BoxSampler` spreads them over a lon/lat box (straight-line travel);
the road-network sampler of :mod:`routing.network` puts them on real streets.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import shapely

from routing.domain import (
    BodyType,
    CollectionPoint,
    Depot,
    Facility,
    FacilityKind,
    Location,
    SizeClass,
    TimeWindow,
    WasteStream,
)
from routing.fleet import Crew, RuleParameters, Shift, Vehicle, VehicleType, Zone
from routing.problem import Problem, locations_by_id, profile_locations
from routing.travel import TravelMatrix, straight_line_matrix
from routing.units import HOUR, MINUTE, TONNE, round_int

W = WasteStream


PREFIX = {
    W.RESIDUAL: "R",
    W.KITCHEN: "K",
    W.RECYCLABLE: "C",
    W.BULKY: "B",
    W.NIGHT_SOIL: "N",
    W.SPECIAL: "X",
}


OLD_TOWN_MAX_KG = 400
OLD_TOWN_MAX_L = 1000


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


class Sampler(Protocol):
    """Where things stand: ``n`` positions in the town or in the old town, and the town's box."""

    def positions(self, rng: random.Random, n: int, *, old_town: bool) -> list[Location]: ...

    @property
    def box(self) -> tuple[float, float, float, float]: ...  # west, south, east, north

    @property
    def old_town_ring(self) -> tuple[tuple[float, float], ...]: ...


@dataclass(frozen=True, slots=True)
class BoxSampler:
    """Uniform positions in a lon/lat box; the old town is a square at its centre."""

    west: float
    south: float
    east: float
    north: float
    old_town_fraction: float = 0.2  # side of the old-town square, as a share of the box

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (self.west, self.south, self.east, self.north)

    @property
    def old_town_ring(self) -> tuple[tuple[float, float], ...]:
        cx, cy = (self.west + self.east) / 2, (self.south + self.north) / 2
        hx = (self.east - self.west) * self.old_town_fraction / 2
        hy = (self.north - self.south) * self.old_town_fraction / 2
        return ((cx - hx, cy - hy), (cx + hx, cy - hy), (cx + hx, cy + hy), (cx - hx, cy + hy))

    def positions(self, rng: random.Random, n: int, *, old_town: bool) -> list[Location]:
        ring = self.old_town_ring
        out: list[Location] = []
        while len(out) < n:
            if old_town:
                lon = rng.uniform(ring[0][0], ring[1][0])
                lat = rng.uniform(ring[0][1], ring[2][1])
            else:
                lon = rng.uniform(self.west, self.east)
                lat = rng.uniform(self.south, self.north)
                if ring[0][0] <= lon <= ring[1][0] and ring[0][1] <= lat <= ring[2][1]:
                    continue  # the old town's lanes are sampled separately
            out.append(Location(round(lon, 6), round(lat, 6)))
        return out


TravelBuilder = Callable[
    [Mapping[str, Location], tuple[VehicleType, ...], tuple[Zone, ...]], dict[str, TravelMatrix]
]

#: Straight-line speeds per profile (km/h): carts are slower in the lanes.
STRAIGHT_LINE_KMH = {"cart": 15.0, "small": 25.0, "medium": 25.0, "large": 25.0, "heavy": 25.0}


def straight_line_travel(
    locations: Mapping[str, Location], types: tuple[VehicleType, ...], zones: tuple[Zone, ...]
) -> dict[str, TravelMatrix]:
    """Straight-line matrices per profile, 1.3 detour (estimates; zones are not modelled)."""
    return {
        profile: straight_line_matrix(
            locations, profile=profile, speed_kmh=STRAIGHT_LINE_KMH[profile]
        )
        for profile in sorted({t.profile for t in types})
    }


def _travel_per_profile(
    travel: TravelBuilder,
    locations: Mapping[str, Location],
    types: tuple[VehicleType, ...],
    zones: tuple[Zone, ...],
    needed: Mapping[str, Sequence[str]],
) -> dict[str, TravelMatrix]:
    """Each profile's matrix over the locations its vehicles may visit (the loader of a problem
    file restricts them the same way, so a written problem reads back with identical travel)."""
    out: dict[str, TravelMatrix] = {}
    for profile, ids in sorted(needed.items()):
        own = tuple(t for t in types if t.profile == profile)
        out |= travel({i: locations[i] for i in ids}, own, zones)
    return out


def _amounts(rng: random.Random, n: int, total_kg: int, big_share: float) -> list[int]:
    weights = [rng.lognormvariate(0.0, 0.5) for _ in range(n)]
    for i in rng.sample(range(n), k=max(0, round(n * big_share))):
        weights[i] *= rng.uniform(5.0, 10.0)
    scale = total_kg / sum(weights)
    amounts = [max(1, int(w * scale)) for w in weights]
    amounts[0] += total_kg - sum(amounts)  # exact daily total
    return amounts


def _type(
    type_id: str, body: BodyType, sealed: bool, kg: int, litres: int, size: SizeClass, *costs: int
) -> VehicleType:
    # Each size class drives on its own travel profile (narrow lanes, weight limits, zones).
    km_fen, hour_fen, fuel = costs
    return VehicleType(
        type_id, body, sealed, kg, litres, size, km_fen, hour_fen, fuel, size.name.lower()
    )


def _fleet(spec: DistrictSpec) -> tuple[tuple[VehicleType, ...], list[tuple[str, int]]]:
    # Costs: trucks 6 CNY/km + 80 CNY/h, carts 1 CNY/km + 50 CNY/h; diesel ml/km.
    types = (
        _type(
            "compactor-8t",
            BodyType.COMPACTOR,
            True,
            8 * TONNE,
            14_000,
            SizeClass.LARGE,
            600,
            8000,
            350,
        ),
        _type(
            "kitchen-tank-5t",
            BodyType.KITCHEN_TANK,
            True,
            5 * TONNE,
            5_000,
            SizeClass.MEDIUM,
            600,
            8000,
            300,
        ),
        _type(
            "box-3t", BodyType.BOX_TRUCK, False, 3 * TONNE, 20_000, SizeClass.SMALL, 600, 8000, 250
        ),
        _type("e-cart-0.8t", BodyType.CART, True, 800, 1_500, SizeClass.CART, 100, 5000, 0),
        _type(
            "suction-6m3",
            BodyType.SUCTION_TANKER,
            True,
            6 * TONNE,
            6_000,
            SizeClass.MEDIUM,
            600,
            8000,
            300,
        ),
        _type(
            "hook-lift",
            BodyType.HOOK_LIFT,
            True,
            12 * TONNE,
            30_000,
            SizeClass.HEAVY,
            800,
            9000,
            450,
        ),
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


def offset_location(origin: Location, east_km: float, north_km: float) -> Location:
    """The place ``east_km`` east and ``north_km`` north of ``origin`` (km; flat earth, 111.32 km
    per degree)."""
    lat = origin.lat + north_km / 111.32
    lon = origin.lon + east_km / (111.32 * math.cos(math.radians(origin.lat)))
    return Location(round(lon, 6), round(lat, 6))


def generate_district(
    sampler: Sampler,
    *,
    seed: int = 0,
    spec: DistrictSpec | None = None,
    travel: TravelBuilder = straight_line_travel,
    name: str = "district-baseline",
    fixed_points: Sequence[CollectionPoint] = (),
) -> Problem:
    """The district baseline on the area of ``sampler``; deterministic for a ``seed``.

    ``fixed_points`` are real points (an OSM extract's waste baskets, say): each takes the place,
    id and name of a generated point of its stream; amounts still follow the district's figures.
    """
    spec = spec or DistrictSpec()
    rng = random.Random(seed)
    west, south, east, north = sampler.box
    centre = Location((west + east) / 2, (south + north) / 2)
    ring = sampler.old_town_ring
    old_polygon = shapely.Polygon(ring)

    depot = Depot("depot", sampler.positions(rng, 1, old_town=False)[0], "Central garage")
    stations = [
        Facility(
            f"station-{i + 1}",
            FacilityKind.TRANSFER_STATION,
            location,
            frozenset({W.RESIDUAL, W.BULKY}),
            opening=(TimeWindow(hm(4), hm(23)),),
            tipping_s=8 * MINUTE,
            daily_capacity_kg=round_int(120 * TONNE * spec.scale),
            # A city's stations are bigger: the store grows with the tonnes it takes (never
            # below the district's 40 t, so the small demos keep the district's station).
            storage_kg=round_int(40 * TONNE * max(1.0, spec.scale)),
            container_kg=10 * TONNE,
            name=f"Transfer station {i + 1}",
        )
        for i, location in enumerate(sampler.positions(rng, spec.transfer_stations, old_town=False))
    ]
    kitchen_at, soil_at, recycling_at = sampler.positions(rng, 3, old_town=False)
    facilities = (
        *stations,
        Facility(
            "kitchen-plant",
            FacilityKind.KITCHEN_PLANT,
            kitchen_at,
            frozenset({W.KITCHEN}),
            opening=(TimeWindow(hm(5), hm(23)),),
            tipping_s=10 * MINUTE,
            daily_capacity_kg=round_int(50 * TONNE * max(1.0, spec.scale)),
            name="Kitchen-waste plant",
        ),
        Facility(
            "night-soil-plant",
            FacilityKind.NIGHT_SOIL_PLANT,
            soil_at,
            frozenset({W.NIGHT_SOIL}),
            tipping_s=10 * MINUTE,
            daily_capacity_kg=round_int(80 * TONNE * max(1.0, spec.scale)),
            name="Night-soil plant (sewage works)",
        ),
        Facility(
            "recycling-centre",
            FacilityKind.RECYCLING_CENTRE,
            recycling_at,
            frozenset({W.RECYCLABLE}),
            opening=(TimeWindow(hm(5), hm(22)),),
            tipping_s=10 * MINUTE,
            name="Recycling centre",
        ),
        Facility(
            "landfill",
            FacilityKind.LANDFILL,
            offset_location(
                centre, 0.0, -((north - south) * 111.32 / 2 + spec.landfill_distance_km)
            ),
            frozenset({W.RESIDUAL, W.BULKY}),
            opening=(TimeWindow(hm(6), hm(22)),),
            tipping_s=10 * MINUTE,
            daily_capacity_kg=round_int(60_000 * TONNE / 365 * 2 * max(1.0, spec.scale)),
            name="Sanitary landfill",
        ),
    )

    points: list[CollectionPoint] = []
    for stream, figures in spec.streams.items():
        n = max(1, round(figures.points * spec.scale))
        total = round_int(figures.tonnes_per_day * TONNE * spec.scale)
        amounts = _amounts(rng, n, total, spec.big_producer_share)
        in_old = round(n * spec.old_town_share) if stream in (W.RESIDUAL, W.RECYCLABLE) else 0
        places = sampler.positions(rng, in_old, old_town=True) + sampler.positions(
            rng, n - in_old, old_town=False
        )
        ids = [f"{PREFIX[stream]}{i + 1:04d}" for i in range(n)]
        names = [""] * n
        # Real points of the stream (e.g. OSM waste baskets) take the places of generated ones.
        real = [f for f in fixed_points if f.stream is stream][: n - in_old]
        for k, point in enumerate(real):
            i = n - 1 - k
            places[i], ids[i], names[i] = point.location, point.id, point.name
        old_town = [old_polygon.covers(shapely.Point(q.lon, q.lat)) for q in places]
        # Lanes hold small bins: a cart must take a visit, by weight and by volume.
        most = min(OLD_TOWN_MAX_KG, int(OLD_TOWN_MAX_L * figures.kg_per_litre))
        outside = [i for i in range(n) if not old_town[i]]
        for i in range(n):
            if old_town[i] and outside:
                excess = max(0, amounts[i] - most)
                amounts[i] -= excess
                amounts[outside[-1]] += excess
        for i, (kg, location) in enumerate(zip(amounts, places, strict=True)):
            old = old_town[i]
            big = kg > 4 * total / n
            windows: tuple[TimeWindow, ...] = (TimeWindow(hm(4.5), hm(22.5)),)
            if old:
                windows = (TimeWindow(hm(5), hm(9)), TimeWindow(hm(20), hm(22.5)))
            elif big and stream is W.KITCHEN:
                windows = (TimeWindow(hm(4.5), hm(7)),)  # markets before 07:00
            elif rng.random() < 0.05 and stream is W.RESIDUAL:
                windows = (TimeWindow(hm(17), hm(22.5)),)  # schools after 17:00
            visits = 2 if (big or rng.random() < spec.twice_daily_share / 2) and not old else 1
            if sum(w.duration_s for w in windows) < 8 * HOUR:
                visits = 1  # a second visit needs a window in a second shift
            service = 600 if big else min(300, 60 + kg // 2)
            points.append(
                CollectionPoint(
                    id=ids[i],
                    location=location,
                    stream=stream,
                    kg_per_day=kg,
                    litres_per_day=round_int(kg / figures.kg_per_litre),
                    service_s=service,
                    time_windows=windows,
                    visits_per_day=visits,
                    max_size_class=SizeClass.CART if old else SizeClass.HEAVY,
                    name=names[i] or ("market" if big else ("old town" if old else "")),
                )
            )

    types, counts = _fleet(spec)
    vehicles = tuple(
        Vehicle(f"{type_id.split('-')[0]}-{i + 1:02d}", type_id, depot.id)
        for type_id, count in counts
        for i in range(count)
    )
    crews = tuple(
        Crew(f"crew-{i + 1:03d}", max_work_s=6 * HOUR, break_s=20 * MINUTE, break_after_s=4 * HOUR)
        for i in range(max(len(vehicles) * 3, round(spec.crews * spec.scale)))
    )
    shifts = tuple(Shift(sid, hm(a), hm(b)) for sid, a, b in spec.shifts)
    zone = Zone(
        "old-town",
        ring,
        frozenset({SizeClass.CART}),
        (TimeWindow(hm(5), hm(9)), TimeWindow(hm(20), hm(23))),
        name="Old town lanes",
    )
    locations = locations_by_id(points, (depot,), facilities)
    rules = RuleParameters(on_board_limit_s=4 * HOUR, handover_s=15 * MINUTE)
    needed = profile_locations(points, (depot,), facilities, types, rules)
    return Problem(
        name=name,
        points=tuple(points),
        depots=(depot,),
        facilities=facilities,
        vehicle_types=types,
        vehicles=vehicles,
        crews=crews,
        shifts=shifts,
        travel=_travel_per_profile(travel, locations, types, (zone,), needed),
        zones=(zone,),
        rules=rules,
    )
