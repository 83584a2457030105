"""The district baseline: a generator that reproduces the district's figures on any area.

The figures (some reported by the district, the rest our defaults) are all held in
:class:`~scenarios.district_figures.DistrictSpec` so that a real district's data can replace them.
Where the points stand comes from a :class:`~scenarios.district_area.Sampler`:
:class:`~scenarios.district_area.BoxSampler` spreads them over a lon/lat box (straight-line
travel); the road-network sampler of :mod:`scenarios.road_district` puts them on real streets.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence

import shapely

from routing.domain import (
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
from scenarios.district_area import BoxSampler, Sampler, offset_location
from scenarios.district_figures import DistrictSpec, StreamFigures, district_fleet, hm

# The generator's callers take its figures and samplers from here too.
__all__ = [
    "OLD_TOWN_MAX_KG",
    "OLD_TOWN_MAX_L",
    "PREFIX",
    "STRAIGHT_LINE_KMH",
    "BoxSampler",
    "DistrictSpec",
    "Sampler",
    "StreamFigures",
    "TravelBuilder",
    "generate_district",
    "hm",
    "offset_location",
    "straight_line_travel",
]

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


def _transfer_stations(sampler: Sampler, rng: random.Random, spec: DistrictSpec) -> list[Facility]:
    return [
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


def _plants(
    sampler: Sampler, rng: random.Random, spec: DistrictSpec
) -> tuple[Facility, Facility, Facility]:
    kitchen_at, soil_at, recycling_at = sampler.positions(rng, 3, old_town=False)
    return (
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
    )


def _landfill(sampler: Sampler, spec: DistrictSpec) -> Facility:
    """The landfill, ``spec.landfill_distance_km`` south of the area's southern edge."""
    west, south, east, north = sampler.box
    centre = Location((west + east) / 2, (south + north) / 2)
    return Facility(
        "landfill",
        FacilityKind.LANDFILL,
        offset_location(centre, 0.0, -((north - south) * 111.32 / 2 + spec.landfill_distance_km)),
        frozenset({W.RESIDUAL, W.BULKY}),
        opening=(TimeWindow(hm(6), hm(22)),),
        tipping_s=10 * MINUTE,
        daily_capacity_kg=round_int(60_000 * TONNE / 365 * 2 * max(1.0, spec.scale)),
        name="Sanitary landfill",
    )


def _places(
    sampler: Sampler,
    rng: random.Random,
    stream: WasteStream,
    n: int,
    in_old: int,
    fixed_points: Sequence[CollectionPoint],
) -> tuple[list[Location], list[str], list[str]]:
    """Where a stream's ``n`` points stand (the first ``in_old`` in the old town), ids and names."""
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
    return places, ids, names


def _lane_sized(amounts: Sequence[int], old_town: Sequence[bool], most: int) -> list[int]:
    """The amounts with each old-town point's excess over ``most`` kg moved to a point outside.

    Lanes hold small bins: a cart must take a visit, by weight and by volume.
    """
    sized = list(amounts)
    outside = [i for i in range(len(sized)) if not old_town[i]]
    for i in range(len(sized)):
        if old_town[i] and outside:
            excess = max(0, sized[i] - most)
            sized[i] -= excess
            sized[outside[-1]] += excess
    return sized


def _windows(
    rng: random.Random, stream: WasteStream, *, old: bool, big: bool
) -> tuple[TimeWindow, ...]:
    if old:
        return (TimeWindow(hm(5), hm(9)), TimeWindow(hm(20), hm(22.5)))
    if big and stream is W.KITCHEN:
        return (TimeWindow(hm(4.5), hm(7)),)  # markets before 07:00
    if rng.random() < 0.05 and stream is W.RESIDUAL:
        return (TimeWindow(hm(17), hm(22.5)),)  # schools after 17:00
    return (TimeWindow(hm(4.5), hm(22.5)),)


def _stream_points(
    sampler: Sampler,
    rng: random.Random,
    spec: DistrictSpec,
    stream: WasteStream,
    figures: StreamFigures,
    *,
    old_town_area: shapely.Polygon,
    fixed_points: Sequence[CollectionPoint],
) -> list[CollectionPoint]:
    """One stream's points: its amounts, places, windows and visits, to the district's figures."""
    n = max(1, round(figures.points * spec.scale))
    total = round_int(figures.tonnes_per_day * TONNE * spec.scale)
    amounts = _amounts(rng, n, total, spec.big_producer_share)
    in_old = round(n * spec.old_town_share) if stream in (W.RESIDUAL, W.RECYCLABLE) else 0
    places, ids, names = _places(sampler, rng, stream, n, in_old, fixed_points)
    old_town = [old_town_area.covers(shapely.Point(q.lon, q.lat)) for q in places]
    most = min(OLD_TOWN_MAX_KG, int(OLD_TOWN_MAX_L * figures.kg_per_litre))
    amounts = _lane_sized(amounts, old_town, most)
    points: list[CollectionPoint] = []
    for i, (kg, location) in enumerate(zip(amounts, places, strict=True)):
        old = old_town[i]
        big = kg > 4 * total / n
        windows = _windows(rng, stream, old=old, big=big)
        visits = 2 if (big or rng.random() < spec.twice_daily_share / 2) and not old else 1
        if sum(w.duration_s for w in windows) < 8 * HOUR:
            visits = 1  # a second visit needs a window in a second shift
        points.append(
            CollectionPoint(
                id=ids[i],
                location=location,
                stream=stream,
                kg_per_day=kg,
                litres_per_day=round_int(kg / figures.kg_per_litre),
                service_s=600 if big else min(300, 60 + kg // 2),
                time_windows=windows,
                visits_per_day=visits,
                max_size_class=SizeClass.CART if old else SizeClass.HEAVY,
                name=names[i] or ("market" if big else ("old town" if old else "")),
            )
        )
    return points


def _crewed_fleet(
    spec: DistrictSpec, depot: Depot
) -> tuple[tuple[VehicleType, ...], tuple[Vehicle, ...], tuple[Crew, ...]]:
    """The vehicle types, the vehicles (all at ``depot``) and the crews of ``spec``."""
    types, counts = district_fleet(spec)
    vehicles = tuple(
        Vehicle(f"{type_id.split('-')[0]}-{i + 1:02d}", type_id, depot.id)
        for type_id, count in counts
        for i in range(count)
    )
    crews = tuple(
        Crew(f"crew-{i + 1:03d}", max_work_s=6 * HOUR, break_s=20 * MINUTE, break_after_s=4 * HOUR)
        for i in range(max(len(vehicles) * 3, round(spec.crews * spec.scale)))
    )
    return types, vehicles, crews


def _old_town_zone(ring: tuple[tuple[float, float], ...]) -> Zone:
    return Zone(
        "old-town",
        ring,
        frozenset({SizeClass.CART}),
        (TimeWindow(hm(5), hm(9)), TimeWindow(hm(20), hm(23))),
        name="Old town lanes",
    )


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
    ring = sampler.old_town_ring
    # The order of the draws below fixes the district a seed gives: depot, stations, plants, points.
    depot = Depot("depot", sampler.positions(rng, 1, old_town=False)[0], "Central garage")
    stations = _transfer_stations(sampler, rng, spec)
    facilities = (*stations, *_plants(sampler, rng, spec), _landfill(sampler, spec))
    area = shapely.Polygon(ring)
    points = [
        point
        for stream, figures in spec.streams.items()
        for point in _stream_points(
            sampler, rng, spec, stream, figures, old_town_area=area, fixed_points=fixed_points
        )
    ]
    types, vehicles, crews = _crewed_fleet(spec, depot)
    zone = _old_town_zone(ring)
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
        shifts=tuple(Shift(sid, hm(a), hm(b)) for sid, a, b in spec.shifts),
        travel=_travel_per_profile(travel, locations, types, (zone,), needed),
        zones=(zone,),
        rules=rules,
    )
