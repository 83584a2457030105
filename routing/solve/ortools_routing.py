"""OR-Tools' routing library for one stream's small, tightly constrained routing.

:func:`route_stream` routes one stream's jobs over its slots in the model of
:mod:`routing.solve.ortools_routing_model` (every dump a node the route chooses, the loads reset
there, every route ending empty), by guided local search from the routes it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from routing.params import SolveParams
from routing.solve.model import SlotRoute, SlotTrip, StreamProblem
from routing.solve.ortools_routing_model import StreamModel, build_model
from routing.solve.stop import Stop


@dataclass(frozen=True, slots=True)
class Routed:
    """Routes found by the routing library; its objective (milli-fen, with a penalty for each
    job left out) for them, and for the routes it started from (None: there were none, or they
    broke its model)."""

    routes: list[SlotRoute]
    objective: int
    initial_objective: int | None


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
    above any route's cost, so a job is dropped only when no vehicle can serve it). ``initial``
    (routes in ``sub``'s numbers) is where the search starts; ``stop``'s iterations, as the most
    solutions it finds, bound it by work (the same answer for the same input), its time limit by
    the clock. ``tick`` is called at each solution the search finds (to report progress; what it
    raises ends the search and is raised here). Returns None when no vehicle can be routed at all.
    """
    if not sub.jobs or not sub.slots or not sub.dumps:
        return None
    penalty = SolveParams().drop_penalty_milli_fen if drop_penalty is None else drop_penalty
    model = build_model(sub, initial=initial, penalty=penalty)
    params = _search_parameters(stop)
    model.routing.CloseModelWithParameters(params)
    start, initial_objective = _start(model, initial)
    ticks = None if tick is None else _Ticks(model.routing, tick)
    if ticks is not None:
        model.routing.AddAtSolutionCallback(ticks)
    solution = (
        None if start is None else model.routing.SolveFromAssignmentWithParameters(start, params)
    )
    if ticks is not None and ticks.raised:
        raise ticks.raised[0]
    if solution is None:
        return None
    return Routed(
        _to_slot_routes(model, solution),
        int(solution.ObjectiveValue()),
        initial_objective,
    )


def _search_parameters(stop: Stop) -> object:
    """Cheapest insertion, then guided local search until ``stop``: its iterations as the most
    solutions found, its time limit by the clock."""
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
    return params


class _Ticks:
    """The search's at-solution callback: calls ``tick``, and keeps what it raises (OR-Tools
    swallows what a callback raises), ending the search, for the caller to raise."""

    def __init__(self, routing: pywrapcp.RoutingModel, tick: Callable[[], None]) -> None:
        self._routing = routing
        self._tick = tick
        self.raised: list[BaseException] = []

    def __call__(self) -> None:
        try:
            self._tick()
        except BaseException as error:
            self.raised.append(error)
            self._routing.solver().FinishCurrentSearch()


def _start(
    model: StreamModel, initial: Sequence[SlotRoute]
) -> tuple[pywrapcp.Assignment | None, int | None]:
    """Where the search starts, and the model's objective for the routes ``initial`` (None: there
    were none, or they broke the model, and the start is mended from them or from nothing)."""
    if initial:
        given = model.assignment(_paths(model, initial))
        objective = None if given is None else _objective(model.routing, given)
        if objective is not None:
            return given, objective
    # No start, or one that breaks the model: it is mended trip by trip.
    return model.assignment(_mended(model, initial or _one_job_trips(model.sub))), None


def _paths(model: StreamModel, routes: Sequence[SlotRoute]) -> list[list[int]]:
    """``routes`` as the model's paths, each trip to a visit of its own dump."""
    free = [list(reversed(dn)) for dn in model.nodes.dump_nodes]
    paths: list[list[int]] = [[] for _ in model.sub.slots]
    for route in routes:
        for trip in route.trips:
            paths[route.slot] += [model.nodes.first_job + k for k in trip.jobs]
            paths[route.slot].append(free[trip.dump].pop())
    return paths


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


def _mended(model: StreamModel, routes: Sequence[SlotRoute]) -> list[list[int]]:
    """``routes`` as the model's paths, kept within its constraints trip by trip: a trip goes to
    its own dump or, if that breaks a rule, the first other that does not; a trip no dump makes
    good is left out (the search may put its jobs back). The insertion heuristics cannot start
    this model from nothing (a job alone cannot come home, a dump alone earns nothing)."""
    nodes = model.nodes
    free = [list(reversed(dn)) for dn in nodes.dump_nodes]
    paths: list[list[int]] = [[] for _ in model.sub.slots]
    for route in routes:
        for trip in route.trips:
            jobs = [nodes.first_job + k for k in trip.jobs]
            order = [trip.dump, *(d for d in range(len(model.sub.dumps)) if d != trip.dump)]
            for d in order:
                if not free[d]:
                    continue
                tried = [*paths[route.slot], *jobs, free[d][-1]]
                if model.assignment([tried if v == route.slot else p for v, p in enumerate(paths)]):
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


def _to_slot_routes(model: StreamModel, solution: pywrapcp.Assignment) -> list[SlotRoute]:
    """The solution's routes, in the stream problem's numbers: each trip's jobs and its dump."""
    nodes, manager, routing = model.nodes, model.manager, model.routing
    time_dim = model.time_dim
    routes: list[SlotRoute] = []
    for v in range(len(model.sub.slots)):
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
