"""The PyVRP adapter: one stream's routing as a multi-trip VRP with reload depots (HGS).

The only module that imports :mod:`pyvrp` (the Kim benchmark plans through the product's
optimiser too, :mod:`routing.kim.convert`). Locations: per depot a start and an end location,
then the dumps, then the jobs. HGS inserts reload depots only when a load forces it, so the way
home from a job is made to be the way through the best dump: its leg to an end location is the
drive to that dump, the tipping and the drive home, and the dump is put back into the trip when
the solution is read (CT4 by construction). Each slot is its own vehicle
type (its shift window, its profile's matrices, its capacity in kg and litres, its costs). Jobs are
optional with a prize of a few times the cost of serving them alone: when the fleet is short the
solver leaves out what it cannot serve instead of failing. A third load dimension holds each visit's estimated
seconds on board, its capacity the on-board limit (CT5, approximately: timing checks exactly). Costs are in milli-fen: metres × fen/km, seconds ×
fen/h ÷ 3.6.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pyvrp import (
    Client,
    ClientGroup,
    Depot,
    Location,
    PenaltyParams,
    ProblemData,
    RandomNumberGenerator,
    Result,
    Route,
    Solution,
    VehicleType,
    solve,
)
from pyvrp import SolveParams as PyVRPParams
from pyvrp._pyvrp import Activity, ActivityType
from pyvrp.PenaltyManager import PenaltyManager
from pyvrp.search import OPERATORS, LocalSearch, compute_neighbours
from pyvrp.stop import MaxIterations, MultipleCriteria, StoppingCriterion

from routing.fleet import milli_fen_per_s
from routing.params import SolveParams
from routing.solve.model import SlotRoute, SlotTrip, StreamProblem
from routing.solve.stop import Stop

FORBIDDEN = 10**7  # metres and seconds of a leg that must not be driven (115 days)


class _Deadline:
    """A stopping criterion whose clock starts when it is made, not at its first call as
    PyVRP's ``MaxRuntime`` does: PyVRP calls it only once its starting solution is made and
    searched exhaustively, seconds on a few thousand visits (Huangdao's sectors: the searches
    ran 3.2 s past their share and took it from the repairs after them)."""

    def __init__(self, seconds: float) -> None:
        self._end = time.perf_counter() + seconds

    def __call__(self, best_cost: int) -> bool:
        return time.perf_counter() > self._end


def stop_criterion(stop: Stop) -> StoppingCriterion:
    """PyVRP's stopping criterion for ``stop``: its time limit from now, and its iterations if
    any.

    The search ends at whichever comes first; an iteration budget makes it deterministic for a
    seed (the clock alone depends on the machine's speed).
    """
    runtime = _Deadline(max(0.05, stop.time_limit_s))
    if stop.iterations is None:
        return runtime
    return MultipleCriteria([runtime, MaxIterations(stop.iterations)])


class _Ticking:
    """A stopping criterion that also calls ``tick`` at each of the search's iterations (PyVRP
    asks its criterion once per iteration): the caller's progress, without changing the search."""

    def __init__(self, stop: StoppingCriterion, tick: Callable[[], None]) -> None:
        self._stop = stop
        self._tick = tick

    def __call__(self, best_cost: int) -> bool:
        self._tick()
        return self._stop(best_cost)


@dataclass(frozen=True, slots=True)
class Built:
    """A PyVRP instance, and per profile and job the dump its way home goes through."""

    data: ProblemData
    profiles: list[str]
    home_dump: dict[str, NDArray[np.int64]]
    type_slots: list[list[int]]  # per vehicle type, the slots it stands for


def build_data(
    sub: StreamProblem, *, plain: bool = False, params: SolveParams | None = None
) -> Built:
    """The PyVRP instance of a stream problem.

    ``plain``: PyVRP as it is, for comparison: every job required, no way home through a dump.
    ``params``: the prizes' factor and floor (their defaults when None).
    """
    params = params or SolveParams()
    layout = _Layout.of(sub)
    n_depots = len(layout.depots)
    profiles = sorted({s.profile for s in sub.slots})
    distances: list[Any] = []  # PyVRP's stubs type matrices loosely
    durations: list[Any] = []
    home_dump: dict[str, NDArray[np.int64]] = {}
    for profile in profiles:
        dist, time, home_dump[profile] = _profile_legs(sub, layout, profile, plain=plain)
        distances.append(dist)
        durations.append(time)
    locations = [Location(0, 0) for _ in layout.ids]
    pv_depots = [Depot(i) for i in range(2 * n_depots)]
    pv_depots += [
        Depot(
            layout.first_dump + k,
            tw_early=d.open_s,
            tw_late=d.close_s,
            service_duration=d.tipping_s,
        )
        for k, d in enumerate(sub.dumps)
    ]
    prizes = _prizes(sub, distances, durations, profiles, n_depots, layout.first_job, params)
    # A fourth load, one per visit, when some slot caps a trip's visits (daily limits, DL).
    counted = [1] if any(s.trip_visits is not None for s in sub.slots) else []
    clients = [
        Client(
            location=layout.first_job + k,
            pickup=[job.kg, job.litres, job.board_s, *counted],
            service_duration=job.service_s,
            tw_early=job.tw_start,
            tw_late=job.tw_end,
            prize=int(prizes[k]),
            required=plain,
        )
        for k, job in enumerate(sub.jobs)
    ]
    type_slots = _slot_groups(sub)
    vehicle_types = [_vehicle_type(sub, members, layout, profiles) for members in type_slots]
    data = ProblemData(locations, clients, pv_depots, vehicle_types, distances, durations)
    return Built(data, profiles, home_dump, type_slots)


@dataclass(frozen=True, slots=True)
class _Layout:
    """PyVRP's locations of a stream problem: per depot a start and an end location, then the
    dumps, then the jobs."""

    depots: list[str]
    ids: list[str]  # each location's point or facility
    first_dump: int
    first_job: int

    @classmethod
    def of(cls, sub: StreamProblem) -> _Layout:
        """The layout of ``sub``'s depots (sorted), dumps and jobs."""
        depots = sorted({s.depot_id for s in sub.slots})
        ids = [
            *depots,
            *depots,
            *(d.facility_id for d in sub.dumps),
            *(j.point_id for j in sub.jobs),
        ]
        return cls(depots, ids, 2 * len(depots), 2 * len(depots) + len(sub.dumps))


def _profile_legs(
    sub: StreamProblem, layout: _Layout, profile: str, *, plain: bool
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Metres and seconds between every two locations on ``profile``'s roads, and per job and
    depot the dump on the way home that gets the truck there soonest.

    A job's leg to an end location is the way home through that dump (unless ``plain``); the
    jobs the profile's largest body may not serve, and the locations its matrix lacks, are
    forbidden to it.
    """
    n_depots, first_dump, first_job = len(layout.depots), layout.first_dump, layout.first_job
    tipping = np.array([d.tipping_s for d in sub.dumps], dtype=np.int64)
    matrix = sub.matrices[profile]
    # A profile's matrix lacks the points its vehicles may not serve: forbidden to it.
    index = np.array([matrix.index.get(i, 0) for i in layout.ids], dtype=np.int64)
    absent = [k for k, i in enumerate(layout.ids) if i not in matrix.index]
    dist = matrix.distance_m[np.ix_(index, index)].astype(np.int64)
    np.minimum(dist, FORBIDDEN, out=dist)
    time = matrix.time_s[np.ix_(index, index)].astype(np.int64)
    np.minimum(time, FORBIDDEN, out=time)
    jobs, dumps = slice(first_job, None), slice(first_dump, first_job)
    # Job → dump → depot k, through the dump that gets the truck home soonest.
    via = time[jobs, dumps][:, :, None] + tipping[None, :, None] + time[dumps, :n_depots][None]
    best = via.argmin(axis=1)  # (jobs, depots)
    rows = np.arange(len(sub.jobs))[:, None]
    cols = np.arange(n_depots)[None, :]
    if not plain:
        time[jobs, n_depots:first_dump] = via[rows, best, cols]
        dist[jobs, n_depots:first_dump] = (
            dist[jobs, dumps][rows, best] + dist[dumps, :n_depots][best, cols]
        )
    size = max(s.size for s in sub.slots if s.profile == profile)
    too_big = [first_job + k for k, job in enumerate(sub.jobs) if job.max_size < size]
    too_big += absent
    for array in (dist, time):
        array[too_big, :] = FORBIDDEN
        array[:, too_big] = FORBIDDEN
        np.fill_diagonal(array, 0)
        np.minimum(array, FORBIDDEN, out=array)
    return dist, time, best


def _slot_groups(sub: StreamProblem) -> list[list[int]]:
    """The slots by vehicle type: identical slots (same depot, profile, capacity, hours, costs,
    shift) form one."""
    # HGS searches far better over a few types with several vehicles than over many single ones.
    groups: dict[tuple[object, ...], list[int]] = {}
    for k, slot in enumerate(sub.slots):
        key = (
            slot.depot_id,
            slot.profile,
            slot.capacity_kg,
            slot.capacity_l,
            slot.start_s,
            slot.end_s,
            slot.cost_per_km_fen,
            slot.cost_per_hour_fen,
            slot.shift_id,
            slot.fixed_cost_fen,
            slot.max_trips,
            slot.trip_visits,
        )
        groups.setdefault(key, []).append(k)
    return list(groups.values())


def _vehicle_type(
    sub: StreamProblem, members: list[int], layout: _Layout, profiles: list[str]
) -> VehicleType:
    """The vehicle type of the slots ``members`` (identical but for their vehicles): reloading
    at every dump, at most ``max_trips - 1`` times (the last trip's dump is on the way home),
    its fixed cost in milli-fen."""
    slot = sub.slots[members[0]]
    n_depots = len(layout.depots)
    counted = any(s.trip_visits is not None for s in sub.slots)
    visits = [FORBIDDEN if slot.trip_visits is None else slot.trip_visits] if counted else []
    unlimited = 2**64 - 1  # PyVRP's default: no limit on reloads
    reloads = unlimited if slot.max_trips is None else slot.max_trips - 1
    return VehicleType(
        num_available=len(members),
        capacity=[slot.capacity_kg, slot.capacity_l, sub.on_board_s or FORBIDDEN, *visits],
        fixed_cost=slot.fixed_cost_fen * 1000,
        max_reloads=reloads,
        start_depot=layout.depots.index(slot.depot_id),
        end_depot=n_depots + layout.depots.index(slot.depot_id),
        tw_early=slot.start_s,
        tw_late=slot.end_s,
        unit_distance_cost=slot.cost_per_km_fen,
        unit_duration_cost=milli_fen_per_s(slot.cost_per_hour_fen),
        profile=profiles.index(slot.profile),
        reload_depots=list(range(layout.first_dump, layout.first_job)),
        name=f"{slot.profile}/{slot.shift_id}",
    )


def _prizes(
    sub: StreamProblem,
    distances: list[Any],
    durations: list[Any],
    profiles: list[str],
    n_depots: int,
    first_job: int,
    params: SolveParams,
) -> NDArray[np.int64]:
    """Per job, a prize a few times (:attr:`SolveParams.prize_factor`) the cost of a truck serving
    it alone (out, serve, home, and its fixed cost), at least
    :attr:`SolveParams.min_prize_milli_fen`.

    High enough that every job worth a detour is served, low enough that the penalties for
    breaking windows or capacity still weigh more: a prize far above all costs makes HGS keep
    infeasible solutions that collect it.
    """
    best = np.full(len(sub.jobs), np.inf)
    for p, profile in enumerate(profiles):
        slots = [s for s in sub.slots if s.profile == profile]
        km = max(s.cost_per_km_fen for s in slots)
        hour = max(round(s.cost_per_hour_fen / 3.6) for s in slots)
        # A vehicle's fixed cost is part of serving a job alone: every visit is worth more than
        # a vehicle (vehicles first, visits before both).
        fixed = 1000 * min(s.fixed_cost_fen for s in slots)
        dist, time = distances[p], durations[p]
        out_d = dist[:n_depots, first_job:].min(axis=0) + dist[
            first_job:, n_depots : 2 * n_depots
        ].min(axis=1)
        out_t = time[:n_depots, first_job:].min(axis=0) + time[
            first_job:, n_depots : 2 * n_depots
        ].min(axis=1)
        service = np.array([j.service_s for j in sub.jobs])
        cost = out_d * km + (out_t + service) * hour + fixed
        reachable = out_t < FORBIDDEN
        best = np.where(reachable, np.minimum(best, cost), best)
    prizes = np.where(np.isfinite(best), params.prize_factor * best, 0)
    return np.maximum(prizes, params.min_prize_milli_fen).astype(np.int64)


def _to_routes(sub: StreamProblem, built: Built, solution: Solution) -> list[SlotRoute]:
    depots = sorted({s.depot_id for s in sub.slots})
    n_depots = len(depots)
    routes: list[SlotRoute] = []
    free = [list(members) for members in built.type_slots]
    for route in solution.routes():
        if not route.is_feasible():
            continue  # its visits stay unserved rather than break a rule
        slot_index = free[int(route.vehicle_type())].pop(0)
        slot = sub.slots[slot_index]
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
            routes.append(SlotRoute(slot_index, int(route.start_time()), tuple(trips)))
    return routes


def _warm_solution(sub: StreamProblem, built: Built) -> Solution | None:
    """``sub.warm`` as a PyVRP solution to start from; None when there is none or it does not fit."""
    if not sub.warm:
        return None
    type_of = {slot: t for t, members in enumerate(built.type_slots) for slot in members}
    first_dump = 2 * len({s.depot_id for s in sub.slots})
    routes = []
    for warm in sub.warm:
        activities = []
        for n, trip in enumerate(warm.trips):
            activities += [Activity(ActivityType.CLIENT, k) for k in trip.jobs]
            if n + 1 < len(warm.trips):  # the last trip goes home through its dump
                activities.append(Activity(ActivityType.DEPOT, first_dump + trip.dump))
        if activities and warm.slot in type_of:
            routes.append(Route(built.data, activities, type_of[warm.slot]))
    try:
        return Solution(built.data, routes)
    except (ValueError, IndexError, RuntimeError):
        return None  # e.g. more routes of a kind than vehicles today: start afresh


def search(
    built: Built,
    stop: Stop,
    seed: int,
    params: SolveParams,
    initial: Solution | None = None,
    tick: Callable[[], None] | None = None,
) -> Result:
    """PyVRP's hybrid genetic search on ``built`` until ``stop`` (``initial``: a warm start;
    ``tick`` is called at each iteration)."""
    # Penalties may grow far above PyVRP's default ceiling: prizes are in milli-fen, and a second
    # of lateness must come to cost more than the prize it would buy (FORBIDDEN × max_penalty
    # stays far inside int64).
    pyvrp_params = PyVRPParams(penalty=PenaltyParams(max_penalty=params.max_penalty))
    criterion = stop_criterion(stop)
    return solve(
        built.data,
        stop=criterion if tick is None else _Ticking(criterion, tick),
        seed=seed,
        display=False,
        params=pyvrp_params,
        initial_solution=initial,
    )


def solve_stream(
    sub: StreamProblem,
    *,
    stop: Stop,
    seed: int,
    params: SolveParams | None = None,
    tick: Callable[[], None] | None = None,
) -> list[SlotRoute]:
    """Routes for one stream problem until ``stop``: :attr:`SolveParams.closing_rounds` rounds
    of PyVRP's search, each followed by routes closed while that lowers the cost
    (:func:`close_routes`), then PyVRP's search again in the time left.

    PyVRP's iterated local search seldom empties a whole route: its perturbations move a few
    visits at a time. Campo Grande's residual stream (1,062 jobs) after 40 s of it closed five to
    eight of its 26-30 routes in 10 s, each step lowering the cost (BENCHMARKS.md, convergence).
    One round by default: a shorter first search cut fewer vehicles on Kim's 1599 stops (a
    sector of 783 kept 8 routes after two rounds, 7 after one or none). Under an iteration
    budget each round's search has its share of the iterations and the closing ends when no
    route closes, so a seed gives the same routes.

    ``tick`` is called at each iteration of the search and each route tried (to report
    progress; it may raise to stop the search).
    """
    if not sub.jobs or not sub.slots or not sub.dumps:
        return []
    params = params or SolveParams()
    built = build_data(sub, params=params)
    best = _warm_solution(sub, built)
    began = time.perf_counter()
    end = began + stop.time_limit_s
    rounds = params.closing_rounds
    for done in range(rounds):
        share = (end - time.perf_counter()) / (rounds - done)
        if stop.iterations is None:
            searching = Stop(max(0.05, (1 - params.closing_share) * share))
            closing = time.perf_counter() + share if done + 1 < rounds else end
        else:  # the iterations end each step; the clock only guards the whole
            searching = Stop(max(0.05, end - time.perf_counter()), stop.iterations // rounds or 1)
            closing = end
        best = search(built, searching, seed + done, params, best, tick).best
        best = close_routes(built, best, until=closing, seed=seed, params=params, tick=tick)
    left = end - time.perf_counter()
    if best is None or rounds == 0 or (stop.iterations is None and left > params.min_search_s):
        best = search(built, Stop(max(0.05, left), stop.iterations), seed, params, best, tick).best
    return _to_routes(sub, built, best)


def search_grouped(
    sub: StreamProblem,
    groups: list[list[int]],
    *,
    stop: Stop,
    seed: int,
    params: SolveParams | None = None,
) -> list[SlotRoute]:
    """One PyVRP search of ``sub`` from its warm routes, in which each group of jobs (their
    indices) is served at most once: a point's copies, one per day it may be served on, when
    several days are routed as one (:mod:`routing.calendar.joint`)."""
    params = params or SolveParams()
    built = build_data(sub, params=params)
    if groups:
        group_of = {k: g for g, members in enumerate(groups) for k in members}
        clients = [
            Client(
                location=c.location,
                pickup=list(c.pickup),
                service_duration=c.service_duration,
                tw_early=c.tw_early,
                tw_late=c.tw_late,
                prize=c.prize,
                required=False,
                group=group_of.get(k),
            )
            for k, c in enumerate(built.data.clients())
        ]
        data = built.data.replace(
            clients=clients, groups=[ClientGroup(m, required=False) for m in groups]
        )
        built = Built(data, built.profiles, built.home_dump, built.type_slots)
    initial = _warm_solution(sub, built)
    return _to_routes(sub, built, search(built, stop, seed, params, initial).best)


def close_routes(
    built: Built,
    solution: Solution,
    *,
    until: float,
    seed: int,
    params: SolveParams,
    tick: Callable[[], None] | None = None,
) -> Solution:
    """``solution`` with routes closed while that lowers its cost, by ``until``
    (:func:`time.perf_counter`).

    Route elimination in the search (after Nagata & Bräysy's route minimisation, and PyVRP's own
    ``minimise_fleet``, which closes routes by fleet size, not by cost): the route with the
    fewest visits is taken out, its visits left to PyVRP's local search to place wherever they
    cost least, and the result is kept when it is feasible, serves every visit the solution
    served (a visit left out for its prize is not a closing: the repairs after the search could
    not always put it back) and costs less; then again from the smallest route, until
    no route closes. An infeasible ``solution`` is returned as it is.
    """
    data = built.data
    if not solution.is_feasible() or solution.num_routes() < 2:
        return solution
    local_search = _local_search(data, seed)
    # The search's highest penalties: the local search keeps to feasible moves where it can.
    penalty = PenaltyParams(max_penalty=params.max_penalty)
    cost = PenaltyManager(penalty.midpoint_penalties(data), penalty).max_cost_evaluator()
    routes = _smallest_first(data, solution)
    tried = 0
    while tried < len(routes) and time.perf_counter() < until:
        found = local_search(
            Solution(data, routes[:tried] + routes[tried + 1 :]), cost, exhaustive=True
        )
        if tick is not None:
            tick()
        if (
            found.is_feasible()
            and found.num_clients() >= solution.num_clients()
            and cost.cost(found) < cost.cost(solution)
        ):
            solution, tried = found, 0
            routes = _smallest_first(data, solution)
        else:
            tried += 1
    return solution


def _local_search(data: ProblemData, seed: int) -> LocalSearch:
    """PyVRP's local search as its ``solve`` builds it: the default granular neighbourhood and
    every operator that applies to ``data``."""
    local_search = LocalSearch(data, RandomNumberGenerator(seed=seed), compute_neighbours(data))
    for operator in OPERATORS:
        if operator.supports(data):
            local_search.add_operator(operator(data))
    return local_search


def _smallest_first(data: ProblemData, solution: Solution) -> list[Route]:
    """``solution``'s routes, fewest visits first, each made again from its visits and reloads
    (its schedule without the start and end depots), to be left out one at a time."""
    routes = sorted(solution.routes(), key=lambda r: r.num_clients())
    return [Route(data, list[Activity](r.schedule()[1:-1]), r.vehicle_type()) for r in routes]
