"""Routes closed in a stream's search: a route whose visits fit on the others for less is closed,
a route that pays for itself stays, and a search in rounds under an iteration budget gives the
same routes for the same seed.

The problems are laid out on a line: positions in kilometres, one minute per kilometre.
"""

from __future__ import annotations

import time

import numpy as np
from pyvrp import Route, Solution
from pyvrp._pyvrp import Activity, ActivityType

from routing.domain import WasteStream
from routing.params import SolveParams
from routing.solve.model import Dump, Job, Slot, StreamProblem
from routing.solve.pyvrp_adapter import Built, build_data, close_routes, solve_stream
from routing.solve.stop import Stop
from routing.travel import TravelMatrix
from routing.units import HOUR, MINUTE

PARAMS = SolveParams()
PLANT = Dump("plant", 5 * HOUR, 22 * HOUR, 10 * MINUTE)


def _problem(positions: dict[str, float], jobs: list[Job], vehicles: int) -> StreamProblem:
    ids = ("depot", "plant", *positions)
    km = np.array([0.0, 0.5, *positions.values()])
    apart = np.abs(km[:, None] - km[None, :])
    matrix = TravelMatrix(
        "large",
        ids,
        np.rint(apart * 1000).astype(np.int64),
        np.rint(apart * MINUTE).astype(np.int64),
    )
    slots = tuple(
        Slot(f"v{k}", "day", "depot", "large", 2, 1000, 100_000, 6 * HOUR, 20 * HOUR, 300, 6000)
        for k in range(vehicles)
    )
    return StreamProblem(WasteStream.RESIDUAL, tuple(jobs), slots, (PLANT,), {"large": matrix})


def _job(point: str, *, start: int = 6 * HOUR, end: int = 20 * HOUR) -> Job:
    return Job(point, 0, 100, 200, 2 * MINUTE, start, end, 3)


def _solution(sub: StreamProblem, routes: list[list[int]]) -> tuple[Solution, Built]:
    built = build_data(sub, params=PARAMS)
    visits = [[Activity(ActivityType.CLIENT, k) for k in route] for route in routes]
    return Solution(built.data, [Route(built.data, v, 0) for v in visits]), built


def _cost(solution: Solution) -> int:
    return int(solution.distance_cost() + solution.duration_cost() + solution.uncollected_prizes())


def test_a_route_whose_visits_fit_on_another_is_closed_for_less() -> None:
    positions = {f"p{k}": 1.0 + k for k in range(4)}
    sub = _problem(positions, [_job(p) for p in positions], vehicles=2)
    two, built = _solution(sub, [[0, 1], [2, 3]])
    assert two.is_feasible()

    closed = close_routes(built, two, until=time.perf_counter() + 30, seed=1, params=PARAMS)

    assert closed.is_feasible()
    assert closed.num_routes() == 1
    assert closed.num_clients() == 4
    assert _cost(closed) < _cost(two)


def test_a_route_that_pays_for_itself_stays() -> None:
    # Two visits 49 km apart, due 6:50-7:00 and by 6:55: one truck cannot make both (the drive
    # between them is 49 minutes), and leaving one out forgoes its prize.
    positions = {"near": 1.0, "far": 50.0}
    jobs = [
        _job("near", start=6 * HOUR + 50 * MINUTE, end=7 * HOUR),
        _job("far", start=6 * HOUR, end=6 * HOUR + 55 * MINUTE),
    ]
    sub = _problem(positions, jobs, vehicles=2)
    two, built = _solution(sub, [[0], [1]])
    assert two.is_feasible()

    kept = close_routes(built, two, until=time.perf_counter() + 30, seed=1, params=PARAMS)

    assert kept.num_routes() == 2
    assert kept.num_clients() == 2
    assert _cost(kept) == _cost(two)


def test_a_route_is_not_closed_by_leaving_its_visits_out() -> None:
    # As above, one truck cannot make both visits; with a prize of a tenth of serving a visit
    # alone, dropping one would cost less than its route, but closing a route must place its
    # visits (what the search left out, the repairs could not always put back).
    positions = {"near": 1.0, "far": 50.0}
    jobs = [
        _job("near", start=6 * HOUR + 50 * MINUTE, end=7 * HOUR),
        _job("far", start=6 * HOUR, end=6 * HOUR + 55 * MINUTE),
    ]
    cheap = SolveParams(prize_factor=0.1, min_prize_milli_fen=0)
    sub = _problem(positions, jobs, vehicles=2)
    built = build_data(sub, params=cheap)
    visits = [[Activity(ActivityType.CLIENT, k)] for k in (0, 1)]
    two = Solution(built.data, [Route(built.data, v, 0) for v in visits])
    assert two.is_feasible()

    kept = close_routes(built, two, until=time.perf_counter() + 30, seed=1, params=cheap)

    assert kept.num_routes() == 2
    assert kept.num_clients() == 2


def test_the_rounds_under_an_iteration_budget_give_the_same_routes_for_a_seed() -> None:
    rng = np.random.default_rng(3)
    positions = {f"p{k}": float(x) for k, x in enumerate(rng.uniform(1, 30, size=40))}
    sub = _problem(positions, [_job(p) for p in positions], vehicles=4)
    params = SolveParams(closing_rounds=2)

    runs = [solve_stream(sub, stop=Stop(60, 200), seed=5, params=params) for _ in range(2)]

    assert runs[0] == runs[1]
    assert sorted(k for r in runs[0] for t in r.trips for k in t.jobs) == list(range(40))
