"""The PyVRP adapter: one stream's routing as a multi-trip VRP with reload depots (HGS).

The only module that imports :mod:`pyvrp`. Locations: per depot a start and an end location,
then the dumps, then the jobs. HGS inserts reload depots only when a load forces it, so the way
home from a job is made to be the way through the best dump: its leg to an end location is the
drive to that dump, the tipping and the drive home, and the dump is put back into the trip when
the solution is read (CT4 by construction). Each slot is its own vehicle
type (its shift window, its profile's matrices, its capacity in kg and litres, its costs). Jobs are
optional with a prize far above any route cost: when the fleet is short the solver leaves out
what it cannot serve instead of failing. Costs are in milli-fen: metres × fen/km, seconds ×
fen/h ÷ 3.6.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pyvrp import Client, Depot, Location, ProblemData, Solution, VehicleType, solve
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, StoppingCriterion

from routing.solve.model import SlotRoute, SlotTrip, StreamProblem

FORBIDDEN = 10**9  # metres and seconds of a leg that must not be driven
PRIZE = 10**11  # milli-fen: serving a job is always worth more than the cheapest route to it


def _stop(time_limit_s: float, iterations: int | None) -> StoppingCriterion:
    runtime = MaxRuntime(max(0.05, time_limit_s))
    if iterations is None:
        return runtime
    return MultipleCriteria([runtime, MaxIterations(iterations)])


@dataclass(frozen=True, slots=True)
class Built:
    """A PyVRP instance, and per profile and job the dump its way home goes through."""

    data: ProblemData
    profiles: list[str]
    home_dump: dict[str, NDArray[np.int64]]


def build_data(sub: StreamProblem) -> Built:
    """The PyVRP instance of a stream problem."""
    depots = sorted({s.depot_id for s in sub.slots})
    loc_ids = [
        *depots,
        *depots,
        *(d.facility_id for d in sub.dumps),
        *(j.point_id for j in sub.jobs),
    ]
    n_depots, n_dumps = len(depots), len(sub.dumps)
    first_dump, first_job = 2 * n_depots, 2 * n_depots + n_dumps
    tipping = np.array([d.tipping_s for d in sub.dumps], dtype=np.int64)
    profiles = sorted({s.profile for s in sub.slots})
    distances: list[Any] = []  # PyVRP's stubs type matrices loosely
    durations: list[Any] = []
    home_dump: dict[str, NDArray[np.int64]] = {}
    for profile in profiles:
        matrix = sub.matrices[profile]
        index = np.array([matrix.index[i] for i in loc_ids], dtype=np.int64)
        dist = np.minimum(matrix.distance_m[np.ix_(index, index)].astype(np.int64), FORBIDDEN)
        time = np.minimum(matrix.time_s[np.ix_(index, index)].astype(np.int64), FORBIDDEN)
        jobs, dumps = slice(first_job, None), slice(first_dump, first_job)
        # Job → dump → depot k, through the dump that gets the truck home soonest.
        via = time[jobs, dumps][:, :, None] + tipping[None, :, None] + time[dumps, :n_depots][None]
        best = via.argmin(axis=1)  # (jobs, depots)
        home_dump[profile] = best
        rows = np.arange(len(sub.jobs))[:, None]
        cols = np.arange(n_depots)[None, :]
        time[jobs, n_depots:first_dump] = via[rows, best, cols]
        dist[jobs, n_depots:first_dump] = (
            dist[jobs, dumps][rows, best] + dist[dumps, :n_depots][best, cols]
        )
        size = max(s.size for s in sub.slots if s.profile == profile)
        too_big = [first_job + k for k, job in enumerate(sub.jobs) if job.max_size < size]
        for array in (dist, time):
            array[too_big, :] = FORBIDDEN
            array[:, too_big] = FORBIDDEN
            np.fill_diagonal(array, 0)
            np.minimum(array, FORBIDDEN, out=array)
        distances.append(dist)
        durations.append(time)
    locations = [Location(0, 0) for _ in loc_ids]
    pv_depots = [Depot(i) for i in range(2 * n_depots)]
    pv_depots += [
        Depot(2 * n_depots + k, tw_early=d.open_s, tw_late=d.close_s, service_duration=d.tipping_s)
        for k, d in enumerate(sub.dumps)
    ]
    clients = [
        Client(
            location=first_job + k,
            pickup=[job.kg, job.litres],
            service_duration=job.service_s,
            tw_early=job.tw_start,
            tw_late=job.tw_end,
            prize=PRIZE,
            required=False,
        )
        for k, job in enumerate(sub.jobs)
    ]
    reloads = list(range(2 * n_depots, 2 * n_depots + n_dumps))
    vehicle_types = [
        VehicleType(
            num_available=1,
            capacity=[slot.capacity_kg, slot.capacity_l],
            start_depot=depots.index(slot.depot_id),
            end_depot=n_depots + depots.index(slot.depot_id),
            tw_early=slot.start_s,
            tw_late=slot.end_s,
            unit_distance_cost=slot.cost_per_km_fen,
            unit_duration_cost=max(1, round(slot.cost_per_hour_fen / 3.6)),
            profile=profiles.index(slot.profile),
            reload_depots=reloads,
            name=f"{slot.vehicle_id}/{slot.shift_id}",
        )
        for slot in sub.slots
    ]
    data = ProblemData(locations, clients, pv_depots, vehicle_types, distances, durations)
    return Built(data, profiles, home_dump)


def _to_routes(sub: StreamProblem, built: Built, solution: Solution) -> list[SlotRoute]:
    depots = sorted({s.depot_id for s in sub.slots})
    n_depots = len(depots)
    routes: list[SlotRoute] = []
    for route in solution.routes():
        if not route.is_feasible():
            continue  # its visits stay unserved rather than break a rule
        slot = sub.slots[int(route.vehicle_type())]
        trips: list[SlotTrip] = []
        jobs: list[int] = []
        for activity in route.schedule():
            if activity.is_client():
                jobs.append(int(activity.idx))
            elif activity.is_depot() and activity.idx >= 2 * n_depots:
                if jobs:
                    trips.append(SlotTrip(tuple(jobs), int(activity.idx) - 2 * n_depots))
                jobs = []
        if jobs:  # the way home goes through the dump chosen for it
            home = depots.index(slot.depot_id)
            dump = int(built.home_dump[slot.profile][jobs[-1], home])
            trips.append(SlotTrip(tuple(jobs), dump))
        if trips:
            routes.append(
                SlotRoute(int(route.vehicle_type()), int(route.start_time()), tuple(trips))
            )
    return routes


def solve_stream(
    sub: StreamProblem,
    *,
    time_limit_s: float,
    seed: int,
    max_iterations: int | None = None,
) -> list[SlotRoute]:
    """Routes for one stream problem by PyVRP's hybrid genetic search."""
    if not sub.jobs or not sub.slots or not sub.dumps:
        return []
    built = build_data(sub)
    result = solve(built.data, stop=_stop(time_limit_s, max_iterations), seed=seed, display=False)
    return _to_routes(sub, built, result.best)
