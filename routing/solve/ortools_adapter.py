"""The OR-Tools adapter: CP-SAT for the assignments the routing engine does not model, and the
routing library for small, tightly constrained routing.

The only module that imports :mod:`ortools`. Three models:

- :func:`allocate_slots` gives each vehicle-shift slot to one stream, so that every stream's
  coverage (supply of working time over its estimated need, also for the points only small
  vehicles reach) is as high as possible, the lowest coverage first.
- :func:`assign_crews` gives each route a crew of its own who may work its hours (SH1), serving
  as many routes as possible.
- :func:`route_stream` routes one stream's jobs over its slots with the routing library: every
  dump a node the route chooses (its hours and tipping time exact), the loads reset there, and
  every route ending empty (CT4), by guided local search from the routes it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.sat.python import cp_model

from routing.fleet import milli_fen_per_s
from routing.params import SolveParams
from routing.solve.model import SlotRoute, SlotTrip, StreamProblem
from routing.solve.stop import Stop

SCALE = 1000  # coverage ratios in thousandths


@dataclass(frozen=True, slots=True)
class Need:
    """Estimated work (s) of a stream's jobs that only vehicles of at most ``max_size`` reach and
    only slots of the ``shifts`` can serve."""

    stream: int
    max_size: int
    work_s: int
    shifts: frozenset[int]


@dataclass(frozen=True, slots=True)
class Offer:
    """A slot: its size, its working seconds, its shift, and the streams it may carry."""

    size: int
    work_s: int
    shift: int
    streams: frozenset[int]


def allocate_slots(
    needs: Sequence[Need],
    offers: Sequence[Offer],
    *,
    stop: Stop,
    seed: int = 0,
    work: float = 2.0,
) -> list[int | None]:
    """The stream each offer (slot) carries, or None for a slot left idle, within ``stop``.

    When ``stop`` is bounded by work (it has iterations): one search worker, stopped by
    ``work`` units of CP-SAT's deterministic time (a measure of work, not of the clock; 2.0 is
    about a second here), so the same input gives the same answer on any machine as long as the
    wall-clock limit (``stop``'s, at least 60 s) does not strike first.
    """
    time_limit_s = stop.time_limit_s
    model = cp_model.CpModel()
    streams = sorted({n.stream for n in needs})
    x = {
        (o, s): model.new_bool_var(f"x{o}_{s}")
        for o, offer in enumerate(offers)
        for s in streams
        if s in offer.streams
    }
    for o in range(len(offers)):
        model.add(sum(x[o, s] for s in streams if (o, s) in x) <= 1)
    cap = 20 * SCALE  # high enough that supply is shared in proportion to need
    z = model.new_int_var(0, cap, "z")  # the lowest coverage of a need that can be met at all
    total_work = sum(n.work_s for n in needs) or 1
    coverages = []
    for k, need in enumerate(needs):
        eligible = [
            o
            for o in range(len(offers))
            if (o, need.stream) in x
            and offers[o].size <= need.max_size
            and offers[o].shift in need.shifts
        ]
        if need.work_s <= 0 or not eligible:
            continue  # nothing can serve these jobs: they are listed unserved with the reason
        cover = model.new_int_var(0, cap, f"cover{k}")
        supply = sum(offers[o].work_s * x[o, need.stream] for o in eligible)
        model.add(cover * need.work_s <= SCALE * supply)
        model.add(z <= cover)
        coverages.append(cover * (1 + 1000 * need.work_s // total_work))
    used = sum(x.values())
    # The lowest coverage first, then the coverage of all needs weighted by their work, then
    # every slot put to use.
    second = (len(offers) + 1) * cap * 1001 * (len(coverages) + 1)
    model.maximize(z * second + sum(coverages) * (len(offers) + 1) + used)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = 2
    if stop.bounded_by_work:
        solver.parameters.num_workers = 1
        solver.parameters.max_deterministic_time = work
        solver.parameters.max_time_in_seconds = max(time_limit_s, 60.0)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [None] * len(offers)
    chosen: list[int | None] = [None] * len(offers)
    for (o, s), var in x.items():
        if solver.value(var):
            chosen[o] = s
    return chosen


def assign_crews(
    routes: Sequence[tuple[int, int]],
    crews: Sequence[tuple[int, int, int]],
    *,
    time_limit_s: float = 5.0,
) -> list[int | None]:
    """A crew per route (index into ``crews``) or None.

    ``routes`` are (start, end) seconds; ``crews`` are (available from, available to, longest
    working time). A crew works at most one route (SH1).

    Crews with the same hours are interchangeable, so the model picks a *kind* of crew per route,
    at most as many routes per kind as it has crews: a city's 300 routes × 600 identical crews
    are one kind, not 180,000 choices (that model found no solution in its time). The crews of a
    kind are then handed out in their listed order, routes in their listed order.
    """
    kinds: dict[tuple[int, int, int], list[int]] = {}
    for c, hours in enumerate(crews):
        kinds.setdefault(hours, []).append(c)
    hours_of = list(kinds)
    model = cp_model.CpModel()
    y = {
        (r, k): model.new_bool_var(f"y{r}_{k}")
        for r, (start, end) in enumerate(routes)
        for k, (early, late, longest) in enumerate(hours_of)
        if early <= start and end <= late and end - start <= longest
    }
    by_route: dict[int, list[cp_model.IntVar]] = {}
    by_kind: dict[int, list[cp_model.IntVar]] = {}
    for (r, k), v in y.items():
        by_route.setdefault(r, []).append(v)
        by_kind.setdefault(k, []).append(v)
    for group in by_route.values():
        model.add_at_most_one(group)
    for k, group in by_kind.items():
        model.add(sum(group) <= len(kinds[hours_of[k]]))
    # Serve every route you can; among equals, the kind whose first crew is listed first.
    first = [kinds[h][0] for h in hours_of]
    model.maximize(sum(v * (10 * len(crews) - first[k]) for (_, k), v in y.items()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        picked = {r: k for (r, k), v in y.items() if solver.value(v)}
    else:  # no solution in time: the first free kind that fits, route by route
        left = {k: len(kinds[h]) for k, h in enumerate(hours_of)}
        picked = {}
        for r, k in sorted(y):
            if r not in picked and left[k] > 0:
                picked[r] = k
                left[k] -= 1
    free = {k: iter(kinds[h]) for k, h in enumerate(hours_of)}
    return [next(free[picked[r]]) if r in picked else None for r in range(len(routes))]


# --- The routing library: one stream's small, tightly constrained routing ---------------------

#: Leg metres and seconds to or from a location a profile's matrix lacks (never allowed there).
UNREACHABLE = 10**7


@dataclass(frozen=True, slots=True)
class Routed:
    """Routes found by the routing library; its objective (milli-fen, with a penalty for each
    job left out) for them, and for the routes it started from (None: there were none, or they
    broke its model)."""

    routes: list[SlotRoute]
    objective: int
    initial_objective: int | None


class _Nodes:
    """The model's nodes: each depot once, ``copies[d]`` visits of each dump d, then the jobs."""

    def __init__(self, sub: StreamProblem, copies: Sequence[int]) -> None:
        self.depots = sorted({s.depot_id for s in sub.slots})
        self.ids: list[str] = list(self.depots)
        self.dump_nodes: list[list[int]] = []
        for d, dump in enumerate(sub.dumps):
            self.dump_nodes.append(list(range(len(self.ids), len(self.ids) + copies[d])))
            self.ids += [dump.facility_id] * copies[d]
        self.first_job = len(self.ids)
        self.ids += [j.point_id for j in sub.jobs]
        self.dump_of = {n: d for d, nodes in enumerate(self.dump_nodes) for n in nodes}


def _legs(
    sub: StreamProblem, nodes: _Nodes, profile: str
) -> tuple[np.ndarray, np.ndarray, frozenset[int]]:
    """Metres, and seconds with the service (or tipping) at the node left, between every two
    nodes on ``profile``'s roads; and the nodes its matrix lacks."""
    matrix = sub.matrices[profile]
    index = np.array([matrix.index.get(i, 0) for i in nodes.ids], dtype=np.int64)
    absent = [k for k, i in enumerate(nodes.ids) if i not in matrix.index]
    metres = np.minimum(matrix.distance_m[np.ix_(index, index)], UNREACHABLE).astype(np.int64)
    seconds = np.minimum(matrix.time_s[np.ix_(index, index)], UNREACHABLE).astype(np.int64)
    metres[absent, :] = UNREACHABLE
    metres[:, absent] = UNREACHABLE
    seconds[absent, :] = UNREACHABLE
    seconds[:, absent] = UNREACHABLE
    service = np.zeros(len(nodes.ids), dtype=np.int64)
    for d, dump_nodes in enumerate(nodes.dump_nodes):
        service[dump_nodes] = sub.dumps[d].tipping_s
    service[nodes.first_job :] = [j.service_s for j in sub.jobs]
    seconds += service[:, None]
    np.fill_diagonal(metres, 0)
    np.fill_diagonal(seconds, 0)
    return metres, seconds, frozenset(absent)


def _copies(sub: StreamProblem, initial: Sequence[SlotRoute]) -> list[int]:
    """Visits of each dump the model offers: those the routes given use, and room for as many
    trips again as the stream's loads (kilograms, litres, time on board) need in the smallest
    body, plus one per slot."""
    used = [0] * len(sub.dumps)
    for route in initial:
        for trip in route.trips:
            used[trip.dump] += 1
    trips = len(sub.slots)
    for total, smallest in (
        (sum(j.kg for j in sub.jobs), min(s.capacity_kg for s in sub.slots)),
        (sum(j.litres for j in sub.jobs), min(s.capacity_l for s in sub.slots)),
        (sum(j.board_s for j in sub.jobs), sub.on_board_s),
    ):
        if smallest > 0:
            trips = max(trips, len(sub.slots) + -(-total // smallest))
    copies = [u + trips for u in used]
    if not initial:  # the start from nothing makes a trip of every job, to the first dump
        copies[0] = max(copies[0], len(sub.jobs))
    return copies


def _to_slot_routes(
    sub: StreamProblem,
    nodes: _Nodes,
    manager: pywrapcp.RoutingIndexManager,
    routing: pywrapcp.RoutingModel,
    solution: pywrapcp.Assignment,
    time_dim: pywrapcp.RoutingDimension,
) -> list[SlotRoute]:
    routes: list[SlotRoute] = []
    for v in range(len(sub.slots)):
        index = routing.Start(v)
        start_s = solution.Min(time_dim.CumulVar(index))
        trips: list[SlotTrip] = []
        jobs: list[int] = []
        while not routing.IsEnd(index):
            index = solution.Value(routing.NextVar(index))
            node = manager.IndexToNode(index)
            if node >= nodes.first_job:
                jobs.append(node - nodes.first_job)
            elif node in nodes.dump_of and jobs:
                trips.append(SlotTrip(tuple(jobs), nodes.dump_of[node]))
                jobs = []
        if trips:
            routes.append(SlotRoute(v, int(start_s), tuple(trips)))
    return routes


def route_stream(
    sub: StreamProblem,
    *,
    stop: Stop,
    initial: Sequence[SlotRoute] = (),
    drop_penalty: int | None = None,
    tick: Callable[[], None] | None = None,
) -> Routed | None:
    """Route one stream problem with OR-Tools' routing library (guided local search).

    The model is exact where the reload-depot model is not: each trip ends at a dump the route
    chooses, tipping there within its hours; kilograms, litres and the estimated seconds on board
    (CT5, as the PyVRP model estimates them) are loads a dump empties, and a route may not come
    home loaded (CT4). Each slot is a vehicle with its depot, hours, profile, capacities, cost
    per km (legs) and per hour (from leaving to coming back). A job its body may not reach
    (CT6 by size, or absent from its profile's roads) is not allowed to it; a job may be left out
    at ``drop_penalty`` (milli-fen; :attr:`SolveParams.drop_penalty_milli_fen` when None: far
    above any route's cost, so a job is dropped only when no vehicle can serve it). ``initial`` (routes in ``sub``'s numbers) is where the
    search starts; ``stop``'s iterations, as the most solutions it finds, bound it by work (the
    same answer for the same input), its time limit by the clock. ``tick`` is called at each solution the search finds (to report progress; what it
    raises ends the search and is raised here). Returns None when no vehicle can be routed at all.
    """
    if not sub.jobs or not sub.slots or not sub.dumps:
        return None
    penalty = SolveParams().drop_penalty_milli_fen if drop_penalty is None else drop_penalty
    nodes = _Nodes(sub, _copies(sub, initial))
    depot_node = {d: k for k, d in enumerate(nodes.depots)}
    starts = [depot_node[s.depot_id] for s in sub.slots]
    manager = pywrapcp.RoutingIndexManager(len(nodes.ids), len(sub.slots), starts, starts)
    routing = pywrapcp.RoutingModel(manager)

    legs = {p: _legs(sub, nodes, p) for p in sorted({s.profile for s in sub.slots})}
    time_callbacks: dict[str, int] = {}
    cost_callbacks: dict[tuple[str, int], int] = {}
    for profile, (_metres, seconds, _absent) in legs.items():
        time_callbacks[profile] = routing.RegisterTransitMatrix(seconds.tolist())
    for v, slot in enumerate(sub.slots):
        key = (slot.profile, slot.cost_per_km_fen)
        if key not in cost_callbacks:
            metres = legs[slot.profile][0]
            cost_callbacks[key] = routing.RegisterTransitMatrix(
                (metres * slot.cost_per_km_fen).tolist()
            )
        routing.SetArcCostEvaluatorOfVehicle(cost_callbacks[key], v)

    horizon = max(s.end_s for s in sub.slots) + 1
    routing.AddDimensionWithVehicleTransits(
        [time_callbacks[s.profile] for s in sub.slots], horizon, horizon, False, "time"
    )
    time_dim = routing.GetDimensionOrDie("time")
    for v, slot in enumerate(sub.slots):
        early, late = max(0, slot.start_s), max(0, slot.start_s, slot.end_s)
        time_dim.CumulVar(routing.Start(v)).SetRange(early, late)
        time_dim.CumulVar(routing.End(v)).SetRange(early, late)
        time_dim.SetSpanCostCoefficientForVehicle(milli_fen_per_s(slot.cost_per_hour_fen), v)
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(v)))
        routing.AddVariableMaximizedByFinalizer(time_dim.CumulVar(routing.Start(v)))

    # Loads a dump empties: a dump's transit is minus the largest capacity, and its slack (at
    # most that capacity) brings the load back to anything from empty up.
    board_cap = sub.on_board_s or horizon
    loads = {
        "kg": ([max(1, j.kg) for j in sub.jobs], [s.capacity_kg for s in sub.slots]),
        "litres": ([j.litres for j in sub.jobs], [s.capacity_l for s in sub.slots]),
        "board": ([j.board_s for j in sub.jobs], [board_cap] * len(sub.slots)),
    }
    dims: list[pywrapcp.RoutingDimension] = []
    for name, (amounts, capacities) in loads.items():
        top = max(max(capacities), max(amounts, default=0))
        vector = [0] * len(nodes.ids)
        for n in nodes.dump_of:
            vector[n] = -top
        vector[nodes.first_job :] = amounts
        callback = routing.RegisterUnaryTransitVector(vector)
        routing.AddDimensionWithVehicleCapacity(callback, top, capacities, True, name)
        dims.append(routing.GetDimensionOrDie(name))
    for index in range(routing.Size()):
        node = manager.IndexToNode(index)
        if node not in nodes.dump_of:
            for dim in dims:
                dim.SlackVar(index).SetValue(0)
    for v in range(len(sub.slots)):
        dims[0].CumulVar(routing.End(v)).SetMax(0)  # home empty (CT4)

    for d, dump in enumerate(sub.dumps):
        for n in nodes.dump_nodes[d]:
            index = manager.NodeToIndex(n)
            _window(routing, time_dim, index, dump.open_s, dump.close_s, horizon)
            routing.AddDisjunction([index], 0)
    for k, job in enumerate(sub.jobs):
        node = nodes.first_job + k
        index = manager.NodeToIndex(node)
        _window(routing, time_dim, index, job.tw_start, job.tw_end, horizon)
        barred = [
            v
            for v, slot in enumerate(sub.slots)
            if job.max_size < slot.size or node in legs[slot.profile][2]
        ]
        if len(barred) == len(sub.slots):
            routing.ActiveVar(index).SetValue(0)
        elif barred:
            routing.VehicleVar(index).RemoveValues(barred)
        routing.AddDisjunction([index], penalty)

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(max(50, int(stop.time_limit_s * 1000)))
    if stop.iterations is not None:
        params.solution_limit = stop.iterations
    routing.CloseModelWithParameters(params)

    def restored(paths: list[list[int]]) -> pywrapcp.Assignment | None:
        return routing.ReadAssignmentFromRoutes(
            [[manager.NodeToIndex(n) for n in path] for path in paths], True
        )

    initial_objective = None
    if initial:
        free = [list(reversed(dn)) for dn in nodes.dump_nodes]
        paths: list[list[int]] = [[] for _ in sub.slots]
        for route in initial:
            for trip in route.trips:
                paths[route.slot] += [nodes.first_job + k for k in trip.jobs]
                paths[route.slot].append(free[trip.dump].pop())
        given = restored(paths)
        initial_objective = None if given is None else _objective(routing, given)
    if initial_objective is not None:
        start = given
    else:  # no start, or one that breaks the model: it is mended trip by trip
        start = restored(_mended(sub, nodes, initial or _one_job_trips(sub), restored))
    raised: list[BaseException] = []
    if tick is not None:
        # OR-Tools swallows what a callback raises: it is kept, the search ended, and raised here.
        def at_solution() -> None:
            try:
                tick()
            except BaseException as error:
                raised.append(error)
                routing.solver().FinishCurrentSearch()

        routing.AddAtSolutionCallback(at_solution)
    solution = None if start is None else routing.SolveFromAssignmentWithParameters(start, params)
    if raised:
        raise raised[0]
    if solution is None:
        return None
    return Routed(
        _to_slot_routes(sub, nodes, manager, routing, solution, time_dim),
        int(solution.ObjectiveValue()),
        initial_objective,
    )


def _window(
    routing: pywrapcp.RoutingModel,
    time_dim: pywrapcp.RoutingDimension,
    index: int,
    early: int,
    late: int,
    horizon: int,
) -> None:
    """A node's window within the day's horizon; a node whose window lies beyond it is never
    visited (a window the model cannot hold would fail its whole construction)."""
    if early > horizon:
        routing.ActiveVar(index).SetValue(0)
        return
    time_dim.CumulVar(index).SetRange(max(0, early), min(horizon, max(early, late)))


def _one_job_trips(sub: StreamProblem) -> list[SlotRoute]:
    """A start from nothing: the jobs by the start of their windows, one trip each, dealt round
    the slots whose bodies may reach them."""
    trips: list[list[SlotTrip]] = [[] for _ in sub.slots]
    turn = 0
    for k in sorted(range(len(sub.jobs)), key=lambda k: sub.jobs[k].tw_start):
        fits = [v for v, slot in enumerate(sub.slots) if slot.size <= sub.jobs[k].max_size]
        if fits:
            trips[fits[turn % len(fits)]].append(SlotTrip((k,), 0))
            turn += 1
    return [SlotRoute(v, sub.slots[v].start_s, tuple(t)) for v, t in enumerate(trips) if t]


def _mended(
    sub: StreamProblem,
    nodes: _Nodes,
    routes: Sequence[SlotRoute],
    restored: Callable[[list[list[int]]], pywrapcp.Assignment | None],
) -> list[list[int]]:
    """``routes`` as the model's paths, kept within its constraints trip by trip: a trip goes to
    its own dump or, if that breaks a rule, the first other that does not; a trip no dump makes
    good is left out (the search may put its jobs back). The insertion heuristics cannot start
    this model from nothing (a job alone cannot come home, a dump alone earns nothing)."""
    free = [list(reversed(dn)) for dn in nodes.dump_nodes]
    paths: list[list[int]] = [[] for _ in sub.slots]
    for route in routes:
        for trip in route.trips:
            jobs = [nodes.first_job + k for k in trip.jobs]
            order = [trip.dump, *(d for d in range(len(sub.dumps)) if d != trip.dump)]
            for d in order:
                if not free[d]:
                    continue
                tried = [*paths[route.slot], *jobs, free[d][-1]]
                if restored([tried if v == route.slot else p for v, p in enumerate(paths)]):
                    paths[route.slot] = tried
                    free[d].pop()
                    break
    return paths


def _objective(routing: pywrapcp.RoutingModel, assignment: pywrapcp.Assignment) -> int | None:
    """The model's objective for a complete assignment, or None when it breaks a constraint."""
    checked = routing.SolveFromAssignmentWithParameters(assignment, _check_only())
    return None if checked is None else int(checked.ObjectiveValue())


def _check_only() -> object:
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
    params.solution_limit = 1
    return params
