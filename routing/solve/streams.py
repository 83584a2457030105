"""The optimiser's searches: a stream (or a sector of one) on the vehicle-shifts given to it, as a
sub-problem; its search by PyVRP, then for a small one OR-Tools' routing library
(:mod:`routing.solve.ortools_routing`); the searches shared over the machine's cores within the
time left.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing import get_context

from routing.domain import WasteStream
from routing.params import SolveParams
from routing.plan import Plan
from routing.problem import Problem
from routing.solve.allocation import dump_leg_s, nearest_legs_s
from routing.solve.jobs import break_margin, dumps_for
from routing.solve.model import Job, Slot, SlotRoute, SlotTrip, StreamProblem
from routing.solve.ortools_routing import Routed, route_stream
from routing.solve.pyvrp_adapter import solve_stream
from routing.solve.sectors import split_jobs
from routing.solve.stop import Stop
from routing.travel import TravelMatrix

#: Seconds between two looks at the worker processes' searches (progress goes on meanwhile).
POLL_S = 0.5


@dataclass(frozen=True, slots=True)
class SearchTask:
    """A sub-problem and the stopping criterion of its search."""

    sub: StreamProblem
    stop: Stop


def _restrict(matrix: TravelMatrix, ids: Sequence[str]) -> TravelMatrix:
    keep = list(dict.fromkeys(ids))
    index = [matrix.index[i] for i in keep]
    return TravelMatrix(
        matrix.profile,
        tuple(keep),
        matrix.distance_m[index][:, index],
        matrix.time_s[index][:, index],
        matrix.method,
    )


def _board_estimates(
    problem: Problem, stream: WasteStream, jobs: Sequence[Job], profile: str, factor: float
) -> tuple[tuple[Job, ...], int]:
    """Jobs with their estimated seconds on board, and the per-trip budget for them (CT5): the
    on-board limit less the drive to a dump and room for a break. Nearest-neighbour legs times
    ``factor``: they underestimate the legs a route really drives."""
    legs = nearest_legs_s(problem, jobs, profile)
    boarded = tuple(
        dataclasses.replace(job, board_s=job.service_s + int(factor * leg))
        for job, leg in zip(jobs, legs, strict=True)
    )
    limit = problem.rules.on_board_limit_s - break_margin(problem)
    limit -= int(factor * dump_leg_s(problem, stream, jobs, profile))
    return boarded, max(limit, max((j.board_s for j in boarded), default=1))


def _numbering(
    sub: StreamProblem,
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, int], int], dict[str, int]]:
    """``sub``'s slot, job and dump numbers by (vehicle, shift), (point, visit) and facility."""
    return (
        {(s.vehicle_id, s.shift_id): k for k, s in enumerate(sub.slots)},
        {(j.point_id, j.visit): k for k, j in enumerate(sub.jobs)},
        {d.facility_id: k for k, d in enumerate(sub.dumps)},
    )


def warm_routes(sub: StreamProblem, plan: Plan) -> tuple[SlotRoute, ...]:
    """The routes of ``plan`` that carry ``sub``'s stream, in ``sub``'s slots and jobs."""
    slot_of, job_of, dump_of = _numbering(sub)
    out: list[SlotRoute] = []
    for route in plan.routes:
        slot = slot_of.get((route.vehicle_id, route.shift_id))
        if slot is None:
            continue
        trips = []
        for trip in route.trips:
            jobs = tuple(
                job_of[(v.point_id, v.visit)]
                for v in trip.visits
                if (v.point_id, v.visit) in job_of
            )
            dump = dump_of.get(trip.unload.facility_id) if trip.unload else None
            if trip.stream is sub.stream and jobs and dump is not None:
                trips.append(SlotTrip(jobs, dump))
        if trips:
            out.append(SlotRoute(slot, route.start_s, tuple(trips)))
    return tuple(out)


def in_whole(
    piece: StreamProblem, whole: StreamProblem, found: Sequence[SlotRoute]
) -> list[SlotRoute]:
    """``found`` (routes of ``piece``) in the slot, job and dump numbers of ``whole``."""
    if piece is whole or (piece.jobs == whole.jobs and piece.slots == whole.slots):
        return list(found)
    slot_of, job_of, dump_of = _numbering(whole)
    out = []
    for route in found:
        slot = piece.slots[route.slot]
        trips = tuple(
            SlotTrip(
                tuple(job_of[(piece.jobs[k].point_id, piece.jobs[k].visit)] for k in trip.jobs),
                dump_of[piece.dumps[trip.dump].facility_id],
            )
            for trip in route.trips
        )
        out.append(SlotRoute(slot_of[(slot.vehicle_id, slot.shift_id)], route.start_s, trips))
    return out


def budgets(
    tasks: list[StreamProblem], stop: Stop, workers: int, params: SolveParams
) -> list[SearchTask]:
    """Share ``stop``'s seconds on ``workers`` cores by job count (largest first on the emptiest
    core); each search keeps ``stop``'s iterations and deadline."""
    seconds = stop.time_limit_s
    weights = [max(1, len(t.jobs)) ** params.search_weight_exponent for t in tasks]
    order = sorted(range(len(tasks)), key=lambda i: -weights[i])
    loads = [0.0] * workers
    core = [0] * len(tasks)
    for i in order:
        k = loads.index(min(loads))
        core[i], loads[k] = k, loads[k] + weights[i]
    return [
        SearchTask(
            tasks[i],
            stop.within(max(params.min_search_s, seconds * weights[i] / loads[core[i]])),
        )
        for i in range(len(tasks))
    ]


def search_task(
    task: SearchTask,
    seed: int,
    params: SolveParams,
    tick: Callable[[], None] | None = None,
) -> tuple[list[SlotRoute], bool]:
    """One search: its share of the time, cut, when it starts, to what is left before its stop's
    deadline (wall clock, which worker processes share): a search that waited for a worker to
    start or for another search to finish does not run past the end of the searching. ``tick``
    is called as it goes (progress).

    A small sub-problem goes on in the routing library after PyVRP: the exact dump choice pays
    there (Andorra's night soil, 132 jobs: -2 % to -13 %), while on a thousand jobs its moves
    are too slow to give anything (-0.002 %). Under an iteration budget it stops after one
    solution per :attr:`SolveParams.routing_iterations` of PyVRP's iterations: each of its
    solutions costs far more than an iteration, and the bound must end the search before the
    clock does for a seed to give the same plan."""
    stop = Stop(task.stop.seconds_left(least=params.min_search_s), task.stop.iterations)
    sub = task.sub
    # The routing library's model knows no limit on trips (daily limits, DL): PyVRP's alone.
    limited = any(s.max_trips is not None for s in sub.slots)
    if len(sub.jobs) > params.routing_max_jobs or limited:
        return solve_stream(sub, stop=stop, seed=seed, params=params, tick=tick), False
    found = solve_stream(
        sub, stop=stop.share(1 - params.routing_share), seed=seed, params=params, tick=tick
    )
    solutions = (
        None if stop.iterations is None else max(1, stop.iterations // params.routing_iterations)
    )
    routed = route_stream(
        sub,
        stop=Stop(params.routing_share * stop.time_limit_s, solutions),
        initial=found,
        drop_penalty=params.drop_penalty_milli_fen,
        tick=tick,
    )
    chosen = better_routes(found, routed)
    return chosen, chosen is not found


def better_routes(found: list[SlotRoute], routed: Routed | None) -> list[SlotRoute]:
    """PyVRP's routes ``found``, or the routing library's when they serve more jobs or, as many,
    at a lower objective than PyVRP's routes have in its model (or PyVRP's break its model)."""
    if routed is None:
        return found
    served = sum(len(t.jobs) for r in found for t in r.trips)
    served_routed = sum(len(t.jobs) for r in routed.routes for t in r.trips)
    if served_routed != served:
        return routed.routes if served_routed > served else found
    if routed.initial_objective is None or routed.objective < routed.initial_objective:
        return routed.routes
    return found


def solve_all(
    tasks: list[SearchTask],
    seed: int,
    params: SolveParams,
    workers: int,
    tick: Callable[[], None],
) -> list[tuple[list[SlotRoute], bool]]:
    # Below pool_min_jobs, starting worker processes (seconds on a loaded machine) would cost
    # more than the second core gives.
    total = sum(len(t.sub.jobs) for t in tasks)
    if workers <= 1 or len(tasks) <= 1 or total < params.pool_min_jobs:
        return [search_task(t, seed, params, tick) for t in tasks]
    # Spawned, not forked: a worker holds its own sub-problem only, not a copy of the caller's
    # pages (a city's matrices), and no lock a caller's thread held at the fork.
    order = sorted(tasks, key=lambda t: -t.stop.time_limit_s)
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(search_task, t, seed, params) for t in order]
        pending = set(futures)
        while pending:  # the searches run in the workers: progress goes on from here
            _finished, pending = wait(pending, timeout=POLL_S, return_when=FIRST_COMPLETED)
            tick()
        by_sub = {id(t.sub): f for t, f in zip(order, futures, strict=True)}
        return [by_sub[id(t.sub)].result() for t in tasks]


def sub_problems(
    problem: Problem,
    jobs: Mapping[WasteStream, Sequence[Job]],
    slots: Sequence[Slot],
    allocation: Sequence[WasteStream | None],
    params: SolveParams,
    warm_start: Plan | None,
) -> tuple[list[StreamProblem], dict[WasteStream, StreamProblem]]:
    """The searches' sub-problems (a stream, or a sector of one, on the slots given to it) and
    each stream as one, for the repairs."""
    subs: list[StreamProblem] = []
    whole: dict[WasteStream, StreamProblem] = {}
    for stream, stream_jobs in jobs.items():
        chosen = tuple(s for s, a in zip(slots, allocation, strict=True) if a is stream)
        dumps = tuple(dumps_for(problem, stream))
        if not chosen or not dumps:
            continue
        profile = max(sorted({s.profile for s in chosen}), key=[s.profile for s in chosen].count)
        boarded, limit = _board_estimates(
            problem, stream, stream_jobs, profile, params.board_leg_factor
        )
        whole[stream] = StreamProblem(stream, boarded, chosen, dumps, problem.travel, limit)
        for piece_jobs, piece_slots in split_jobs(problem, boarded, chosen, params.sector_jobs):
            ids = [s.depot_id for s in piece_slots] + [d.facility_id for d in dumps]
            ids += [j.point_id for j in piece_jobs]
            matrices = {
                p: _restrict(problem.travel[p], ids) for p in {s.profile for s in piece_slots}
            }
            sub = StreamProblem(stream, piece_jobs, piece_slots, dumps, matrices, limit)
            if warm_start is not None:
                sub = dataclasses.replace(sub, warm=warm_routes(sub, warm_start))
            subs.append(sub)
    return subs, whole
