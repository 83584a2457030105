"""Tiny named problems for tests: small enough to reason about by hand.

``riverside()`` is a street of five residual points, a market (kitchen waste, twice a day) and a
public toilet (night soil), one depot, a transfer station, a kitchen plant, a night-soil plant and
a landfill, three vehicles and a hook-lift, three shifts and an old-town zone around point R5.
Travel is straight-line at 30 km/h with a 1.3 detour factor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hypothesis import strategies as st

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
from routing.fleet import Crew, Shift, Vehicle, VehicleType, Zone
from routing.plan import Break, Plan, Route, Trip, Unload, VisitStop
from routing.problem import Problem
from routing.travel import straight_line_matrix
from routing.units import HOUR, MINUTE
from scenarios.district import BoxSampler, DistrictSpec, generate_district

R = WasteStream.RESIDUAL
K = WasteStream.KITCHEN
N = WasteStream.NIGHT_SOIL

BASE_LON, BASE_LAT = 24.94, 60.17


def at(dx_m: float, dy_m: float) -> Location:
    """A location ``dx_m`` east and ``dy_m`` north of the base point."""
    return Location(BASE_LON + dx_m / 55_500.0, BASE_LAT + dy_m / 111_320.0)


def described(problem: Problem, section: Mapping[str, Mapping[str, Any]]) -> Problem:
    """``problem`` whose matrices state ``section`` (a problem file's travel section) as their
    recipes: a problem file then writes it instead of the numbers."""
    travel = {name: m.described_by(section[name]) for name, m in problem.travel.items()}
    return problem.replace(travel=travel)


def riverside(**changes: Any) -> Problem:
    """The tiny named district of the module's description; keyword arguments replace fields."""
    points = (
        *(CollectionPoint(f"R{i}", at(400 * i, 300), R, 600, 1200, 120) for i in range(1, 5)),
        CollectionPoint("R5", at(2000, 800), R, 300, 600, 90, max_size_class=SizeClass.CART),
        CollectionPoint(
            "M1",
            at(1200, -400),
            K,
            1000,
            1000,
            300,
            time_windows=(TimeWindow(4 * HOUR, 22 * HOUR),),
            visits_per_day=2,
        ),
        CollectionPoint("T1", at(-600, 600), N, 500, 500, 600),
    )
    depot = Depot("D", at(0, 0))
    facilities = (
        Facility(
            "TS",
            FacilityKind.TRANSFER_STATION,
            at(2500, 0),
            frozenset({R}),
            opening=(TimeWindow(4 * HOUR, 23 * HOUR),),
            tipping_s=8 * MINUTE,
            daily_capacity_kg=120_000,
            storage_kg=4000,
            container_kg=2000,
        ),
        Facility("KP", FacilityKind.KITCHEN_PLANT, at(-1500, -1500), frozenset({K}), tipping_s=600),
        Facility(
            "NP", FacilityKind.NIGHT_SOIL_PLANT, at(-2500, 500), frozenset({N}), tipping_s=600
        ),
        Facility(
            "LF",
            FacilityKind.LANDFILL,
            at(9000, -3000),
            frozenset({R}),
            opening=(TimeWindow(6 * HOUR, 22 * HOUR),),
        ),
    )
    types = (
        VehicleType("compactor", BodyType.COMPACTOR, True, 8000, 14000, SizeClass.LARGE),
        VehicleType("cart", BodyType.CART, True, 800, 1500, SizeClass.CART, 100, 5000, 0),
        VehicleType("tank", BodyType.KITCHEN_TANK, True, 5000, 5000, SizeClass.MEDIUM),
        VehicleType("suction", BodyType.SUCTION_TANKER, True, 6000, 6000, SizeClass.MEDIUM),
        VehicleType("open", BodyType.OPEN_TRUCK, False, 3000, 6000, SizeClass.SMALL),
        VehicleType("hook", BodyType.HOOK_LIFT, True, 10000, 30000, SizeClass.HEAVY),
    )
    vehicles = (
        Vehicle("C1", "compactor", "D"),
        Vehicle("E1", "cart", "D"),
        Vehicle("K1", "tank", "D"),
        Vehicle("S1", "suction", "D"),
        Vehicle("O1", "open", "D"),
        Vehicle("H1", "hook", "D"),
    )
    crews = tuple(Crew(f"crew{i:02d}") for i in range(1, 16))
    shifts = (
        Shift("S1", int(4.5 * HOUR), int(10.5 * HOUR)),
        Shift("S2", int(10.5 * HOUR), int(16.5 * HOUR)),
        Shift("S3", int(16.5 * HOUR), int(22.5 * HOUR)),
    )
    zones = (
        Zone(
            "oldtown",
            (
                (1800 / 55_500 + BASE_LON, 600 / 111_320 + BASE_LAT),
                (2200 / 55_500 + BASE_LON, 600 / 111_320 + BASE_LAT),
                (2200 / 55_500 + BASE_LON, 1000 / 111_320 + BASE_LAT),
                (1800 / 55_500 + BASE_LON, 1000 / 111_320 + BASE_LAT),
            ),
            frozenset({SizeClass.CART, SizeClass.SMALL}),
            (TimeWindow(5 * HOUR, 9 * HOUR), TimeWindow(20 * HOUR, 23 * HOUR)),
        ),
    )
    locations = {p.id: p.location for p in points} | {depot.id: depot.location}
    locations |= {f.id: f.location for f in facilities}
    fields: dict[str, Any] = {
        "name": "riverside",
        "points": points,
        "depots": (depot,),
        "facilities": facilities,
        "vehicle_types": types,
        "vehicles": vehicles,
        "crews": crews,
        "shifts": shifts,
        "travel": {"default": straight_line_matrix(locations, speed_kmh=30.0)},
        "zones": zones,
    }
    fields.update(changes)
    return Problem(**fields)


def schedule(
    problem: Problem,
    vehicle_id: str,
    shift_id: str,
    crew_id: str,
    trips: Sequence[tuple[WasteStream, Sequence[tuple[str, int]], str | None]],
    *,
    start_s: int | None = None,
    break_after_stop: int | None = None,
) -> Route:
    """A route with the earliest times the travel matrix allows (the tests' own arithmetic).

    ``trips`` lists (stream, [(point id, visit)], facility id or None). A break of the crew's length
    is taken after the stop numbered ``break_after_stop`` (counting every stop from 0).
    """
    vehicle = problem.vehicle_by_id[vehicle_id]
    crew = problem.crew_by_id[crew_id]
    matrix = problem.matrix_for(vehicle)
    shift = problem.shift_by_id[shift_id]
    t = shift.start_s if start_s is None else start_s
    begin, here = t, vehicle.depot_id
    breaks: list[Break] = []
    built: list[Trip] = []
    count = 0

    def after_stop() -> None:
        nonlocal t, count
        if break_after_stop is not None and count == break_after_stop:
            breaks.append(Break(t, t + crew.break_s))
            t += crew.break_s
        count += 1

    for stream, visits, facility_id in trips:
        stops: list[VisitStop] = []
        kg = litres = 0
        for point_id, visit in visits:
            point = problem.point_by_id[point_id]
            arrival = t + matrix.time(here, point_id)
            start = max(arrival, min(w.start_s for w in point.time_windows if w.end_s >= arrival))
            t = start + point.service_s
            kg += point.visit_kg(visit)
            litres += point.visit_litres(visit)
            stops.append(VisitStop(point_id, visit, arrival, start, t, kg, litres))
            here = point_id
            after_stop()
        unload = None
        if facility_id is not None:
            facility = problem.facility_by_id[facility_id]
            arrival = t + matrix.time(here, facility_id)
            start = max(arrival, min(w.start_s for w in facility.opening if w.end_s >= arrival))
            t = start + facility.tipping_s
            unload = Unload(facility_id, arrival, start, t, kg, litres)
            here = facility_id
            after_stop()
        built.append(Trip(stream, tuple(stops), unload))
    end = t + matrix.time(here, vehicle.depot_id)
    return Route(vehicle_id, shift_id, crew_id, begin, end, tuple(built), tuple(breaks))


def riverside_plan(problem: Problem | None = None) -> Plan:
    """A hand-made plan for :func:`riverside` that keeps every rule."""
    problem = problem or riverside()
    routes = (
        schedule(
            problem, "C1", "S1", "crew01", [(R, [("R1", 0), ("R2", 0), ("R3", 0), ("R4", 0)], "TS")]
        ),
        schedule(problem, "E1", "S1", "crew02", [(R, [("R5", 0)], "TS")], start_s=5 * HOUR),
        schedule(problem, "K1", "S1", "crew03", [(K, [("M1", 0)], "KP")]),
        schedule(problem, "K1", "S2", "crew04", [(K, [("M1", 1)], "KP")]),
        schedule(problem, "S1", "S2", "crew05", [(N, [("T1", 0)], "NP")]),
    )
    return Plan(problem.name, routes)


def generated_districts(box: BoxSampler, *, largest_scale: float) -> st.SearchStrategy[Problem]:
    """Hypothesis districts: the baseline at a random small scale, with a random fleet and crews
    (some with no carrier for a stream, too few crews, a near or far landfill)."""

    @st.composite
    def build(draw: st.DrawFn) -> Problem:
        spec = DistrictSpec(
            scale=draw(st.floats(0.01, largest_scale)),
            compactors=draw(st.integers(1, 8)),
            carts=draw(st.integers(0, 6)),
            kitchen_tankers=draw(st.integers(0, 4)),
            box_trucks=draw(st.integers(0, 2)),
            suction_tankers=draw(st.integers(0, 4)),
            hook_lifts=draw(st.integers(0, 2)),
            twice_daily_share=draw(st.floats(0.0, 0.6)),
            landfill_distance_km=draw(st.floats(1.0, 30.0)),
            crews=draw(st.integers(2, 60)),
        )
        return generate_district(box, seed=draw(st.integers(0, 100_000)), spec=spec)

    return build()
