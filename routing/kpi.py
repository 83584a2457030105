"""Key figures of a plan: distance, hours, tonnes, trips, utilisation, facility inflow, cost, CO2.

Factors used (stated with every report):

- distance and driving time come from the problem's travel matrices, leg by leg;
- working time of a route is from leaving the depot to returning (``end_s - start_s``);
- cost = km × the type's ``cost_per_km_fen`` + working hours × ``cost_per_hour_fen``, hauls counted
  with their driving time, + each working vehicle's ``fixed_cost_fen`` once (routes or hauls),
  + the hauls the day leaves to the next (``stored_haul_yuan``): each transfer station's waste at
  the day's end less at its start, at the station's price per kg of a full haul (the cheapest
  hauler and destination, out and back). Without it a plan whose trucks reach a station after
  the landfill closes looks cheaper by the hauls it puts off (955 CNY a 10 t container for the
  district on the Campo Grande extract), and two plans of one day compare by when they unload,
  not by their routes;
- CO2 = km × the type's ``fuel_ml_per_km`` × 2.68 kg CO2 per litre of diesel (electric: 0 here;
  the grid's share is not counted).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from routing.domain import Facility
from routing.fleet import VehicleType
from routing.hauls import destinations, unloaded_kg
from routing.plan import Haul, Plan, Route, VisitStop
from routing.problem import Problem
from routing.units import CO2_G_PER_L_DIESEL, FEN_PER_YUAN, HOUR, KILOMETRE, TONNE, round_int


@dataclass(frozen=True, slots=True)
class RouteFigures:
    """Figures of one route (vehicle and shift)."""

    vehicle: str
    shift: str
    crew: str
    trips: int
    visits: int
    km: float
    driving_h: float
    working_h: float
    shift_use: float  # working time / shift length
    mean_fill: float  # mean of (trip kg / capacity kg) over the trips
    kg: int


@dataclass(frozen=True, slots=True)
class PlanKpis:
    """The key figures of a plan (see the module's description for the factors)."""

    routes: int
    vehicles_used: int
    trips: int
    visits_served: int
    visits_unserved: int
    km: float
    driving_h: float
    working_h: float
    tonnes_by_stream: dict[str, float]
    vehicles_per_shift: dict[str, int]
    facility_inflow_kg_by_hour: dict[str, dict[str, int]]
    haul_km: float
    hauls: int
    stored_haul_yuan: float
    cost_yuan: float
    co2_kg: float
    per_route: list[RouteFigures]
    travel_method: str
    factors: dict[str, str]

    @property
    def cost_fen(self) -> int:
        """The cost in whole fen (as plans are stored and compared)."""
        return round_int(self.cost_yuan * FEN_PER_YUAN)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return asdict(self)


def route_legs(problem: Problem, route: Route) -> tuple[int, int]:
    """Metres and seconds of driving of ``route``, leg by leg from its depot and back."""
    vehicle = problem.vehicle_by_id[route.vehicle_id]
    own = problem.matrix_for(vehicle)
    places = [vehicle.depot_id]
    places += [s.point_id if isinstance(s, VisitStop) else s.facility_id for s in route.stops()]
    places.append(vehicle.depot_id)
    metres = seconds = 0
    for here, there in itertools.pairwise(places):
        matrix = problem.leg_matrix(vehicle, here, there) or own
        metres += matrix.distance(here, there)
        seconds += matrix.time(here, there)
    return metres, seconds


@dataclass(slots=True)
class _Tally:
    """A plan's running totals, added route by route and then haul by haul, in the plan's order."""

    metres: int = 0
    drive_s: int = 0
    work_s: int = 0
    haul_m: int = 0
    cost_fen: float = 0.0
    co2_g: float = 0.0
    kg_by_stream: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    inflow: defaultdict[str, defaultdict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    vehicles_by_shift: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


def compute_kpis(problem: Problem, plan: Plan) -> PlanKpis:
    """The key figures of ``plan``; the plan should reference only records of ``problem``."""
    tally = _Tally()
    per_route = [_count_route(problem, route, tally) for route in plan.routes]
    for haul in plan.hauls:
        _count_haul(problem, haul, tally)
    working = {r.vehicle_id for r in plan.routes} | {h.vehicle_id for h in plan.hauls}
    for vehicle_id in working:
        tally.cost_fen += problem.vehicle_type_of(problem.vehicle_by_id[vehicle_id]).fixed_cost_fen
    stored_haul_fen = _stored_haul_fen(problem, plan)
    tally.cost_fen += stored_haul_fen
    methods = sorted({m.method for m in problem.travel.values()})
    return PlanKpis(
        routes=len(plan.routes),
        vehicles_used=len({r.vehicle_id for r in plan.routes}),
        trips=sum(len(r.trips) for r in plan.routes),
        visits_served=sum(1 for _ in plan.served_visits()),
        visits_unserved=len(plan.unserved),
        km=round(tally.metres / KILOMETRE, 3),
        driving_h=round(tally.drive_s / HOUR, 3),
        working_h=round(tally.work_s / HOUR, 3),
        tonnes_by_stream={s: round(kg / TONNE, 3) for s, kg in sorted(tally.kg_by_stream.items())},
        vehicles_per_shift={s: len(v) for s, v in sorted(tally.vehicles_by_shift.items())},
        facility_inflow_kg_by_hour={
            f: dict(sorted(h.items())) for f, h in sorted(tally.inflow.items())
        },
        haul_km=round(tally.haul_m / KILOMETRE, 3),
        hauls=len(plan.hauls),
        stored_haul_yuan=round(stored_haul_fen / FEN_PER_YUAN, 2),
        cost_yuan=round(tally.cost_fen / FEN_PER_YUAN, 2),
        co2_kg=round(tally.co2_g / 1000, 2),
        per_route=per_route,
        travel_method=", ".join(methods),
        factors={
            "cost": "km × cost_per_km + working hours × cost_per_hour, per vehicle type, "
            "+ fixed cost per working vehicle + hauls left to the next day (stations' waste at "
            "the day's end less at its start, per kg of the cheapest full haul)",
            "co2": "km × fuel_ml_per_km × 2.68 kg CO2 per litre diesel; electric counted as 0",
            "distance": f"travel matrices ({', '.join(methods)})",
        },
    )


def _co2_g(metres: int, vtype: VehicleType) -> float:
    return metres / KILOMETRE * vtype.fuel_ml_per_km / 1000 * CO2_G_PER_L_DIESEL


def _count_route(problem: Problem, route: Route, tally: _Tally) -> RouteFigures:
    """Add ``route`` to ``tally``; the route's own figures."""
    vehicle = problem.vehicle_by_id[route.vehicle_id]
    vtype = problem.vehicle_type_of(vehicle)
    shift = problem.shift_by_id[route.shift_id]
    metres, drive_s = route_legs(problem, route)
    work_s = route.end_s - route.start_s
    tally.metres += metres
    tally.drive_s += drive_s
    tally.work_s += work_s
    tally.cost_fen += vtype.cost_fen(metres, work_s)
    tally.co2_g += _co2_g(metres, vtype)
    tally.vehicles_by_shift[route.shift_id].add(route.vehicle_id)
    fills, kg = [], 0
    for trip in route.trips:
        trip_kg = sum(problem.point_by_id[v.point_id].visit_kg(v.visit) for v in trip.visits)
        kg += trip_kg
        tally.kg_by_stream[trip.stream.value] += trip_kg
        fills.append(trip_kg / vtype.capacity_kg)
        if trip.unload is not None:
            hour = f"{trip.unload.start_s // HOUR:02d}"
            tally.inflow[trip.unload.facility_id][hour] += trip.unload.kg
    return RouteFigures(
        vehicle=route.vehicle_id,
        shift=route.shift_id,
        crew=route.crew_id,
        trips=len(route.trips),
        visits=sum(len(t.visits) for t in route.trips),
        km=round(metres / KILOMETRE, 3),
        driving_h=round(drive_s / HOUR, 3),
        working_h=round(work_s / HOUR, 3),
        shift_use=round(work_s / (shift.end_s - shift.start_s), 3),
        mean_fill=round(sum(fills) / len(fills), 3) if fills else 0.0,
        kg=kg,
    )


def _count_haul(problem: Problem, haul: Haul, tally: _Tally) -> None:
    """Add ``haul`` to ``tally``."""
    vehicle = problem.vehicle_by_id[haul.vehicle_id]
    vtype = problem.vehicle_type_of(vehicle)
    matrix = problem.matrix_for(vehicle)
    # A haul drives out and back.
    metres = matrix.distance(haul.station_id, haul.destination_id) + matrix.distance(
        haul.destination_id, haul.station_id
    )
    seconds = matrix.time(haul.station_id, haul.destination_id) + matrix.time(
        haul.destination_id, haul.station_id
    )
    tally.haul_m += metres
    tally.cost_fen += vtype.cost_fen(metres, seconds)
    tally.co2_g += _co2_g(metres, vtype)
    hour = f"{haul.arrival_s // HOUR:02d}"
    tally.inflow[haul.destination_id][hour] += haul.kg


def _stored_haul_fen(problem: Problem, plan: Plan) -> float:
    """What hauling the waste the day leaves in the transfer stations will cost (fen): per
    station, kg at the day's end less kg at its start (what the trips unload less what the
    hauls take), at :func:`haul_fen_per_kg`."""
    unloaded = unloaded_kg(plan.routes)
    hauled: defaultdict[str, int] = defaultdict(int)
    for haul in plan.hauls:
        hauled[haul.station_id] += haul.kg
    return sum(
        (unloaded.get(s.id, 0) - hauled[s.id]) * haul_fen_per_kg(problem, s)
        for s in problem.transfer_stations
    )


def haul_fen_per_kg(problem: Problem, station: Facility) -> float:
    """The price (fen per kg) of hauling from ``station``: the cheapest full haul, out and back,
    of a hauler taking as many full containers as it carries, to a destination that accepts
    everything the station does; 0 when no hauler or destination is known."""
    prices = []
    for vehicle in problem.vehicles:
        vtype = problem.vehicle_type_of(vehicle)
        containers = vtype.capacity_kg // max(1, station.container_kg)
        if vtype.body is not problem.rules.haul_body or containers < 1:
            continue
        matrix = problem.matrix_for(vehicle)
        for facility in destinations(problem, station):
            if station.id not in matrix.index or facility.id not in matrix.index:
                continue
            metres = matrix.distance(station.id, facility.id) + matrix.distance(
                facility.id, station.id
            )
            seconds = matrix.time(station.id, facility.id) + matrix.time(facility.id, station.id)
            prices.append(vtype.cost_fen(metres, seconds) / (containers * station.container_kg))
    return min(prices, default=0.0)


@dataclass(frozen=True, slots=True)
class TransportFigures:
    """Tonne-km and on-board times of a plan (for comparing scenarios).

    ``tonne_km`` counts, leg by leg, the waste on board (t) times the leg's road length (km):
    collection trips from the problem's own amounts, hauls with their containers' kg one way.
    On-board time is CT5's: from a trip's first pickup to the start of its unloading.
    """

    tonne_km: float
    haul_tonne_km: float
    on_board_min_mean: float
    on_board_min_p95: float
    on_board_min_max: float

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return asdict(self)


def transport_figures(problem: Problem, plan: Plan) -> TransportFigures:
    """The :class:`TransportFigures` of ``plan`` on ``problem``."""
    kg_m = 0
    on_board: list[int] = []
    for route in plan.routes:
        matrix = problem.matrix_for(problem.vehicle_by_id[route.vehicle_id])
        for trip in route.trips:
            load = 0
            for stop, after in zip(trip.visits, (*trip.visits[1:], trip.unload), strict=True):
                load += problem.point_by_id[stop.point_id].visit_kg(stop.visit)
                if after is not None:
                    there = after.point_id if isinstance(after, VisitStop) else after.facility_id
                    kg_m += load * matrix.distance(stop.point_id, there)
            if trip.visits and trip.unload is not None:
                on_board.append(trip.unload.start_s - trip.visits[0].start_s)
    haul_kg_m = 0
    for haul in plan.hauls:
        matrix = problem.matrix_for(problem.vehicle_by_id[haul.vehicle_id])
        haul_kg_m += haul.kg * matrix.distance(haul.station_id, haul.destination_id)
    minutes = sorted(s / 60 for s in on_board)
    p95 = minutes[min(len(minutes) - 1, int(0.95 * len(minutes)))] if minutes else 0.0
    per_tkm = TONNE * KILOMETRE
    return TransportFigures(
        tonne_km=round((kg_m + haul_kg_m) / per_tkm, 2),
        haul_tonne_km=round(haul_kg_m / per_tkm, 2),
        on_board_min_mean=round(sum(minutes) / len(minutes), 1) if minutes else 0.0,
        on_board_min_p95=round(p95, 1),
        on_board_min_max=round(minutes[-1], 1) if minutes else 0.0,
    )
