"""A PVRP-IF instance as the product's collection calendar, and a calendar plan back as a
PVRP-IF solution: the benchmark is planned by :func:`routing.calendar.plan_calendar`, the
planner's code path, whose days are routed by :func:`routing.solve.solve`.

Units. The file's time unit is taken as a minute: seconds = units × 60, exact. Distances carry
the same numbers as kilometres (metres = units × 1000), and a vehicle costs only by distance, so
the plan's routing cost is the benchmark's (the sum of travel times) times a constant; service is
not costed, as in the benchmark.

Sites. Customers are residual-waste points (``c<index>``), their demand collected at each visit
(``kg_per_visit``), their service the file's; intermediate facilities are landfills open all day
with no tipping time (``f<index>``); the depot is ``d<index>``. Every route starts and ends there
and unloads before coming home (CT4), as the benchmark requires.

Fleet. ``numVehicles`` trucks of ``maxCapacity`` kg, each with its crew, whose work and the day's
one shift last ``maxDuration`` (a route within the shift is within the benchmark's duration); no
fixed cost per vehicle and no breaks. Visit rules: ``frequency`` visits in the horizon, evenly
spaced (:func:`routing.calendar.model.even_patterns` is the benchmark's pattern rule).
"""

from __future__ import annotations

import numpy as np

from routing.calendar.model import CalendarProblem, VisitRule
from routing.calendar.plan import CalendarPlan
from routing.domain import (
    WHOLE_DAY,
    BodyType,
    CollectionPoint,
    Depot,
    Facility,
    FacilityKind,
    Location,
    SizeClass,
    WasteStream,
)
from routing.fleet import Crew, RuleParameters, Shift, StreamRule, Vehicle, VehicleType
from routing.plan import Unload
from routing.problem import Problem
from routing.pvrpif.reader import PvrpifInstance
from routing.pvrpif.solution import PvrpifSolution
from routing.travel import TravelMatrix
from routing.units import DAY, HOUR

UNIT_S = 60  # seconds per time unit of the file
UNIT_M = 1000  # metres the product carries per time unit (distance stands for time)
STREAM = WasteStream.RESIDUAL
PROFILE = "pvrpif"
VEHICLE_TYPE = "pvrpif-truck"
SHIFT_START_S = 6 * HOUR
NO_LIMIT_L = 10**9
NO_LIMIT_KG = 10**12
COST_PER_KM_FEN = 1000


def node_id(instance: PvrpifInstance, index: int) -> str:
    """The product's id of node ``index``."""
    if index == instance.depot:
        return f"d{index}"
    if index in instance.facilities:
        return f"f{index}"
    return f"c{index}"


def pvrpif_matrix(instance: PvrpifInstance) -> TravelMatrix:
    """The given matrix over every node (see the module for the units)."""
    units = np.array(instance.duration, dtype=np.int64)
    ids = tuple(node_id(instance, i) for i in range(len(instance.duration)))
    return TravelMatrix(PROFILE, ids, units * UNIT_M, units * UNIT_S, method="given")


def pvrpif_problem(instance: PvrpifInstance) -> CalendarProblem:
    """The product's calendar for a PVRP-IF instance (see the module)."""
    where = [Location(lon, lat) for lon, lat in instance.coordinates]
    points = tuple(
        CollectionPoint(
            id=node_id(instance, c.index),
            location=where[c.index],
            stream=STREAM,
            kg_per_day=c.demand,
            litres_per_day=0,
            service_s=c.service * UNIT_S,
        )
        for c in instance.customers
    )
    facilities = tuple(
        Facility(
            id=node_id(instance, i),
            kind=FacilityKind.LANDFILL,
            location=where[i],
            accepts=frozenset({STREAM}),
            opening=(WHOLE_DAY,),
            tipping_s=0,
            daily_capacity_kg=NO_LIMIT_KG,
        )
        for i in instance.facilities
    )
    depot = Depot(node_id(instance, instance.depot), where[instance.depot])
    truck = VehicleType(
        id=VEHICLE_TYPE,
        body=BodyType.COMPACTOR,
        sealed=True,
        capacity_kg=instance.max_capacity,
        capacity_l=NO_LIMIT_L,
        size_class=SizeClass.LARGE,
        cost_per_km_fen=COST_PER_KM_FEN,
        cost_per_hour_fen=0,
        fuel_ml_per_km=0,
        profile=PROFILE,
    )
    count = instance.vehicles_per_day
    width = len(str(count))
    duration_s = instance.max_duration * UNIT_S
    vehicles = tuple(
        Vehicle(f"truck-{n:0{width}d}", VEHICLE_TYPE, depot.id) for n in range(1, count + 1)
    )
    crews = tuple(
        Crew(id=f"crew-{n:0{width}d}", max_work_s=duration_s, break_s=0, break_after_s=DAY)
        for n in range(1, count + 1)
    )
    base = Problem(
        name=instance.name,
        points=points,
        depots=(depot,),
        facilities=facilities,
        vehicle_types=(truck,),
        vehicles=vehicles,
        crews=crews,
        shifts=(Shift("day", SHIFT_START_S, SHIFT_START_S + duration_s),),
        travel={PROFILE: pvrpif_matrix(instance)},
        rules=RuleParameters(
            on_board_limit_s=DAY,
            handover_s=0,
            stream_rules=(StreamRule(STREAM, frozenset({BodyType.COMPACTOR}), sealed=True),),
        ),
    )
    rules = tuple(
        VisitRule(node_id(instance, c.index), c.frequency, kg_per_visit=c.demand)
        for c in instance.customers
    )
    return CalendarProblem(instance.name, base, instance.horizon_days, rules)


def pvrpif_solution(instance: PvrpifInstance, plan: CalendarPlan) -> PvrpifSolution:
    """The PVRP-IF solution of a calendar plan: per day, each route's nodes from the depot,
    through every visit and unloading, back to the depot. Unserved visits are left out (the
    judge then reports the pattern broken)."""
    index = {node_id(instance, i): i for i in range(len(instance.duration))}
    days = []
    for day in plan.days:
        routes = []
        for route in sorted(day.routes, key=lambda r: r.vehicle_id):
            nodes = [instance.depot]
            for stop in route.stops():
                nodes.append(index[stop.facility_id if isinstance(stop, Unload) else stop.point_id])
            if len(nodes) > 1:
                routes.append((*nodes, instance.depot))
        days.append(tuple(routes))
    return PvrpifSolution(instance.name, tuple(days))
