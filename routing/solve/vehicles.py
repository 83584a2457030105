"""Fewest vehicles for the same routes: a plan's routes handed to as few trucks as they allow.

The searches see a vehicle's shifts as separate vehicle-shifts, and which truck of a kind works
which route is left to chance: a box truck's morning and evening routes may go to two trucks that
each work one shift. Trucks of one type at one depot are interchangeable, so the routes of each
such fleet are dealt out again, earliest start first, each to a truck already out that is free by
then (one route a shift, the handover after its last route, its type's daily limits kept) — the
one that came back last — else to the next idle truck: interval partitioning, which needs no more
trucks than the most routes of the fleet under way at once. Routes stay as they are, crews too;
a truck that hauls from a transfer station keeps its routes.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from routing.engine.clock import within_day
from routing.plan import Plan, Route
from routing.problem import Problem


def fewest_vehicles(problem: Problem, plan: Plan) -> Plan:
    """``plan`` with its routes on as few vehicles as they allow (see the module); ``plan``
    itself when that saves none."""
    hauling = {h.vehicle_id for h in plan.hauls}
    fleets: dict[tuple[str, str], list[int]] = defaultdict(list)
    for k, route in enumerate(plan.routes):
        vehicle = problem.vehicle_by_id[route.vehicle_id]
        if route.vehicle_id not in hauling:
            fleets[(vehicle.type_id, vehicle.depot_id)].append(k)
    handed: dict[int, str] = {}
    for (type_id, depot_id), routes in fleets.items():
        trucks = sorted(
            v.id
            for v in problem.vehicles
            if v.type_id == type_id and v.depot_id == depot_id and v.id not in hauling
        )
        dealt = _deal(problem, type_id, {k: plan.routes[k] for k in routes}, trucks)
        before = {plan.routes[k].vehicle_id for k in routes}
        if dealt is not None and len(set(dealt.values())) < len(before):
            handed.update(dealt)
    if not handed:
        return plan
    return dataclasses.replace(
        plan,
        routes=tuple(
            dataclasses.replace(r, vehicle_id=handed[k]) if k in handed else r
            for k, r in enumerate(plan.routes)
        ),
    )


def _deal(
    problem: Problem, type_id: str, routes: dict[int, Route], trucks: list[str]
) -> dict[int, str] | None:
    """Each route's truck (by the route's number in the plan), or None if the trucks do not
    suffice."""
    vtype = problem.vehicle_type_by_id[type_id]
    handover_s = problem.rules.handover_s
    back: dict[str, int] = {}  # when each truck out is ready again
    shifts: dict[str, set[str]] = defaultdict(set)
    totals: dict[str, tuple[int, int, int]] = {}
    idle = list(trucks)
    dealt: dict[int, str] = {}
    for k, route in sorted(routes.items(), key=lambda kr: (kr[1].start_s, kr[1].end_s, kr[0])):
        kg, litres, visits = problem.visit_amounts(
            (stop.point_id, stop.visit) for trip in route.trips for stop in trip.visits
        )

        out = []
        for truck, ready in back.items():
            had = totals[truck]
            if (
                ready <= route.start_s
                and route.shift_id not in shifts[truck]
                and within_day(vtype, had[0] + kg, had[1] + litres, had[2] + visits)
            ):
                out.append(truck)
        if out:
            truck = max(out, key=lambda t: (back[t], t))
        elif idle:
            truck = idle.pop(0)
        else:
            return None
        back[truck] = route.end_s + handover_s
        shifts[truck].add(route.shift_id)
        had = totals.get(truck, (0, 0, 0))
        totals[truck] = (had[0] + kg, had[1] + litres, had[2] + visits)
        dealt[k] = truck
    return dealt
