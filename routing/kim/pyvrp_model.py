"""The Kim, Kim & Sahoo (2006) instances as PyVRP models: the benchmark's own adapter to PyVRP.

STYLE.md rule 4 keeps each solver library behind one adapter module; this is the one exception,
and it is a second adapter rather than a second caller. The project's model
(:mod:`routing.solve.pyvrp_adapter`) routes one waste stream of a district-day; a Kim instance is
another problem (one depot, disposal facilities as reload depots, loads in yards, daily caps),
so its model shares nothing with the project's but the stopping rule, which it takes from that
adapter. Nothing else imports this module's PyVRP objects: :func:`solve_kim` returns plain row
positions, which :mod:`routing.kim.solve` turns into a :class:`~routing.kim.solution.KimSolution`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from pyvrp import Client, Depot, Location, ProblemData, Solution, VehicleType, solve

from routing.kim.reader import KimInstance
from routing.solve.pyvrp_adapter import stop_criterion
from routing.solve.stop import Stop

KIM_VEHICLE_COST = 10**7  # feet (1,894 mi): one vehicle fewer is worth more than any detour
KIM_YD = 100  # loads in hundredths of a yard


@dataclass(frozen=True, slots=True)
class KimLimits:
    """How a Kim instance's limits are put to PyVRP.

    PyVRP empties every load dimension at a reload, so a day's total cannot be a load dimension.
    Instead each vehicle makes at most ``trips`` trips of at most ``trip_yd`` hundredths of a yard
    and ``trip_stops`` stops, with ``trips × trip_yd`` within the daily yards and ``trips ×
    trip_stops`` within the daily stops: every solution PyVRP returns keeps the daily caps, at the
    price of a per-trip load below the body's capacity (trips are merged back afterwards).
    ``reserve_s`` is kept free before the depot closes for the lunch inserted afterwards.
    """

    trips: int | None  # None: unlimited (the relaxed model)
    trip_yd: int
    trip_stops: int | None
    reserve_s: int

    @classmethod
    def of(cls, instance: KimInstance, *, relaxed: bool = False) -> KimLimits:
        """The sound limits of ``instance``, or with ``relaxed`` only the per-trip capacity."""
        capacity = round(instance.capacity_yd * KIM_YD)
        if relaxed:
            return cls(None, capacity, None, 0)
        daily = round(instance.daily_yd * KIM_YD)
        trips = max(1, -(-daily // capacity))
        return cls(
            trips, min(capacity, daily // trips), instance.daily_stops // trips, instance.lunch_s
        )


def _kim_data(instance: KimInstance, limits: KimLimits, fleet: int) -> ProblemData:
    """Locations: the depot, each disposal as a reload depot, each again as an end depot, the stops.

    A route ends at a disposal facility (its end depot) whose window is cut so that the unloading,
    the drive home and the lunch reserve fit before the depot closes; the drive home is in the
    vehicle's fixed cost, so the distance PyVRP minimises is the whole day's. The ``fleet`` is
    shared out over the vehicle types (one per disposal facility a day can end at).
    """
    sites = instance.sites
    order = [instance.depot, *instance.disposals, *instance.disposals, *instance.stops]
    xs = np.array([sites[i].x_ft for i in order])
    ys = np.array([sites[i].y_ft for i in order])
    feet = np.abs(xs[:, None] - xs[None, :]) + np.abs(ys[:, None] - ys[None, :])
    seconds = np.ceil(feet / 5280 / instance.speed_mph * 3600).astype(np.int64)
    distance = np.rint(feet).astype(np.int64)
    depots = _kim_depots(instance, limits, seconds)
    types = _kim_vehicle_types(instance, limits, fleet, distance)
    clients = _kim_clients(instance, limits)
    locations = [Location(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]
    return ProblemData(locations, clients, depots, types, [distance], [seconds])


def _kim_depots(
    instance: KimInstance, limits: KimLimits, seconds: NDArray[np.int64]
) -> list[Depot]:
    """The depot, each disposal facility as a reload depot, then each again as an end depot.

    An end depot's window closes in time for the unloading, the drive home (``seconds`` from
    location ``1 + n`` to the depot) and the lunch reserve before the depot closes.
    """
    sites = instance.sites
    home = sites[instance.depot]
    depots = [Depot(0, tw_early=home.early_s, tw_late=home.late_s)]
    for i in instance.disposals:
        depots.append(
            Depot(
                len(depots),
                tw_early=sites[i].early_s,
                tw_late=sites[i].late_s,
                service_duration=sites[i].service_s,
            )
        )
    for n, i in enumerate(instance.disposals):
        drive_home = int(seconds[1 + n, 0])
        late = min(
            sites[i].late_s, home.late_s - limits.reserve_s - sites[i].service_s - drive_home
        )
        depots.append(
            Depot(len(depots), tw_early=sites[i].early_s, tw_late=max(sites[i].early_s, late))
        )
    return depots


def _kim_vehicle_types(
    instance: KimInstance, limits: KimLimits, fleet: int, distance: NDArray[np.int64]
) -> list[VehicleType]:
    """One vehicle type per disposal facility a day ends at, the ``fleet`` shared out over them.

    The drive home from the end depot (``distance`` from location ``1 + n``) is in the fixed cost.
    """
    home = instance.sites[instance.depot]
    m = len(instance.disposals)
    capacity = (
        [limits.trip_yd] if limits.trip_stops is None else [limits.trip_yd, limits.trip_stops]
    )
    types = []
    for n, i in enumerate(instance.disposals):
        types.append(
            VehicleType(
                num_available=max(1, fleet // m + (n < fleet % m)),
                capacity=capacity,
                start_depot=0,
                end_depot=1 + m + n,
                fixed_cost=KIM_VEHICLE_COST + int(distance[1 + n, 0]),
                tw_early=home.early_s,
                tw_late=home.late_s,
                reload_depots=list(range(1, 1 + m)),
                max_reloads=(limits.trips - 1)
                if limits.trips is not None
                else np.iinfo(np.int64).max,
                name=f"ends at row {i}",
            )
        )
    return types


def _kim_clients(instance: KimInstance, limits: KimLimits) -> list[Client]:
    """The regular stops, after the depots; with a per-trip stop limit each also counts one stop."""
    sites = instance.sites
    first = 1 + 2 * len(instance.disposals)
    clients: list[Client] = []
    for i in instance.stops:
        load = round(sites[i].load_yd * KIM_YD)
        clients.append(
            Client(
                first + len(clients),
                pickup=[load] if limits.trip_stops is None else [load, 1],
                service_duration=sites[i].service_s,
                tw_early=sites[i].early_s,
                tw_late=sites[i].late_s,
            )
        )
    return clients


def _kim_routes(instance: KimInstance, solution: Solution) -> list[list[int]]:
    """PyVRP's routes in row positions: depot, stops and unloadings, the last disposal, depot."""
    m = len(instance.disposals)
    stops, disposals = instance.stops, instance.disposals
    routes: list[list[int]] = []
    for route in solution.routes():
        path = [instance.depot]
        for activity in route.schedule():
            idx = int(activity.idx)
            if activity.is_client():
                path.append(stops[idx])
            elif activity.is_depot() and 1 <= idx <= m:
                path.append(disposals[idx - 1])
            elif activity.is_depot() and idx > m:
                path += [disposals[idx - 1 - m], instance.depot]
        routes.append(path)
    return routes


def solve_kim(
    instance: KimInstance,
    *,
    time_limit_s: float,
    seed: int,
    relaxed: bool = False,
    max_iterations: int | None = None,
    rounds: int = 3,
) -> tuple[list[list[int]], bool]:
    """Routes of a Kim instance by PyVRP's hybrid genetic search, in row positions.

    Each route starts and ends at the depot and unloads at a disposal facility before going home;
    no lunch is in the routes (the caller inserts it into the reserve kept for it). Returns the
    routes and PyVRP's own feasibility verdict. ``relaxed``: no daily caps and no lunch reserve,
    only what PyVRP models natively (the benchmark's reference).

    HGS cuts vehicles poorly through a fixed cost alone, and searches better in a small fleet: the
    time is split into ``rounds`` searches, the first with a quarter more vehicles than the lower
    bound (daily yards), each next one with one vehicle fewer than the best feasible day so far
    (half as many again after an infeasible round). The best feasible day (fewest vehicles, then
    distance) is kept. The relaxed model starts from the same fleet and may go below the bound.
    """
    limits = KimLimits.of(instance, relaxed=relaxed)
    lower = max(1, int(-(-instance.total_yd // instance.daily_yd)))
    floor = 1 if relaxed else lower  # the relaxed model starts where the full one does
    fleet = min(len(instance.stops), -(-5 * lower // 4) + 1)
    best: tuple[int, int, Solution] | None = None
    fallback: Solution | None = None
    for r in range(max(1, rounds)):
        data = _kim_data(instance, limits, fleet)
        stop = stop_criterion(Stop(time_limit_s / rounds, max_iterations))
        # a round on the same fleet as before must not repeat the same search
        result = solve(data, stop=stop, seed=seed + r, display=False)
        found = result.best
        fallback = found
        if found.is_feasible():
            key = (int(found.num_routes()), int(found.distance() + found.fixed_vehicle_cost()))
            if best is None or key < best[:2]:
                best = (*key, found)
            fleet = max(floor, key[0] - 1)
        else:
            fleet = min(len(instance.stops), -(-3 * fleet // 2))
    chosen = best[2] if best is not None else fallback
    assert chosen is not None
    return _kim_routes(instance, chosen), best is not None
