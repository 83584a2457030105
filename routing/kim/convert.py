"""A Kim instance as the product's :class:`~routing.problem.Problem`, and a plan back as a Kim
solution: the benchmark is planned by :func:`routing.solve.solve`, the dispatcher's optimiser.

Units. The product's ``kg`` carry Kim's yards × 100 (hundredths of a yard, integers): loads are
rounded up and capacities down, so that a plan within the product's limits is within Kim's.
Litres are not used: every stop loads 0 l into a body of :data:`NO_LIMIT_L`.

Travel is one matrix given explicitly (method ``"given"``) over every site: metres = Manhattan
feet × 0.3048, rounded; seconds = Manhattan feet at the file's speed, rounded **up**, as are
service and unloading seconds (the files' are whole already). The Kim judge recomputes exact
float times from the depot's opening; with every leg and service at least as long in the matrix,
each of the judge's times is at most the plan's, so a plan on time by the product's clock is on
time by the judge's (waiting absorbs the difference), and its lunch starts no later.

Sites. Stops are collection points of one stream (residual), one visit a day, their window the
start of service, zero-load stops included (Kim requires them visited). Disposal sites are
landfills with the file's hours, the service as tipping time, no daily capacity. The depot's
window is the day's one shift; each vehicle has its own crew, whose lunch of the file's seconds
starts between 11:00 and 12:00 (``Crew.break_window``) when the route is still out after 12:00.

Costs. Distance only (``cost_per_hour_fen`` 0; the solvers keep 1 milli-fen a second, a rounding
beside ``COST_PER_KM_FEN`` milli-fen a metre) plus a fixed cost per working vehicle of driving
across the whole area and back :data:`FIXED_AREA_TRIPS` times: fewer vehicles first, then miles,
as the benchmark ranks solutions. The daily yards and stops are the vehicle type's ``daily_kg``
and ``daily_stops``.

Locations are for display only: feet are mapped linearly onto degrees near (0, 0).
"""

from __future__ import annotations

import math

import numpy as np

from routing.domain import (
    WHOLE_DAY,
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
from routing.fleet import Crew, RuleParameters, Shift, StreamRule, Vehicle, VehicleType
from routing.kim.reader import KimInstance, SiteType
from routing.kim.solution import KimRoute, KimSolution
from routing.kim.travel import vehicle_bounds
from routing.plan import Plan, Route, Unload
from routing.problem import Problem
from routing.travel import TravelMatrix
from routing.units import DAY, HOUR

YARD = 100  # the product's kg per Kim yard: hundredths of a yard
METRES_PER_FOOT = 0.3048
FEET_PER_DEGREE = 364_000  # about a degree of latitude; locations are for display only
STREAM = WasteStream.RESIDUAL
PROFILE = "kim"
VEHICLE_TYPE = "kim-truck"
NO_LIMIT_L = 10**9  # litres: no stop loads any
NO_LIMIT_KG = 10**12  # a disposal site's day: unlimited
# CT5 (waste on board) is no Kim rule: no trip lasts a day, and ten days stay above even the
# optimiser's estimates of a trip's time on board (nearest legs × a factor).
NO_ON_BOARD_LIMIT_S = 10 * DAY
COST_PER_KM_FEN = 1000  # milli-fen a metre: a second (1 milli-fen at least) weighs a millimetre
FIXED_AREA_TRIPS = 10
LUNCH = TimeWindow(11 * HOUR, 12 * HOUR)


def site_id(instance: KimInstance, row: int) -> str:
    """The product's id of the site at row position ``row``."""
    kind = instance.sites[row].kind
    prefix = {SiteType.DEPOT: "depot", SiteType.STOP: "stop", SiteType.DISPOSAL: "disposal"}
    return f"{prefix[kind]}-{row}"


def hundredths(yards: float, *, up: bool) -> int:
    """``yards`` in hundredths of a yard, rounded up (loads) or down (limits), float noise
    aside (0.29 yd is 29, not 28 or 30)."""
    value = yards * YARD
    return math.ceil(value - 1e-6) if up else math.floor(value + 1e-6)


def kim_feet(instance: KimInstance) -> np.ndarray:
    """Manhattan feet between every two rows, as the judge computes them."""
    xs = np.array([s.x_ft for s in instance.sites], dtype=float)
    ys = np.array([s.y_ft for s in instance.sites], dtype=float)
    feet: np.ndarray = np.abs(xs[:, None] - xs[None, :]) + np.abs(ys[:, None] - ys[None, :])
    return feet


def kim_matrix(instance: KimInstance) -> TravelMatrix:
    """The given matrix over every row: metres rounded, seconds rounded up (see the module)."""
    feet = kim_feet(instance)
    feet_per_s = instance.speed_mph * 5280 / 3600  # as the judge computes it
    metres = np.rint(feet * METRES_PER_FOOT).astype(np.int64)
    seconds = np.ceil(feet / feet_per_s).astype(np.int64)
    ids = tuple(site_id(instance, row) for row in range(len(instance.sites)))
    return TravelMatrix(PROFILE, ids, metres, seconds, method="given")


def _locations(instance: KimInstance) -> list[Location]:
    """Feet mapped linearly onto degrees from (0, 0), shrunk if the area would not fit."""
    xs = [s.x_ft for s in instance.sites]
    ys = [s.y_ft for s in instance.sites]
    x0, y0 = min(xs), min(ys)
    scale = max(FEET_PER_DEGREE, max(max(xs) - x0, max(ys) - y0) / 80)
    return [Location((x - x0) / scale, (y - y0) / scale) for x, y in zip(xs, ys, strict=True)]


def _window(early_s: int, late_s: int) -> TimeWindow:
    return TimeWindow(min(early_s, DAY), min(late_s, DAY))


def _fixed_cost_fen(instance: KimInstance) -> int:
    """A vehicle's fixed cost: driving across the area and back ``FIXED_AREA_TRIPS`` times."""
    xs = [s.x_ft for s in instance.sites]
    ys = [s.y_ft for s in instance.sites]
    across_m = (max(xs) - min(xs) + max(ys) - min(ys)) * METRES_PER_FOOT
    return max(1, math.ceil(FIXED_AREA_TRIPS * 2 * across_m / 1000 * COST_PER_KM_FEN))


def default_fleet(instance: KimInstance) -> int:
    """Vehicles offered when none are asked for: twice the largest lower bound and two more,
    never more than the stops (:func:`routing.kim.travel.vehicle_bounds`)."""
    bound = max(vehicle_bounds(instance).values())
    return max(1, min(len(instance.stops), 2 * bound + 2))


def kim_problem(instance: KimInstance, *, fleet: int | None = None) -> Problem:
    """The product's problem for a Kim instance (see the module for the conversion).

    Parameters
    ----------
    instance
        The instance read from its file.
    fleet
        Vehicles offered; :func:`default_fleet` when None. The plan uses as few as it can
        (each has a fixed cost).

    Note: the product's ``kg`` carry Kim's yards × 100 (hundredths of a yard).

    Raises
    ------
    ValueError
        ``fleet`` is below 1.
    """
    if fleet is not None and fleet < 1:
        raise ValueError(f"fleet must be at least 1, got {fleet}")
    sites = instance.sites
    where = _locations(instance)
    depot_row = instance.depot
    depot_site = sites[depot_row]
    points = tuple(
        CollectionPoint(
            id=site_id(instance, row),
            location=where[row],
            stream=STREAM,
            kg_per_day=hundredths(sites[row].load_yd, up=True),
            litres_per_day=0,
            service_s=math.ceil(sites[row].service_s),
            time_windows=(_window(sites[row].early_s, sites[row].late_s),),
            name=sites[row].label,
        )
        for row in instance.stops
    )
    facilities = tuple(
        Facility(
            id=site_id(instance, row),
            kind=FacilityKind.LANDFILL,
            location=where[row],
            accepts=frozenset({STREAM}),
            opening=(_window(sites[row].early_s, sites[row].late_s),),
            tipping_s=math.ceil(sites[row].service_s),
            daily_capacity_kg=NO_LIMIT_KG,
            name=sites[row].label,
        )
        for row in instance.disposals
    )
    depot = Depot(site_id(instance, depot_row), where[depot_row], name=depot_site.label)
    truck = VehicleType(
        id=VEHICLE_TYPE,
        body=BodyType.COMPACTOR,
        sealed=True,
        capacity_kg=hundredths(instance.capacity_yd, up=False),
        capacity_l=NO_LIMIT_L,
        size_class=SizeClass.LARGE,
        cost_per_km_fen=COST_PER_KM_FEN,
        cost_per_hour_fen=0,
        fuel_ml_per_km=0,
        profile=PROFILE,
        fixed_cost_fen=_fixed_cost_fen(instance),
        daily_kg=hundredths(instance.daily_yd, up=False),
        daily_stops=instance.daily_stops,
    )
    count = default_fleet(instance) if fleet is None else fleet
    width = len(str(count))
    vehicles = tuple(
        Vehicle(f"truck-{n:0{width}d}", VEHICLE_TYPE, depot.id) for n in range(1, count + 1)
    )
    day = _window(depot_site.early_s, depot_site.late_s)
    crews = tuple(
        Crew(
            id=f"crew-{n:0{width}d}",
            max_work_s=max(1, day.duration_s),
            break_s=instance.lunch_s,
            available=WHOLE_DAY,
            break_window=LUNCH,
        )
        for n in range(1, count + 1)
    )
    rules = RuleParameters(
        on_board_limit_s=NO_ON_BOARD_LIMIT_S,
        handover_s=0,
        stream_rules=(StreamRule(STREAM, frozenset({BodyType.COMPACTOR}), sealed=True),),
    )
    return Problem(
        name=instance.name,
        points=points,
        depots=(depot,),
        facilities=facilities,
        vehicle_types=(truck,),
        vehicles=vehicles,
        crews=crews,
        shifts=(Shift("day", day.start_s, day.end_s),),
        travel={PROFILE: kim_matrix(instance)},
        rules=rules,
    )


def _lunch_after(route: Route) -> int | None:
    """Index in the Kim stops (the depot is 0) of the stop after whose service the route's
    break starts: the last stop left by then; None without a break, or with the break taken
    at the depot before the first stop (Kim has no such place: the judge then says KIM-LUNCH)."""
    if not route.breaks:
        return None
    start = route.breaks[0].start_s
    left = [n for n, stop in enumerate(route.stops(), start=1) if stop.departure_s <= start]
    return left[-1] if left else None


def kim_solution(instance: KimInstance, problem: Problem, plan: Plan) -> KimSolution:
    """The Kim solution of a plan for ``kim_problem(instance)``: per route its rows (the depot,
    every visit and unloading in order, the depot) and where its lunch is taken.

    Unserved visits are left out as they are: the judge reports them (KIM-ALL).

    Raises
    ------
    ValueError
        A route names a place that is not one of ``instance``'s sites in ``problem``.
    """
    row_of = {site_id(instance, row): row for row in range(len(instance.sites))}
    depot = instance.depot
    routes: list[KimRoute] = []
    for route in sorted(plan.routes, key=lambda r: (r.vehicle_id, r.start_s)):
        rows = [depot]
        for stop in route.stops():
            place = stop.facility_id if isinstance(stop, Unload) else stop.point_id
            if place not in row_of or place not in problem.locations:
                raise ValueError(f"route of {route.vehicle_id} visits {place!r}, not a Kim site")
            rows.append(row_of[place])
        if len(rows) == 1:
            continue
        rows.append(depot)
        routes.append(KimRoute(tuple(rows), _lunch_after(route)))
    return KimSolution(instance.name, tuple(routes))
