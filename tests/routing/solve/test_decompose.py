"""Decomposition of a large stream's search: a piece holds whole routes, the visits left out near
them and the idle vehicle-shifts; its routes map back to the whole's numbers; the search of the
pieces never makes the whole's routes dearer, serves what the whole search served, gives the same
routes for a seed under an iteration budget, and the optimiser's plan with it passes the
validator."""

from __future__ import annotations

import dataclasses
import random

import numpy as np

from routing.domain import WasteStream
from routing.params import SolveParams
from routing.solve import Stop, optimise
from routing.solve.decompose import _Nearness, _piece, decomposed_search
from routing.solve.model import Dump, Job, Slot, SlotRoute, SlotTrip, StreamProblem
from routing.solve.pyvrp_adapter import _solution, build_data, solve_stream
from routing.travel import TravelMatrix
from routing.units import HOUR, MINUTE
from routing.validation import validate
from scenarios.district import BoxSampler, DistrictSpec, generate_district

BOX = BoxSampler(120.10, 30.25, 120.16, 30.29)


def _grid_problem(count: int = 160, vehicles: int = 10) -> StreamProblem:
    """``count`` jobs scattered over a 20 km square round the depot, a plant at its edge, one
    minute per kilometre; vehicles of 1.2 t."""
    rng = random.Random(7)
    places = {"depot": (0.0, 0.0), "plant": (10.0, 0.0)}
    places |= {f"p{k}": (rng.uniform(-10, 10), rng.uniform(-10, 10)) for k in range(count)}
    ids = tuple(places)
    xy = np.array([places[i] for i in ids])
    km = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    matrix = TravelMatrix(
        "large", ids, np.rint(km * 1000).astype(np.int64), np.rint(km * MINUTE).astype(np.int64)
    )
    jobs = tuple(
        Job(f"p{k}", 0, 100, 200, 2 * MINUTE, 6 * HOUR, 18 * HOUR, 3) for k in range(count)
    )
    slots = tuple(
        Slot(f"v{k}", "day", "depot", "large", 2, 1200, 100_000, 6 * HOUR, 18 * HOUR, 300, 6000)
        for k in range(vehicles)
    )
    dumps = (Dump("plant", 5 * HOUR, 22 * HOUR, 10 * MINUTE),)
    return StreamProblem(WasteStream.RESIDUAL, jobs, slots, dumps, {"large": matrix})


def _objective(sub: StreamProblem, routes: list[SlotRoute]) -> int:
    from pyvrp import CostEvaluator

    built = build_data(sub)
    solution = _solution(sub, built, routes)
    assert solution is not None
    return int(CostEvaluator([0] * len(solution.excess_load()), 0, 0).cost(solution))


def test_a_piece_holds_whole_routes_the_visits_left_out_near_them_and_the_idle_slots() -> None:
    sub = _grid_problem(count=12, vehicles=5)
    # Four routes (jobs 0-8 three by three, job 9 alone), jobs 10 and 11 left out, slot 4 idle.
    routes = [
        SlotRoute(k, 6 * HOUR, (SlotTrip(tuple(range(3 * k, min(3 * k + 3, 10))), 0),))
        for k in range(4)
    ]
    near = _Nearness(sub)
    for seed in range(6):
        piece = _piece(sub, routes, near, random.Random(seed), most=5)
        chosen = [r for r in routes if r.slot in piece.slots]
        assert len(chosen) >= 2
        # Whole routes, mapped back exactly; the idle slot is offered to the piece.
        assert piece.in_whole(piece.sub.warm) == chosen
        assert 4 in piece.slots
        # Of the visits left out, the nearest the piece (a quarter of ``most``, at least one).
        mine = sorted(k for r in chosen for t in r.trips for k in t.jobs)
        nearer = min((10, 11), key=lambda k: near.mean_s([k], mine))
        assert piece.jobs == [*mine, nearer]
        assert [j.point_id for j in piece.sub.jobs] == [sub.jobs[k].point_id for k in piece.jobs]
        # Made round a left-out job: it holds the route serving the job nearest to one of them.
        served = [k for r in routes for t in r.trips for k in t.jobs]
        for job in (10, 11):
            round_it = _piece(sub, routes, near, random.Random(seed), most=5, round_job=job)
            assert near.nearest(job, served) in round_it.jobs


def test_the_pieces_never_make_the_routes_dearer_and_a_seed_gives_the_same_routes() -> None:
    sub = _grid_problem()
    params = SolveParams(decompose_min_jobs=100, decompose_jobs=50, decompose_piece_iterations=60)
    # The whole's search alone, with the iterations the decomposition gives it (half of 200).
    whole = solve_stream(sub, stop=Stop(120.0, iterations=100), seed=3, params=params)
    first = decomposed_search(sub, stop=Stop(120.0, iterations=200), seed=3, params=params)
    second = decomposed_search(sub, stop=Stop(120.0, iterations=200), seed=3, params=params)
    assert first == second
    assert _objective(sub, first) < _objective(sub, whole)

    def served(routes: list[SlotRoute]) -> list[int]:
        return sorted(k for r in routes for t in r.trips for k in t.jobs)

    assert len(served(first)) >= len(served(whole))
    assert len(set(served(first))) == len(served(first))  # no job twice
    # Below the size, the whole alone.
    small = dataclasses.replace(params, decompose_min_jobs=1_000)
    alone = decomposed_search(sub, stop=Stop(120.0, iterations=100), seed=3, params=small)
    assert alone == whole


def test_the_optimiser_with_decomposition_returns_a_valid_plan() -> None:
    problem = generate_district(BOX, seed=6, spec=DistrictSpec(scale=0.1))
    params = SolveParams(decompose_min_jobs=40, decompose_jobs=25, decompose_piece_iterations=30)
    plan = optimise(
        problem, stop=Stop(60.0, iterations=120), params=params, seed=1, workers=1, portfolio=False
    )
    report = validate(problem, plan)
    assert report.ok, [str(v) for v in report.violations[:5]]
    served = sum(1 for _ in plan.served_visits())
    assert served + len(plan.unserved) == sum(p.visits_per_day for p in problem.points)
