"""The optimiser: a whole district-day, every rule, within the caller's time limit.

1. Jobs, slots and dumps (:mod:`routing.solve.jobs`): FQ, CT6 and break margins by construction.
2. CP-SAT gives each vehicle-shift slot one stream (:mod:`routing.solve.allocation`).
3. One PyVRP sub-problem per stream (CT1–CT3 by construction, CT4 by forbidding the loaded way
   home), solved in parallel on the machine's cores within the time left. A small one (at most
   :attr:`SolveParams.routing_max_jobs` jobs) then goes on from PyVRP's routes in OR-Tools' routing library
   (:func:`routing.solve.ortools_routing.route_stream`), whose model chooses each trip's dump
   within its hours where PyVRP's takes the nearest one home; its routes are kept when its
   objective is lower.
4. Routes are timed on the problem's own matrices with the crew's break
   (:mod:`routing.solve.timing`); CP-SAT gives each a crew (SH1).
5. Hauls from the transfer stations (TH), and every visit not made, with its reason.
6. What is still left out goes to the greedy planner's free vehicle-shifts, then is placed by
   regret wherever a route has room (the dispatchers' insertion).
7. What the repairs left of the time kept for them goes to a second search of every stream from
   the plan's routes; the better plan is kept.

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
from dataclasses import dataclass

from routing.domain import WasteStream
from routing.kpi import compute_kpis
from routing.params import SolveParams
from routing.plan import Candidate, Plan, RunStats
from routing.problem import Problem
from routing.solve.allocation import allocate
from routing.solve.assembly import (
    crewed_routes,
    draft_plan,
    fewer_vehicles,
    place_again,
    strictest_crew,
    timed_routes,
    within_daily_limits,
)
from routing.solve.greedy import plan_greedy
from routing.solve.insertion import insert_missing
from routing.solve.jobs import all_slots, jobs_by_stream
from routing.solve.model import SlotRoute, StreamProblem
from routing.solve.stop import Stop
from routing.solve.storage import keep_facilities_within_capacity, keep_stations_in_storage
from routing.solve.streams import SearchTask, budgets, solve_all, sub_problems
from routing.solve.vehicles import fewest_vehicles
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


@dataclass(slots=True)
class _Run:
    """One run of the optimiser: its problem, limits and parameters, when it began, its progress
    and the seconds of its phases."""

    problem: Problem
    stop: Stop
    seed: int
    params: SolveParams
    workers: int
    began: float
    tick: _Ticker
    laps: _Laps

    @property
    def deterministic(self) -> bool:
        """Whether iterations bound every step (then a seed gives the same plan on a busy
        machine; the time limit only guards against a hang)."""
        return self.stop.bounded_by_work


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
    tick = _Ticker(progress, began, stop.time_limit_s)
    tick.report(0.0)
    run = _Run(
        problem,
        stop,
        seed,
        params or SolveParams(),
        workers or min(2, os.cpu_count() or 1),
        began,
        tick,
        _Laps(began, tick),
    )
    # The greedy plan first: a feasible day in well under a second at district scale, and how
    # long it takes tells how much time to keep for the greedy fill after the search.
    baseline = plan_greedy(problem, seed=seed, params=run.params) if portfolio else None
    greedy_s = time.perf_counter() - began
    baseline_cost = None if baseline is None else compute_kpis(problem, baseline).cost_yuan
    if baseline_cost is not None:  # the best plan so far, until the optimiser's is judged
        tick.best_cost_fen = round(baseline_cost * 100)
    run.laps("greedy")
    reserve = min(
        max(run.params.reserve_min_s, run.params.reserve_greedy_runs * greedy_s),
        run.params.reserve_share * stop.time_limit_s
        + run.params.reserve_cap_greedy_runs * greedy_s,
    )
    # Time kept for closing routes (route elimination) where a vehicle costs something to work.
    elimination = (
        run.params.elimination_share * stop.time_limit_s if _vehicles_first(problem) else 0.0
    )
    reserve += elimination
    subs, whole, searched = _searches(run, reserve, warm_start)
    searched_at = time.perf_counter()
    plan, placed = _assemble(run, subs, whole, [found for found, _ in searched], reserve)
    plan = _search_again(run, plan, time.perf_counter() - searched_at, elimination)
    if _vehicles_first(problem):
        plan = _fewer_vehicles(run, plan)
        run.laps("route elimination")
    plan = fewest_vehicles(problem, plan)
    stats = _stats(run, subs, searched, placed)
    best, stats = _judge(problem, plan, baseline, baseline_cost, stats, progress)
    run.laps("judging")
    return _with_stats(best, stats, run.laps, began)


def _search_again(run: _Run, plan: Plan, repairs_s: float, elimination_s: float) -> Plan:
    """``plan``, or a better one from a second search started from its routes in the time the
    repairs left of the reserve.

    The reserve is kept for the repairs of a search that leaves visits out; where they did not
    need it (most days: Campo Grande's repairs take half a second of a ten-second reserve), the
    streams are searched again from the plan's routes (each stream's search as the first: PyVRP,
    routes closed, PyVRP), keeping twice the first repairs' seconds for the second's and
    ``elimination_s`` for route elimination. The second plan is kept only when the judge ranks
    it first (:func:`_rank`). Not under an iteration budget (each search is bounded by its
    iterations there, not by the clock)."""
    params = run.params
    if run.deterministic:
        return plan
    after = 2 * repairs_s + params.after_placing_s + elimination_s
    left = run.began + run.stop.time_limit_s - time.perf_counter() - after
    if left < params.second_search_min_s:
        return plan
    subs, whole, searched = _searches(run, after, plan)
    again, _ = _assemble(run, subs, whole, [found for found, _ in searched], after)
    better = _rank(_candidate(run.problem, again)) < _rank(_candidate(run.problem, plan))
    return again if better else plan


def _searches(
    run: _Run, reserve: float, warm_start: Plan | None
) -> tuple[
    list[StreamProblem], dict[WasteStream, StreamProblem], list[tuple[list[SlotRoute], bool]]
]:
    """Vehicle-shifts given to streams (CP-SAT), the streams' sub-problems and their searches
    within the time left less ``reserve``: the sub-problems, each stream whole, and what each
    search found (and whether the routing library's routes were kept)."""
    problem, stop, params = run.problem, run.stop, run.params
    jobs = jobs_by_stream(problem)
    slots = all_slots(problem)
    allocation = allocate(
        problem,
        jobs,
        slots,
        seed=run.seed,
        stop=stop.within(min(params.allocation_max_s, stop.time_limit_s * params.allocation_share)),
        work=params.allocation_work,
    )
    run.laps("allocation")
    subs, whole = sub_problems(problem, jobs, slots, allocation, params, warm_start)
    run.laps("sub-problems")
    left = max(0.5, stop.time_limit_s - (time.perf_counter() - run.began) - reserve)
    searching = Stop(left, stop.iterations, deadline=time.time() + left)
    tasks = budgets(subs, searching, run.workers, params)
    if run.deterministic:  # the iterations end each search; the time left only guards each one
        tasks = [SearchTask(t.sub, Stop(left, stop.iterations)) for t in tasks]
    searched = solve_all(tasks, run.seed, params, run.workers, run.tick)
    run.laps("search")
    run.tick.report(0.85)
    return subs, whole, searched


def _assemble(
    run: _Run,
    subs: Sequence[StreamProblem],
    whole: Mapping[WasteStream, StreamProblem],
    results: Sequence[Sequence[SlotRoute]],
    reserve: float,
) -> tuple[Plan, int]:
    """The searches' routes made a plan: timed, repaired, within the facilities' capacity and
    the stations' storage, crewed, with hauls; what is left out given to the greedy planner's
    free vehicle-shifts, then placed again; and how many visits were placed again."""
    problem, params, laps, seed = run.problem, run.params, run.laps, run.seed
    time_limit_s = run.stop.time_limit_s
    crew = strictest_crew(problem)
    records = timed_routes(problem, subs, results, whole, crew)
    laps("timing")
    insert_deadline = run.began + time_limit_s - (0.0 if run.deterministic else reserve / 2)
    insert_missing(problem, records, crew, deadline=insert_deadline, tries=params.insertion_tries)
    laps("insertion")
    keep_facilities_within_capacity(problem, records, crew)
    keep_stations_in_storage(problem, records, crew)
    laps("capacity and storage")
    kept = within_daily_limits(problem, crewed_routes(problem, records))
    laps("crews")
    draft = draft_plan(problem, kept, seed)
    laps("hauls and reasons")
    # What the solver left out, the greedy planner tries in the vehicle-shifts left free.
    plan = plan_greedy(problem, seed=seed, base=draft, params=params) if draft.unserved else draft
    laps("greedy fill")
    if not plan.unserved:
        return plan, 0
    left_s = time_limit_s if run.deterministic else run.began + time_limit_s - time.perf_counter()
    before = len(plan.unserved)
    plan = place_again(
        problem, plan, seed=seed, time_limit_s=left_s - params.after_placing_s, params=params
    )
    laps("placed again")
    return plan, before - len(plan.unserved)


def _vehicles_first(problem: Problem) -> bool:
    """Whether a vehicle costs something to work (then fewer vehicles are sought)."""
    return any(t.fixed_cost_fen > 0 for t in problem.vehicle_types)


def _fewer_vehicles(run: _Run, plan: Plan) -> Plan:
    """``plan`` after route elimination (:func:`routing.solve.assembly.fewer_vehicles`) in the
    time left before the judging."""
    time_limit_s = run.stop.time_limit_s
    left_s = time_limit_s if run.deterministic else run.began + time_limit_s - time.perf_counter()
    return fewer_vehicles(
        run.problem,
        plan,
        seed=run.seed,
        time_limit_s=left_s - run.params.after_placing_s,
        params=run.params,
    )


def _stats(
    run: _Run,
    subs: Sequence[StreamProblem],
    searched: Sequence[tuple[list[SlotRoute], bool]],
    placed: int,
) -> RunStats:
    """The run's statistics before judging: its limits, searches and what the repairs did."""
    return RunStats(
        engine="optimiser",
        chosen="pyvrp+ortools",
        seed=run.seed,
        seconds=0.0,
        time_limit_s=run.stop.time_limit_s,
        iterations=run.stop.iterations,
        searches=len(subs),
        streams=tuple(dict.fromkeys(s.stream.value for s in subs)),
        routing_library_kept=sum(kept for _, kept in searched),
        placed_again=placed,
    )


def _candidate(problem: Problem, plan: Plan, cost_yuan: float | None = None) -> Candidate:
    """``plan`` judged: visits it leaves unserved, its cost (``cost_yuan`` when already known)
    and whether it keeps every rule."""
    cost = compute_kpis(problem, plan).cost_yuan if cost_yuan is None else cost_yuan
    return Candidate(len(plan.unserved), cost, validate(problem, plan).ok)


def _rank(candidate: Candidate) -> tuple[bool, int, float]:
    """How the judge orders plans: a plan that breaks a rule last, then fewer visits left
    unserved, then the lower cost."""
    return (not candidate.valid, candidate.unserved, candidate.cost_yuan)


def _judge(
    problem: Problem,
    plan: Plan,
    baseline: Plan | None,
    baseline_cost: float | None,
    stats: RunStats,
    progress: Progress | None,
) -> tuple[Plan, RunStats]:
    """The plan to return, of the optimiser's and the greedy baseline, with both judged in the
    statistics (:func:`_rank`: the validator is the judge here too)."""
    own = _candidate(problem, plan)
    if baseline is None or baseline_cost is None:
        if progress:
            progress(1.0, round(own.cost_yuan * 100))
        return plan, dataclasses.replace(stats, optimiser=own)
    greedy = _candidate(problem, baseline, baseline_cost)
    best, figures = min(((plan, own), (baseline, greedy)), key=lambda pair: _rank(pair[1]))
    if progress:
        progress(1.0, round(figures.cost_yuan * 100))
    stats = dataclasses.replace(
        stats, chosen=str(best.meta.get("solver", "greedy")), optimiser=own, greedy=greedy
    )
    return best, stats


def _with_stats(plan: Plan, stats: RunStats, laps: _Laps, began: float) -> Plan:
    """``plan`` with the run's statistics, its phases and its seconds to this moment."""
    seconds = round(time.perf_counter() - began, 3)
    stats = dataclasses.replace(stats, seconds=seconds, phases=laps.phases)
    return dataclasses.replace(plan, stats=stats)
