"""The optimiser: a whole district-day, every rule, within the caller's time limit.

1. Jobs, slots and dumps (:mod:`routing.solve.jobs`): FQ, CT6 and break margins by construction.
2. CP-SAT gives each vehicle-shift slot one stream (:mod:`routing.solve.allocation`).
3. One PyVRP sub-problem per stream (CT1–CT3 by construction, CT4 by forbidding the loaded way
   home), solved in parallel on the machine's cores within the time left. A small one (at most
   :attr:`SolveParams.routing_max_jobs` jobs) then goes on from PyVRP's routes in OR-Tools' routing library
   (:func:`routing.solve.ortools_adapter.route_stream`), whose model chooses each trip's dump
   within its hours where PyVRP's takes the nearest one home; its routes are kept when its
   objective is lower.
4. Routes are timed on the problem's own matrices with the crew's break
   (:mod:`routing.solve.timing`); CP-SAT gives each a crew (SH1).
5. Hauls from the transfer stations (TH), and every visit not made, with its reason.
6. What is still left out goes to the greedy planner's free vehicle-shifts, then is placed by
   regret wherever a route has room (the dispatchers' insertion).

The greedy planner's plan is made too; the better of the two (fewer visits unserved, then lower
cost) is returned, so the optimiser never does worse than the baseline.

One :class:`~routing.solve.stop.Stop` bounds the run and is handed down, cut to each phase's
share, to every search; one :class:`~routing.params.SolveParams` holds the tuning
constants; the plan carries :class:`~routing.plan.RunStats` of the run.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing import get_context

from routing.dispatch.errors import DispatchError
from routing.dispatch.replan import reoptimise
from routing.domain import WasteStream
from routing.fleet import Crew
from routing.hauls import schedule_hauls
from routing.kpi import compute_kpis
from routing.params import SolveParams
from routing.plan import Candidate, Plan, Route, RunStats, Unserved
from routing.problem import Problem
from routing.solve.allocation import allocate, dump_leg_s, nearest_legs_s
from routing.solve.greedy import plan_greedy
from routing.solve.insertion import insert_missing
from routing.solve.jobs import all_slots, break_margin, dumps_for, jobs_by_stream
from routing.solve.model import Job, Slot, SlotRoute, SlotTrip, StreamProblem
from routing.solve.ortools_crews import assign_crews
from routing.solve.ortools_routing import Routed, route_stream
from routing.solve.pyvrp_adapter import solve_stream
from routing.solve.sectors import split_jobs
from routing.solve.stop import Stop
from routing.solve.storage import (
    Timed,
    keep_facilities_within_capacity,
    keep_stations_in_storage,
)
from routing.solve.timing import repair_route
from routing.solve.unserved import explain_visits
from routing.travel import TravelMatrix
from routing.validation import validate

Progress = Callable[[float, int | None], None]
#: Least seconds between two progress reports while the optimiser runs (a job's progress bar
#: moves with the clock; its heartbeat does not depend on it).
TICK_S = 0.5
#: Progress reported before the end: the last share is the plan's judging.
LAST_TICK = 0.99


class _Ticker:
    """Progress while the optimiser runs: the share of the time limit gone (the search's steps
    call it at every iteration or solution; it reports at most every :data:`TICK_S` seconds),
    never falling, with the cost of the best plan known so far (fen)."""

    def __init__(self, progress: Progress | None, began: float, time_limit_s: float) -> None:
        self._progress = progress
        self._began = began
        self._time_limit_s = max(time_limit_s, 1e-3)
        self._last = -TICK_S
        self._fraction = 0.0
        self.best_cost_fen: int | None = None

    def __call__(self) -> None:
        now = time.perf_counter()
        if self._progress is None or now - self._last < TICK_S:
            return
        self.report(min(LAST_TICK, (now - self._began) / self._time_limit_s))

    def report(self, fraction: float) -> None:
        """Report ``fraction`` (or the last one, if that was higher) at once."""
        if self._progress is None:
            return
        self._last = time.perf_counter()
        self._fraction = max(self._fraction, fraction)
        self._progress(self._fraction, self.best_cost_fen)


@dataclass(frozen=True, slots=True)
class _Task:
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


def _in_whole(
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


def _strictest_crew(problem: Problem) -> Crew:
    """A crew with the shortest hours and the longest break: a route timed for it suits all."""
    crews = problem.crews
    return Crew(
        "any",
        max_work_s=min(c.max_work_s for c in crews),
        break_s=max(c.break_s for c in crews),
        break_after_s=min(c.break_after_s for c in crews),
    )


def _budgets(
    tasks: list[StreamProblem], stop: Stop, workers: int, params: SolveParams
) -> list[_Task]:
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
        _Task(
            tasks[i],
            stop.within(max(params.min_search_s, seconds * weights[i] / loads[core[i]])),
        )
        for i in range(len(tasks))
    ]


def _search(
    task: _Task,
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
    if len(sub.jobs) > params.routing_max_jobs:
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


def _solve_all(
    tasks: list[_Task],
    seed: int,
    params: SolveParams,
    workers: int,
    tick: Callable[[], None],
) -> list[tuple[list[SlotRoute], bool]]:
    # Below pool_min_jobs, starting worker processes (seconds on a loaded machine) would cost
    # more than the second core gives.
    total = sum(len(t.sub.jobs) for t in tasks)
    if workers <= 1 or len(tasks) <= 1 or total < params.pool_min_jobs:
        return [_search(t, seed, params, tick) for t in tasks]
    # Spawned, not forked: a worker holds its own sub-problem only, not a copy of the caller's
    # pages (a city's matrices), and no lock a caller's thread held at the fork.
    order = sorted(tasks, key=lambda t: -t.stop.time_limit_s)
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(_search, t, seed, params) for t in order]
        pending = set(futures)
        while pending:  # the searches run in the workers: progress goes on from here
            _finished, pending = wait(pending, timeout=TICK_S, return_when=FIRST_COMPLETED)
            tick()
        by_sub = {id(t.sub): f for t, f in zip(order, futures, strict=True)}
        return [by_sub[id(t.sub)].result() for t in tasks]


def place_again(
    problem: Problem,
    plan: Plan,
    *,
    seed: int,
    time_limit_s: float,
    params: SolveParams | None = None,
) -> Plan:
    """What the searches and the greedy fill left out, placed by regret wherever a route (or a
    free vehicle-shift) still has room within every rule: the dispatchers' insertion
    (:func:`routing.dispatch.replan.reoptimise`, no moves). The plan is kept if fewer visits stay
    unserved and the validator passes it.

    Nothing is tried with less than :attr:`SolveParams.min_placing_s` seconds, nor for more than
    :attr:`SolveParams.max_placing_pairs` (visit left out × vehicle-shift) pairs: a district's
    few visits, not a city's hundreds (each pair is timed before the clock is looked at)."""
    params = params or SolveParams()
    slots = len(problem.vehicles) * len(problem.shifts)
    if time_limit_s < params.min_placing_s or len(plan.unserved) * slots > params.max_placing_pairs:
        return plan  # its first look at every visit in every route is not bounded by the clock
    try:
        result = reoptimise(problem, plan, time_limit_s=time_limit_s, rounds=0, seed=seed).plan
    except DispatchError:  # the plan breaks a rule: the judging after this says which
        return plan
    if len(result.unserved) >= len(plan.unserved) or not validate(problem, result).ok:
        return plan
    return Plan(plan.problem_name, result.routes, result.hauls, result.unserved, plan.meta)


class _Laps:
    """Seconds per phase of a run, for the plan's run statistics (where the time went)."""

    def __init__(self, began: float, tick: Callable[[], None]) -> None:
        self._last = began
        self._laps: dict[str, float] = {}
        self._tick = tick

    def __call__(self, phase: str) -> None:
        now = time.perf_counter()
        self._laps[phase] = self._laps.get(phase, 0.0) + now - self._last
        self._last = now
        self._tick()

    @property
    def phases(self) -> tuple[tuple[str, float], ...]:
        """Seconds per phase, in the order the phases first ran (rounded to milliseconds)."""
        return tuple((phase, round(seconds, 3)) for phase, seconds in self._laps.items())


def optimise(
    problem: Problem,
    *,
    stop: Stop,
    seed: int = 0,
    params: SolveParams | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    portfolio: bool = True,
    warm_start: Plan | None = None,
) -> Plan:
    """Plan the day; see the module's description. Never raises for an infeasible day: what
    cannot be served is listed in :attr:`Plan.unserved` with its reason.

    ``stop`` bounds the whole run (its iterations bound each search: the same plan for the same
    seed); ``params`` are the tuning constants (their defaults when None). ``portfolio=False``
    returns the optimiser's own plan, without comparing it to the greedy one. ``warm_start``
    (yesterday's plan, say) seeds each stream's search with its routes, as far as they still fit
    today's points, vehicles and shifts. The plan's :attr:`~routing.plan.Plan.stats` say how the
    run went.
    """
    began = time.perf_counter()
    params = params or SolveParams()
    time_limit_s = stop.time_limit_s
    workers = workers or min(2, os.cpu_count() or 1)
    tick = _Ticker(progress, began, time_limit_s)
    tick.report(0.0)
    # The greedy plan first: a feasible day in well under a second at district scale, and how
    # long it takes tells how much time to keep for the greedy fill after the search.
    baseline = plan_greedy(problem, seed=seed, params=params) if portfolio else None
    greedy_s = time.perf_counter() - began
    baseline_cost = None if baseline is None else compute_kpis(problem, baseline).cost_yuan
    if baseline_cost is not None:  # the best plan so far, until the optimiser's is judged
        tick.best_cost_fen = round(baseline_cost * 100)
    laps = _Laps(began, tick)
    laps("greedy")
    jobs = jobs_by_stream(problem)
    slots = all_slots(problem)
    # Under an iteration limit every step is bounded by work, not the clock, so that a seed
    # gives the same plan on a busy machine; the time limit then only guards against a hang.
    deterministic = stop.bounded_by_work
    allocation = allocate(
        problem,
        jobs,
        slots,
        seed=seed,
        stop=stop.within(min(params.allocation_max_s, time_limit_s * params.allocation_share)),
        work=params.allocation_work,
    )
    laps("allocation")
    subs, whole = _sub_problems(problem, jobs, slots, allocation, params, warm_start)
    laps("sub-problems")
    reserve = min(
        max(params.reserve_min_s, params.reserve_greedy_runs * greedy_s),
        params.reserve_share * time_limit_s + params.reserve_cap_greedy_runs * greedy_s,
    )
    left = max(0.5, time_limit_s - (time.perf_counter() - began) - reserve)
    searching = Stop(left, stop.iterations, deadline=time.time() + left)
    tasks = _budgets(subs, searching, workers, params)
    if deterministic:  # the iterations end each search; the time left only guards each one
        tasks = [_Task(t.sub, Stop(left, stop.iterations)) for t in tasks]
    searched = _solve_all(tasks, seed, params, workers, tick)
    results = [found for found, _ in searched]
    laps("search")
    tick.report(0.85)

    crew = _strictest_crew(problem)
    records = _timed_routes(problem, subs, results, whole, crew)
    laps("timing")
    insert_deadline = began + time_limit_s - (0.0 if deterministic else reserve / 2)
    insert_missing(problem, records, crew, deadline=insert_deadline, tries=params.insertion_tries)
    laps("insertion")
    keep_facilities_within_capacity(problem, records, crew)
    keep_stations_in_storage(problem, records, crew)
    laps("capacity and storage")
    kept = _crewed_routes(problem, records)
    laps("crews")
    draft = _draft_plan(problem, kept, seed)
    # What the solver left out, the greedy planner tries in the vehicle-shifts left free.
    laps("hauls and reasons")
    plan = plan_greedy(problem, seed=seed, base=draft, params=params) if draft.unserved else draft
    laps("greedy fill")
    placed = 0
    if plan.unserved:
        left_s = time_limit_s if deterministic else began + time_limit_s - time.perf_counter()
        before = len(plan.unserved)
        plan = place_again(
            problem,
            plan,
            seed=seed,
            time_limit_s=left_s - params.after_placing_s,
            params=params,
        )
        placed = before - len(plan.unserved)
        laps("placed again")
    stats = RunStats(
        engine="optimiser",
        chosen="pyvrp+ortools",
        seed=seed,
        seconds=0.0,
        time_limit_s=time_limit_s,
        iterations=stop.iterations,
        searches=len(subs),
        streams=tuple(dict.fromkeys(s.stream.value for s in subs)),
        routing_library_kept=sum(kept for _, kept in searched),
        placed_again=placed,
    )
    best, stats = _judge(problem, plan, baseline, baseline_cost, stats, progress)
    laps("judging")
    return _with_stats(best, stats, laps, began)


def _sub_problems(
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


def _timed_routes(
    problem: Problem,
    subs: Sequence[StreamProblem],
    results: Sequence[Sequence[SlotRoute]],
    whole: Mapping[WasteStream, StreamProblem],
    crew: Crew,
) -> list[Timed]:
    """The searches' routes timed on the problem's own matrices, with the crew's break."""
    margin = break_margin(problem)
    records: list[Timed] = []
    for piece, found in zip(subs, results, strict=True):
        # A sector's routes are repaired as routes of the whole stream, so that what one
        # sector's search left out may go on a route of another.
        sub = whole[piece.stream]
        for slot_route in _in_whole(piece, sub, found):
            slot = sub.slots[slot_route.slot]
            # The slot's end less the break margin was the solver's; the break may use the margin.
            latest = slot.end_s + margin
            trips = tuple((t.jobs, t.dump) for t in slot_route.trips)
            route, used, _dropped = repair_route(
                problem, sub, slot_route.slot, slot_route.start_s, trips, crew, shift_end_s=latest
            )
            records.append(Timed(sub, slot_route.slot, slot_route.start_s, used, latest, route))
    return records


def _crewed_routes(problem: Problem, records: Sequence[Timed]) -> list[Route]:
    """Each timed route with a crew of its own who may work its hours (SH1, CP-SAT); a route no
    crew can take is left out, its visits unserved."""
    timed = [r.route for r in records if r.route is not None]
    timed.sort(key=lambda r: (r.start_s, r.vehicle_id))
    crews = sorted(problem.crews, key=lambda c: c.id)
    picks = assign_crews(
        [(r.start_s, r.end_s) for r in timed],
        [(c.available.start_s, c.available.end_s, c.max_work_s) for c in crews],
    )
    kept = [
        dataclasses.replace(route, crew_id=crews[pick].id)
        for route, pick in zip(timed, picks, strict=True)
        if pick is not None
    ]
    kept.sort(key=lambda r: (r.vehicle_id, r.start_s))
    return kept


def _draft_plan(problem: Problem, routes: Sequence[Route], seed: int) -> Plan:
    """The searches' plan: its routes, the hauls they need (TH) and every visit not made, with
    its reason."""
    served = {
        (v.point_id, v.visit) for route in routes for trip in route.trips for v in trip.visits
    }
    missing = [
        (p.id, v)
        for p in problem.points
        for v in range(p.visits_per_day)
        if (p.id, v) not in served
    ]
    unserved: tuple[Unserved, ...] = tuple(explain_visits(problem, missing, served))
    draft = Plan(problem.name, tuple(routes))
    return Plan(
        problem.name,
        draft.routes,
        schedule_hauls(problem, draft),
        unserved,
        {
            "solver": "pyvrp+ortools",
            "seed": seed,
            "travel": ", ".join(sorted({m.method for m in problem.travel.values()})),
        },
    )


def _judge(
    problem: Problem,
    plan: Plan,
    baseline: Plan | None,
    baseline_cost: float | None,
    stats: RunStats,
    progress: Progress | None,
) -> tuple[Plan, RunStats]:
    """The plan to return, of the optimiser's and the greedy baseline, with both judged in the
    statistics: a plan that breaks a rule is never preferred (the validator is the judge here
    too), then fewer visits left unserved, then the lower cost."""
    if baseline is None or baseline_cost is None:
        cost = compute_kpis(problem, plan).cost_yuan
        if progress:
            progress(1.0, round(cost * 100))
        figures = Candidate(len(plan.unserved), cost, validate(problem, plan).ok)
        return plan, dataclasses.replace(stats, optimiser=figures)
    costs = {id(plan): compute_kpis(problem, plan).cost_yuan, id(baseline): baseline_cost}
    broken = {id(p): not validate(problem, p).ok for p in (plan, baseline)}
    best = min((plan, baseline), key=lambda p: (broken[id(p)], len(p.unserved), costs[id(p)]))
    if progress:
        progress(1.0, round(costs[id(best)] * 100))
    stats = dataclasses.replace(
        stats,
        chosen=str(best.meta.get("solver", "greedy")),
        optimiser=Candidate(len(plan.unserved), costs[id(plan)], not broken[id(plan)]),
        greedy=Candidate(len(baseline.unserved), costs[id(baseline)], not broken[id(baseline)]),
    )
    return best, stats


def _with_stats(plan: Plan, stats: RunStats, laps: _Laps, began: float) -> Plan:
    """``plan`` with the run's statistics, its phases and its seconds to this moment."""
    seconds = round(time.perf_counter() - began, 3)
    stats = dataclasses.replace(stats, seconds=seconds, phases=laps.phases)
    return dataclasses.replace(plan, stats=stats)
