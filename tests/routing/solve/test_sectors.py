"""Sectors: a stream too large for one search is split; every visit and vehicle-shift lands in
exactly one piece, and the optimiser's plan over the pieces still passes the validator."""

from __future__ import annotations

from routing.domain import WasteStream
from routing.solve import SolveParams, Stop, optimise, sectors
from routing.solve.jobs import all_slots, jobs_by_stream
from routing.validation import validate
from scenarios.district import BoxSampler, DistrictSpec, generate_district

BOX = BoxSampler(120.10, 30.25, 120.16, 30.29)


def test_pieces_partition_the_jobs_and_slots_and_keep_narrow_visits_with_small_vehicles() -> None:
    problem = generate_district(BOX, seed=2, spec=DistrictSpec(scale=0.3))
    jobs = jobs_by_stream(problem)[WasteStream.RESIDUAL]
    slots = [s for s in all_slots(problem) if s.profile in ("large", "cart")]
    pieces = sectors.split_jobs(problem, jobs, slots, most=80)
    assert len(pieces) >= 3
    seen_jobs = [j for piece_jobs, _ in pieces for j in piece_jobs]
    seen_slots = [s for _, piece_slots in pieces for s in piece_slots]
    assert sorted(seen_jobs, key=str) == sorted(jobs, key=str)
    assert sorted(seen_slots, key=str) == sorted(slots, key=str)
    smallest = min(s.size for s in slots)
    for piece_jobs, piece_slots in pieces:
        assert len(piece_jobs) <= 2 * 80
        # A visit no truck can reach is in a piece whose vehicles can all reach it.
        if any(j.max_size < min(s.size for s in slots if s.size > smallest) for j in piece_jobs):
            assert {s.size for s in piece_slots} == {smallest}
        assert piece_slots, "every piece has vehicles"


def test_a_stream_that_fits_is_one_piece() -> None:
    problem = generate_district(BOX, seed=2, spec=DistrictSpec(scale=0.05))
    jobs = jobs_by_stream(problem)[WasteStream.KITCHEN]
    slots = all_slots(problem)
    assert sectors.split_jobs(problem, jobs, slots) == [(tuple(jobs), tuple(slots))]


def test_the_optimiser_over_sectors_returns_a_valid_plan() -> None:
    problem = generate_district(BOX, seed=6, spec=DistrictSpec(scale=0.2))
    params = SolveParams(sector_jobs=60)
    plan = optimise(
        problem,
        stop=Stop(60.0, iterations=100),
        params=params,
        seed=1,
        workers=2,
        portfolio=False,
    )
    assert plan.stats is not None and plan.stats.searches > len(plan.stats.streams)
    assert sum(p.visits_per_day for p in problem.points) >= params.pool_min_jobs  # spawned
    report = validate(problem, plan)
    assert report.ok, [str(v) for v in report.violations[:5]]
    served = sum(1 for _ in plan.served_visits())
    assert served + len(plan.unserved) == sum(p.visits_per_day for p in problem.points)
