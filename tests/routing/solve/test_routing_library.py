"""OR-Tools' routing library on one stream's small problems: each trip ends at a dump open when
it tips, loads within the body, nothing brought home, bodies kept out of what they cannot reach,
and the search goes on from the routes it is given.

The problems are laid out on a line: positions in kilometres, one minute per kilometre.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from routing.domain import WasteStream
from routing.params import SolveParams
from routing.solve.model import Dump, Job, Slot, SlotRoute, SlotTrip, StreamProblem
from routing.solve.ortools_routing import route_stream
from routing.solve.stop import Stop
from routing.solve.streams import better_routes
from routing.travel import TravelMatrix
from routing.units import HOUR, MINUTE

DROP_PENALTY = SolveParams().drop_penalty_milli_fen


def _matrix(positions: dict[str, float]) -> TravelMatrix:
    ids = tuple(positions)
    km = np.array([positions[i] for i in ids])
    apart = np.abs(km[:, None] - km[None, :])
    return TravelMatrix(
        "large",
        ids,
        np.rint(apart * 1000).astype(np.int64),
        np.rint(apart * MINUTE).astype(np.int64),
    )


def _job(point: str, kg: int, *, start: int = 6 * HOUR, end: int = 20 * HOUR, size: int = 3) -> Job:
    return Job(point, 0, kg, kg * 2, 2 * MINUTE, start, end, size, board_s=10 * MINUTE)


def _slot(vehicle: str, *, capacity_kg: int = 1000, size: int = 2) -> Slot:
    return Slot(
        vehicle, "day", "depot", "large", size, capacity_kg, 100_000, 6 * HOUR, 20 * HOUR, 300, 6000
    )


def _problem(
    jobs: list[Job],
    slots: list[Slot],
    dumps: list[Dump],
    positions: dict[str, float],
    on_board_s: int = 0,
) -> StreamProblem:
    return StreamProblem(
        WasteStream.RESIDUAL,
        tuple(jobs),
        tuple(slots),
        tuple(dumps),
        {"large": _matrix(positions)},
        on_board_s,
    )


ALL_DAY = Dump("plant", 5 * HOUR, 22 * HOUR, 10 * MINUTE)


def _in_a_line(
    count: int, kg: int, plant_km: float, *, first_km: float = 1.0, on_board_s: int = 0
) -> tuple[list[Job], StreamProblem]:
    """``count`` jobs of ``kg`` a kilometre apart from ``first_km``, one vehicle, the plant."""
    jobs = [_job(f"p{k}", kg) for k in range(count)]
    positions = {"depot": 0.0, "plant": plant_km} | {f"p{k}": first_km + k for k in range(count)}
    return jobs, _problem(jobs, [_slot("v1")], [ALL_DAY], positions, on_board_s)


def _served(routes: list[SlotRoute]) -> list[int]:
    return sorted(k for r in routes for t in r.trips for k in t.jobs)


def test_the_load_forces_trips_and_every_trip_ends_at_a_dump_within_capacity() -> None:
    jobs, sub = _in_a_line(4, 600, 10.0, first_km=2.0)
    routed = route_stream(sub, stop=Stop(2.0, iterations=200))
    assert routed is not None
    assert _served(routed.routes) == [0, 1, 2, 3]
    trips = [t for r in routed.routes for t in r.trips]
    assert len(trips) == 4  # 600 kg each, 1,000 kg a body: one job a trip
    assert all(sum(jobs[k].kg for k in t.jobs) <= 1000 for t in trips)
    assert routed.objective < DROP_PENALTY  # nothing left out


def test_a_trip_tips_at_the_dump_open_at_that_hour_not_the_nearest() -> None:
    # The near dump closes at 09:00; the jobs can only start from 10:00, so every trip must go
    # on to the far one, though the near one is on the way home.
    near = Dump("near", 5 * HOUR, 9 * HOUR, 10 * MINUTE)
    far = Dump("far", 5 * HOUR, 22 * HOUR, 10 * MINUTE)
    jobs = [_job(f"p{k}", 300, start=10 * HOUR) for k in range(3)]
    positions = {"depot": 0.0, "near": 1.0, "far": 30.0} | {f"p{k}": 5.0 + k for k in range(3)}
    sub = _problem(jobs, [_slot("v1")], [near, far], positions)
    # A start that tips at the near dump (as the way home through the nearest dump would).
    given = [SlotRoute(0, 6 * HOUR, (SlotTrip((0, 1, 2), 0),))]
    routed = route_stream(sub, stop=Stop(2.0, iterations=200), initial=given)
    assert routed is not None
    assert routed.initial_objective is None  # the near dump is closed by then: not a plan
    assert _served(routed.routes) == [0, 1, 2]
    assert {t.dump for r in routed.routes for t in r.trips} == {1}
    assert better_routes(given, routed) is routed.routes


def test_a_job_no_body_may_reach_is_left_out_and_the_rest_served() -> None:
    jobs = [_job("wide", 100), _job("narrow", 100, size=1), _job("other", 100)]
    positions = {"depot": 0.0, "plant": 4.0, "wide": 1.0, "narrow": 2.0, "other": 3.0}
    sub = _problem(jobs, [_slot("v1", size=2), _slot("v2", size=3)], [ALL_DAY], positions)
    routed = route_stream(sub, stop=Stop(2.0, iterations=200))
    assert routed is not None
    assert _served(routed.routes) == [0, 2]
    assert routed.objective > DROP_PENALTY  # the narrow one is paid for as left out


def test_the_on_board_estimate_splits_trips() -> None:
    # 10 min on board a job, 25 min a trip: at most two jobs a trip although the load allows all.
    _, sub = _in_a_line(5, 10, 6.0, on_board_s=25 * MINUTE)
    routed = route_stream(sub, stop=Stop(2.0, iterations=200))
    assert routed is not None
    assert _served(routed.routes) == [0, 1, 2, 3, 4]
    assert max(len(t.jobs) for r in routed.routes for t in r.trips) == 2


def test_the_search_improves_a_poor_start_and_is_kept() -> None:
    # Two vehicles, jobs on both sides of the depot, given crossed over: v1 takes the west and
    # east jobs alternately, one trip each.
    west = {f"w{k}": -2.0 - k for k in range(3)}
    east = {f"e{k}": 2.0 + k for k in range(3)}
    positions = {"depot": 0.0, "plant": 0.5} | west | east
    jobs = [_job(p, 100) for p in [*west, *east]]
    sub = _problem(jobs, [_slot("v1"), _slot("v2")], [ALL_DAY], positions)
    poor = [SlotRoute(0, 6 * HOUR, tuple(SlotTrip((k,), 0) for k in (0, 3, 1, 4, 2, 5)))]
    routed = route_stream(sub, stop=Stop(5.0, iterations=2000), initial=poor)
    assert routed is not None and routed.initial_objective is not None
    assert routed.objective < routed.initial_objective
    assert _served(routed.routes) == list(range(6))
    assert better_routes(poor, routed) is routed.routes
    # Given a start the search cannot better, the start is kept.
    again = route_stream(sub, stop=Stop(2.0, iterations=200), initial=routed.routes)
    assert again is not None and again.initial_objective == routed.objective
    assert better_routes(routed.routes, again) in (routed.routes, again.routes)
    assert again.objective <= routed.objective


def test_fewer_jobs_served_is_never_preferred() -> None:
    _, sub = _in_a_line(3, 100, 4.0)
    routed = route_stream(sub, stop=Stop(2.0, iterations=200))
    assert routed is not None
    everything = [SlotRoute(0, 6 * HOUR, (SlotTrip((0, 1, 2), 0),))]
    # The same objective as the routing library's own routes, but one job where there were three.
    fewer = dataclasses.replace(routed, routes=[SlotRoute(0, 6 * HOUR, (SlotTrip((0,), 0),))])
    assert better_routes(everything, fewer) is everything
    assert better_routes(everything[:0], routed) is routed.routes


def test_the_same_input_under_a_solution_limit_gives_the_same_routes() -> None:
    jobs = [_job(f"p{k}", 250) for k in range(8)]
    positions = {"depot": 0.0, "plant": 9.0} | {f"p{k}": (-1.0) ** k * (1.0 + k) for k in range(8)}
    sub = _problem(jobs, [_slot("v1"), _slot("v2")], [ALL_DAY], positions)
    first = route_stream(sub, stop=Stop(30.0, iterations=300))
    second = route_stream(sub, stop=Stop(30.0, iterations=300))
    assert first is not None and second is not None
    assert first.routes == second.routes and first.objective == second.objective
