"""The reference ``huanwei bench pyvrp`` measures the optimiser against: the whole day as one
plain PyVRP instance, and a cost both share.

Plain PyVRP sees every visit of every stream with its window, every vehicle-shift with its hours,
capacities by weight and volume, and every facility as a reload depot; it does not see streams,
bodies, facility acceptance, on-board limits, crews, breaks or hauls. Its cost and the
optimiser's are both measured as PyVRP measures a route: metres × fen/km + seconds × fen/h ÷ 3.6
(milli-fen), hauls left out. The optimiser itself is run through :func:`routing.solve.solve`, as
a dispatcher's plan is; only this reference is built here.
"""

from __future__ import annotations

from routing.domain import WasteStream
from routing.kpi import route_legs
from routing.params import SolveParams
from routing.plan import Plan
from routing.problem import Problem
from routing.solve.jobs import all_slots, facility_hours, jobs_by_stream
from routing.solve.model import Dump, StreamProblem
from routing.solve.pyvrp_adapter import build_data, search
from routing.solve.stop import Stop


def whole_day(problem: Problem) -> StreamProblem:
    """Every job, every slot, every facility, in one problem."""
    jobs = tuple(j for js in jobs_by_stream(problem).values() for j in js)
    slots = tuple(all_slots(problem))
    dumps = tuple(
        Dump(f.id, facility_hours(f).start_s, facility_hours(f).end_s, f.tipping_s)
        for f in problem.facilities
    )
    return StreamProblem(WasteStream.RESIDUAL, jobs, slots, dumps, problem.travel)


def routing_cost(problem: Problem, plan: Plan) -> int:
    """The plan's routes priced as PyVRP prices them (milli-fen), hauls left out."""
    total = 0
    for route in plan.routes:
        vtype = problem.vehicle_type_of(problem.vehicle_by_id[route.vehicle_id])
        metres, _driving_s = route_legs(problem, route)
        total += vtype.cost_milli_fen(metres, route.end_s - route.start_s)
    return total


def solve_plain(
    sub: StreamProblem, *, stop: Stop, seed: int, params: SolveParams | None = None
) -> dict[str, object]:
    """Plain PyVRP on a whole day relaxed to what it models.

    Every job required; capacities by weight and volume; reload depots at every facility in
    ``sub.dumps`` whatever the stream; shift windows and profiles as the optimiser's; no rule of
    CT1–CT5, crews or breaks. Returns its cost (milli-fen), distance, routes and feasibility.
    """
    params = params or SolveParams()
    built = build_data(sub, plain=True, params=params)
    result = search(built, stop, seed, params)
    best = result.best
    routes = best.routes()
    cost = sum(
        r.distance() * built.data.vehicle_type(r.vehicle_type()).unit_distance_cost
        + r.duration() * built.data.vehicle_type(r.vehicle_type()).unit_duration_cost
        for r in routes
    )
    return {
        "feasible": bool(best.is_feasible()),
        "cost_milli_fen": int(cost),
        "km": round(best.distance() / 1000, 3),
        "routes": len(routes),
        "clients": int(best.num_clients()),
        "iterations": int(result.num_iterations),
        "seconds": round(result.runtime, 2),
    }


def plain_pyvrp(
    problem: Problem, *, time_limit_s: float, seed: int, max_iterations: int | None = None
) -> dict[str, object]:
    """Plain PyVRP's result on the whole day (see the module's description)."""
    return solve_plain(whole_day(problem), stop=Stop(time_limit_s, max_iterations), seed=seed)
