"""The benchmark's reference: the whole day as one plain PyVRP instance, and a cost both share.

Plain PyVRP sees every visit of every stream with its window, every vehicle-shift with its hours,
capacities by weight and volume, and every facility as a reload depot; it does not see streams,
bodies, facility acceptance, on-board limits, crews, breaks or hauls. Its cost and the
optimiser's are both measured as PyVRP measures a route: metres × fen/km + seconds × fen/h ÷ 3.6
(milli-fen), hauls left out.
"""

from __future__ import annotations

from routing.domain import WasteStream
from routing.kpi import route_legs
from routing.plan import Plan
from routing.problem import Problem
from routing.solve.jobs import all_slots, facility_hours, jobs_by_stream
from routing.solve.model import Dump, StreamProblem
from routing.solve.pyvrp_adapter import solve_plain
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


def plain_pyvrp(
    problem: Problem, *, time_limit_s: float, seed: int, max_iterations: int | None = None
) -> dict[str, object]:
    """Plain PyVRP's result on the whole day (see the module's description)."""
    return solve_plain(whole_day(problem), stop=Stop(time_limit_s, max_iterations), seed=seed)
