"""The calendar planner: choose each point's pattern, route every day with the optimiser.

The choice of days and the routing inform each other (a fixed pattern per point followed by
independent days would balance nothing and route badly):

1. **Construction.** Points with fewest patterns and most work first, each takes the pattern
   whose days it fits best: near the points of its stream already on those days, on days whose
   work of its stream is still below their share of the period's (each day's share by the
   vehicles it has), and within what the days' facilities accept of the stream. A point keeps
   its ``previous`` pattern where that is still allowed (stability).
2. **Routing.** Every day of the horizon is planned by :func:`routing.solve.solve`, the
   dispatcher's optimiser, each starting from the day before's plan (the days share their daily
   points).
3. **Pattern moves on the routes.** For each point, moving to another pattern is priced on the
   days' actual routes: what leaving its current days saves (its detour in its trip) against
   the cheapest insertion on the new days (into a trip with room, a new trip, or a vehicle not
   yet working), plus the change in balance. Improving moves are made on the routes at once;
   the changed days are then planned again by the optimiser and the result kept only if the
   whole calendar's cost fell. Where the days are independent (one stream, one shift, no
   binding capacity: :func:`routing.calendar.pool.separable`), a set of days is also routed as
   one problem, in which the points that may be served on any one of them are served on
   whichever the joint routing chooses (:mod:`routing.calendar.joint`): many points change days
   at once, as the routes of those days together would have them; and a point may move to a
   day where one of its nearest points makes room by leaving it (two moves priced together
   on copies of the routes, :meth:`CalendarPlanner._sketch`). When no move improves, the
   search is kicked and goes on from there, always returning to the best: where the days are
   independent and some day of the best calendar works more vehicles than another, that day
   and a quieter one are routed together with the busy day on a vehicle fewer (a kick towards
   a level fleet); otherwise, and in turn with those while no kick finds a better calendar
   (a calendar has few of them, and they go round), a few points are given other patterns at
   random.
4. **A level fleet.** Last, every day is planned again with the time left; a day that works
   more trucks of a type than the median day does is planned on the median day's number of them,
   starting from a day that works that many; a day working more than a vehicle more than the
   leanest day, most of whose points that day has too, starts from the leanest day's plan; each
   day keeps the plan that makes the calendar cheaper, the busy days chosen together (the
   week's fleet is its busiest day's).
5. **The budget.** The first routing, the search and the last planning each have a share of
   the seconds, larger for routing where the days hold many visits (a district's daily
   streams count on every day). The search's day runs are bounded by iterations too (quick
   runs), and such a run of the optimiser may take more than its seconds; the planner gives
   each later run the time left divided by how many times its seconds the runs so far took,
   so that each phase ends near its share.
6. **The machine's cores.** A search runs on one core; :func:`plan_calendar` runs one per core,
   each from a seed of its own, and keeps the calendar that scores best, each of its days
   routed as the search that gave that day the same points and routed it best would have it,
   and recombined with the route pools of all where the days are independent.

Costs are the plans' own (:func:`routing.kpi.compute_kpis`), with every visit left unserved
priced at :data:`UNSERVED_FEN`. Where the calendar prices a truck's working day
(``vehicle_day_fen``), the search also pays for the trucks a crowded day leaves idle on the
others: of each type, the busiest day's trucks are kept all week. Days beyond the horizon (a
fortnightly rule in a week's plan) are not routed; their points are placed by the
construction's estimates, balanced over the period.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import os
import pickle
import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context

import numpy as np

from routing.calendar import joint
from routing.calendar.model import CalendarProblem, Pattern
from routing.calendar.plan import CalendarPlan, idle_vehicle_days
from routing.calendar.pool import PooledRoutes, RoutePool, separable
from routing.domain import WasteStream
from routing.fleet import Vehicle
from routing.kpi import compute_kpis
from routing.plan import Plan
from routing.problem import Problem
from routing.solve import solve
from routing.travel import UNREACHABLE

#: The price of a visit left unserved, in fen: far above any route's cost.
UNSERVED_FEN = 10_000_000
#: What taking a point off its previous calendar's pattern counts as, in fen: a change residents
#: and crews must learn is made only for a large saving.
STABILITY_FEN = UNSERVED_FEN / 100
#: Weight of a day's work above its share, per squared share of the period's mean day.
BALANCE_WEIGHT = 1.0
#: Shares of the budget for the first routing of every day and for the last (the best
#: calendar's days planned again with more time); the rest for pattern moves.
FIRST_ROUTING_SHARE = 0.15
FINAL_ROUTING_SHARE = 0.25
#: Days of more visits than this on average (a district, whose daily streams count on every
#: day; not a benchmark's village) give more of the budget to routing: the first and the last.
LARGE_DAY_POINTS = 300
LARGE_FIRST_SHARE = 0.3
LARGE_FINAL_SHARE = 0.45
#: Optimiser iterations of a day's run while searching (the final runs take their time).
SEARCH_ITERATIONS = 200
#: A day's last planning starts from a leaner day's plan where at least this share of its points
#: are that day's too (:meth:`CalendarPlanner._leanest_starts`).
SHARED_FOR_START = 0.8
#: ... and works more than this many vehicles more than that day (a vehicle more or less is the
#: days' own work; more is how their routing split the points they share).
LEANER_BY = 1
#: Points given another pattern by a kick: this share of the movable ones, within bounds.
KICK_SHARE = 0.1
KICK_MIN, KICK_MAX = 2, 12
#: A recombination during the search: at most this share of the time left, and these seconds.
RECOMBINE_SHARE = 0.1
RECOMBINE_MAX_S = 5.0
#: Starting calendars by sectors (:meth:`CalendarPlanner.sweep`): at most this many, and this
#: share of the budget.
MAX_STARTS = 16
STARTS_SHARE = 0.2
#: Moves by the days' joint routing (:meth:`CalendarPlanner._joint_move`): the sets of days
#: taken in turn, the search's iterations (this many times a day's), and its seconds (at most,
#: and share of the time left; under an iteration budget, the iterations alone end it).
JOINT_SETS = 4
JOINT_ITERATIONS_FACTOR = 5
JOINT_MAX_S = 2.0
JOINT_SHARE = 0.1
#: Nearest points of the same rule a point may swap patterns with.
SWAP_PARTNERS = 8
#: Points on the day a point would join that may make room for it by leaving (its nearest).
PAIR_PARTNERS = 6
#: Single moves tried on the real routing per round, the most promising first.
TRIED_MOVES = 12
#: Searches side by side (:func:`plan_calendar`): the seeds of the others are the first's plus
#: multiples of this (far apart: a search's day solves use the seeds after its own); the share
#: of the budget, and its most seconds, kept for recombining their route pools.
SEED_STRIDE = 1_000_003
MERGE_SHARE = 0.05
MERGE_MAX_S = 5.0
#: Seconds the recombination leaves to what follows it (the calendar assembled and checked).
MERGE_MARGIN_S = 0.5
#: Below this budget (s) one search runs whatever the cores: another would spend much of it
#: starting its process (about 2 s to import the optimiser).
SIDE_BY_SIDE_MIN_S = 10.0

Progress = Callable[[float, int | None], None]
#: A move of one or more points to other patterns, with its estimated change of cost (fen).
Move = tuple[float, tuple[tuple[str, Pattern], ...]]


@dataclass(slots=True)
class _Leg:
    """Costs (fen) between the places of a stream's points, by the matrix of the vehicles that
    carry it: a ``cost(a, b)`` lookup."""

    index: Mapping[str, int]
    fen: np.ndarray

    seconds_per_fen: float  # driving seconds a fen of these legs stands for (time slack)

    def __call__(self, a: str, b: str) -> float:
        return float(self.fen[self.index[a], self.index[b]])


def _carriers(problem: Problem, stream: WasteStream) -> list[Vehicle]:
    """One vehicle of each type whose body may carry ``stream`` (their matrices price its legs)."""
    rule = next((r for r in problem.rules.stream_rules if r.stream == stream), None)
    found: dict[str, Vehicle] = {}
    for vehicle in problem.vehicles:
        vtype = problem.vehicle_type_of(vehicle)
        if rule is None or vtype.body in rule.bodies:
            found.setdefault(vtype.id, vehicle)
    return list(found.values())


def _legs(problem: Problem) -> dict[WasteStream, _Leg]:
    """Per stream, each leg's cost on the cheapest vehicle type that may carry the stream and
    drive it (an old town's lanes by its carts); a leg none may drive costs ten times the
    dearest one that can be driven."""
    legs: dict[WasteStream, _Leg] = {}
    for stream in {p.stream for p in problem.points}:
        carriers = _carriers(problem, stream)
        if not carriers:
            continue
        matrices = [(problem.vehicle_type_of(v), problem.matrix_for(v)) for v in carriers]
        ids = sorted({k for _, m in matrices for k in m.index})
        index = {k: i for i, k in enumerate(ids)}
        fen = np.full((len(ids), len(ids)), np.inf)
        drive_s = total_fen = 0.0
        for vtype, matrix in matrices:
            metres = np.asarray(matrix.distance_m, dtype=float)
            seconds = np.asarray(matrix.time_s, dtype=float)
            cost = metres / 1000 * vtype.cost_per_km_fen + seconds / 3600 * vtype.cost_per_hour_fen
            cost[(metres >= UNREACHABLE) | (seconds >= UNREACHABLE)] = np.inf
            finite = np.isfinite(cost)
            drive_s += float(seconds[finite].sum())
            total_fen += float(cost[finite].sum())
            rows = np.empty(len(matrix.index), dtype=int)
            for k, i in matrix.index.items():
                rows[i] = index[k]
            block = np.ix_(rows, rows)
            fen[block] = np.minimum(fen[block], cost)
        finite = np.isfinite(fen)
        fen[~finite] = 10 * float(fen[finite].max()) if finite.any() else float(UNSERVED_FEN)
        per_fen = drive_s / total_fen if total_fen > 0 else 0.0
        legs[stream] = _Leg(index, fen, per_fen)
    return legs


@dataclass(slots=True)
class _Trip:
    stream: WasteStream
    points: list[str]
    facility: str
    kg: int


@dataclass(slots=True)
class _Route:
    """A vehicle's route of one day, as the pattern moves see it."""

    vehicle: str
    depot: str
    trips: list[_Trip]
    slack_s: float  # time left before the shift or the crew's day ends


@dataclass(slots=True)
class _Day:
    """A routed day: its plan, its cost and its routes for pricing moves."""

    plan: Plan
    cost_fen: float
    routes: list[_Route] = field(default_factory=list)
    carried: dict[WasteStream, int] = field(init=False)  # kg of each stream its trips unload

    def __post_init__(self) -> None:
        self.carried = {}
        for route in self.routes:
            for trip in route.trips:
                self.carried[trip.stream] = self.carried.get(trip.stream, 0) + trip.kg


@dataclass(slots=True)
class _State:
    patterns: dict[str, Pattern]
    days: list[_Day]

    def cost(self) -> float:
        return sum(d.cost_fen for d in self.days)


@dataclass(slots=True)
class _Placing:
    """The construction's running tally per period day and stream: points, work (s), kg; what
    the day's facilities accept (kg), each day's share of the period and each stream's mean."""

    on_day: list[dict[WasteStream, list[str]]]
    load: list[dict[WasteStream, float]]
    kg: list[dict[WasteStream, float]]
    intake: list[dict[WasteStream, float]]
    share: list[float]
    mean: dict[WasteStream, float]


class CalendarPlanner:
    """Plans a :class:`CalendarProblem` (see the module); :func:`plan_calendar` runs it."""

    def __init__(
        self,
        problem: CalendarProblem,
        *,
        seed: int = 0,
        previous: Mapping[str, Pattern] | None = None,
        day_iterations: int | None = None,
        workers: int | None = 1,
    ) -> None:
        self.cp = problem
        self.base = problem.base
        self.rng = random.Random(seed)
        self.seed = seed
        self.previous = dict(previous or {})
        self.day_iterations = day_iterations
        self.workers = workers
        self.legs = _legs(self.base)
        self.ruled = [r.point_id for r in problem.rules]
        self.movable = [p for p in self.ruled if len(problem.patterns(p)) > 1]
        self.solves = 0
        self._memo: dict[tuple[int, frozenset[str], frozenset[str] | None], _Day] = {}
        self.pool = RoutePool(problem) if separable(problem) else None
        self.joint = self.pool is not None and len({p.stream for p in self.base.points}) == 1
        self._joint_turn = 0
        self._level_turn = 0
        self.joint_moves = 0
        self.levelling_kicks = 0
        self.lean_starts = 0  # days whose last planning started from a leaner day's plan
        self.recombined = 0
        self._day_seconds = 1.0  # a day's share of the first routing (set when planning)
        self._asked_s = 0.0  # seconds the search's day runs were given, and took
        self._took_s = 0.0
        self._pool_seen = 0  # the pool's size when last recombined
        self.moves = 0
        self.kicks = 0
        self.started = 0
        self._tried: set[Move] = set()
        self._partners: dict[str, list[str]] = {}
        self._closest: dict[str, list[str]] = {}
        self._accepts = self._intake()
        self._types = {v.id: v.type_id for v in self.base.vehicles}

    # ---------------------------------------------------------------- construction

    def _capacity(self) -> list[float]:
        """Each period day's share of the work: its vehicles (a day beyond the horizon as the
        same weekday's day in it)."""
        shares = []
        for d in range(self.cp.period_days):
            res = self.cp.resources(d % self.cp.horizon_days)
            count = len(res.vehicles) if res.vehicles is not None else len(self.base.vehicles)
            shares.append(max(count, 1e-3))
        return shares

    def _work(self) -> dict[str, float]:
        """Each point's visit work (s): its service and a detour to its nearest neighbour of the
        stream."""
        work: dict[str, float] = {}
        for stream, leg in self.legs.items():
            ids = [q.id for q in self.base.points if q.stream == stream]
            rows = [leg.index[q] for q in ids]
            block = leg.fen[np.ix_(rows, rows)]
            np.fill_diagonal(block, np.inf)
            nearest = block.min(axis=1) if len(ids) > 1 else np.zeros(len(ids))
            for q, near in zip(ids, nearest.tolist(), strict=True):
                work[q] = self.base.point_by_id[q].service_s + near
        for point in self.base.points:
            work.setdefault(point.id, float(point.service_s))
        return work

    def _intake(self) -> list[dict[WasteStream, float]]:
        """Per day of the period and of the horizon, and per stream, the kg the day's open
        facilities accept of it from collection trips (the sum of their daily capacities)."""
        intake: list[dict[WasteStream, float]] = []
        for d in range(max(self.cp.period_days, self.cp.horizon_days)):
            closed = self.cp.resources(d % self.cp.horizon_days).closed
            accepts: dict[WasteStream, float] = {}
            for facility in self.base.facilities:
                if facility.id in closed:
                    continue
                for stream in facility.accepts:
                    accepts[stream] = accepts.get(stream, 0.0) + facility.daily_capacity_kg
            intake.append(accepts)
        return intake

    def construct(self) -> dict[str, Pattern]:
        """The first patterns (see the module): each rule's points spread so that every stream's
        work is even over the period's days (each stream has its own vehicles), within what the
        days' facilities accept of it."""
        cp = self.cp
        period = cp.period_days
        share = self._capacity()
        total_share = sum(share)
        on_day: list[dict[WasteStream, list[str]]] = [{} for _ in range(period)]
        load: list[dict[WasteStream, float]] = [{} for _ in range(period)]
        kg: list[dict[WasteStream, float]] = [{} for _ in range(period)]
        work = self._work()
        ruled = set(self.ruled)
        totals: dict[WasteStream, float] = {}
        for point in self.base.points:
            if point.id in ruled:
                visits = len(cp.period_days_of(point.id, cp.patterns(point.id)[0]))
                totals[point.stream] = totals.get(point.stream, 0.0) + work[point.id] * visits
                continue
            totals[point.stream] = totals.get(point.stream, 0.0) + work[point.id] * period
            for d in range(period):
                on_day[d].setdefault(point.stream, []).append(point.id)
                load[d][point.stream] = load[d].get(point.stream, 0.0) + work[point.id]
                kg[d][point.stream] = kg[d].get(point.stream, 0.0) + point.kg_per_day
        mean = {stream: max(t / total_share, 1e-9) for stream, t in totals.items()}
        day = _Placing(on_day, load, kg, self._accepts, share, mean)
        order = sorted(self.ruled, key=lambda p: (len(cp.patterns(p)), -work[p], p))
        chosen: dict[str, Pattern] = {}
        for point_id in order:
            options = cp.patterns(point_id)
            kept = self.previous.get(point_id)
            if kept is not None and tuple(kept) in options:
                chosen[point_id] = tuple(kept)
            else:
                chosen[point_id] = min(
                    options, key=lambda q: self._place_cost(point_id, q, work[point_id], day)
                )
            point = self.base.point_by_id[point_id]
            visit_kg = cp.visit_amounts(point_id)[0]
            for d in cp.period_days_of(point_id, chosen[point_id]):
                on_day[d].setdefault(point.stream, []).append(point_id)
                load[d][point.stream] = load[d].get(point.stream, 0.0) + work[point_id]
                kg[d][point.stream] = kg[d].get(point.stream, 0.0) + visit_kg
        return chosen

    def _place_cost(self, point_id: str, pattern: Pattern, work: float, day: _Placing) -> float:
        point = self.base.point_by_id[point_id]
        stream = point.stream
        leg = self.legs.get(stream)
        visit_kg = self.cp.visit_amounts(point_id)[0]
        mean = day.mean[stream]
        cost = 0.0
        for d in self.cp.period_days_of(point_id, pattern):
            target = mean * day.share[d]
            had = day.load[d].get(stream, 0.0)
            before = max(had - target, 0.0)
            after = max(had + work - target, 0.0)
            cost += BALANCE_WEIGHT * (after * after - before * before) / mean
            if day.kg[d].get(stream, 0.0) + visit_kg > day.intake[d].get(stream, math.inf):
                cost += UNSERVED_FEN  # the day's facilities would turn the load away
            others = day.on_day[d].get(stream, [])
            if leg is not None and others:
                i = leg.index[point_id]
                near = min(leg.fen[i, leg.index[q]] + leg.fen[leg.index[q], i] for q in others)
                cost += near / 2
            else:
                cost += work  # a day with none of its stream: a trip of its own, roughly
        return cost

    def sweep(self, start: float) -> dict[str, Pattern]:
        """Patterns by sectors: the points of each rule, in angular order round the depots from
        ``start`` (radians), cut into as many sectors of equal load as the rule has patterns,
        one pattern each, so that a day's points of a rule lie together. A point keeps its
        ``previous`` pattern where that is still allowed."""
        cp = self.cp
        lon0 = sum(d.location.lon for d in self.base.depots) / len(self.base.depots)
        lat0 = sum(d.location.lat for d in self.base.depots) / len(self.base.depots)
        families: dict[tuple[WasteStream, tuple[Pattern, ...]], list[str]] = {}
        for point_id in self.ruled:
            stream = self.base.point_by_id[point_id].stream
            families.setdefault((stream, cp.patterns(point_id)), []).append(point_id)
        chosen: dict[str, Pattern] = {}
        for (_, options), members in families.items():

            def angle(point_id: str) -> float:
                where = self.base.point_by_id[point_id].location
                turn = math.atan2(where.lat - lat0, where.lon - lon0) - start
                return turn % (2 * math.pi)

            ordered = sorted(members, key=lambda q: (angle(q), q))
            load = [max(cp.visit_amounts(q)[0], 1) for q in ordered]
            total = sum(load)
            done = 0
            for point_id, kg in zip(ordered, load, strict=True):
                sector = min(int(len(options) * (done + kg / 2) / total), len(options) - 1)
                done += kg
                kept = self.previous.get(point_id)
                allowed = kept is not None and tuple(kept) in options
                chosen[point_id] = tuple(kept) if allowed and kept is not None else options[sector]
        return chosen

    def _starts(
        self, state: _State, time_limit_s: float, routing_s: float, rounds: int | None
    ) -> _State:
        """Other starting calendars, by sectors from several angles (:meth:`sweep`), each routed
        quickly; the best of them and ``state``. As many as :data:`STARTS_SHARE` of the budget
        pays for at the first routing's pace, at most :data:`MAX_STARTS` (under ``rounds``,
        half as many as the rounds: the same for a seed whatever the clock says)."""
        count = min(MAX_STARTS, int(STARTS_SHARE * time_limit_s / max(routing_s, 1e-3)))
        if rounds is not None:
            count = min(MAX_STARTS, rounds // 2)
        best = state
        for k in range(count):
            patterns = self.sweep(2 * math.pi * k / count)
            days = [
                self.route_day(d, patterns, self._day_seconds, warm=state.days[d].plan)
                for d in range(self.cp.horizon_days)
            ]
            tried = _State(patterns, days)
            if self._score(tried) < self._score(best) - 1e-6:
                best = tried
        self.started = count
        return best

    # ---------------------------------------------------------------- routing

    def route_day(
        self,
        day: int,
        patterns: Mapping[str, Pattern],
        seconds: float,
        *,
        final: bool = False,
        warm: Plan | None = None,
        fleet: frozenset[str] | None = None,
    ) -> _Day:
        """Plan day ``day`` with the optimiser; its cost with unserved visits priced. While
        searching, each run is bounded by :data:`SEARCH_ITERATIONS` as well (many quick runs);
        the ``final`` runs by the time given (or ``day_iterations``). ``warm``: the day's plan
        so far, which the optimiser starts from (a few points moved, the rest as they were).
        ``fleet``: the only vehicles that may work (else the day's)."""
        problem = self.cp.day_problem(day, patterns)
        if fleet is not None:
            problem = problem.replace(vehicles=tuple(v for v in problem.vehicles if v.id in fleet))
        key = (day, frozenset(problem.point_by_id), fleet)
        if not final and key in self._memo:  # the same day was planned before
            return self._memo[key]
        iterations = self.day_iterations
        if not final:
            iterations = min(iterations or SEARCH_ITERATIONS, SEARCH_ITERATIONS)
        began = time.monotonic()
        plan = solve(
            problem,
            time_limit_s=max(seconds, 0.05),
            seed=self.seed + day,
            max_iterations=iterations,
            workers=self.workers,
            warm_start=warm,
        )
        if not final:
            self._asked_s += max(seconds, 0.05)
            self._took_s += time.monotonic() - began
        self.solves += 1
        routed = self._routed(problem, plan)
        if self.pool is not None:
            self.pool.add(day, problem, plan)
        if key not in self._memo or routed.cost_fen < self._memo[key].cost_fen:
            self._memo[key] = routed
        return routed

    def _routed(self, problem: Problem, plan: Plan) -> _Day:
        """``plan`` of ``problem`` (a day's) as the search's day: its cost with every visit left
        unserved priced at :data:`UNSERVED_FEN`, and its routes."""
        cost = compute_kpis(problem, plan).cost_fen + UNSERVED_FEN * len(plan.unserved)
        return _Day(plan, cost, self._routes(problem, plan))

    def _state_of(self, patterns: Mapping[str, Pattern], plans: Iterable[Plan]) -> _State:
        """A calendar (``patterns`` and its days' ``plans``) as the search's state."""
        days = [
            self._routed(self.cp.day_problem(d, patterns), plan) for d, plan in enumerate(plans)
        ]
        return _State(dict(patterns), days)

    def _routes(self, problem: Problem, plan: Plan) -> list[_Route]:
        routes = []
        for route in plan.routes:
            vehicle = problem.vehicle_by_id[route.vehicle_id]
            crew = problem.crew_by_id[route.crew_id]
            shift = problem.shift_by_id[route.shift_id]
            end = min(shift.end_s, crew.available.end_s, route.start_s + crew.max_work_s)
            trips = [
                _Trip(
                    trip.stream,
                    [v.point_id for v in trip.visits],
                    trip.unload.facility_id,
                    sum(problem.point_by_id[v.point_id].visit_kg(v.visit) for v in trip.visits),
                )
                for trip in route.trips
                if trip.unload is not None
            ]
            routes.append(_Route(route.vehicle_id, vehicle.depot_id, trips, end - route.end_s))
        return routes

    # ---------------------------------------------------------------- pricing moves

    @staticmethod
    def _place(day: _Day, point_id: str) -> tuple[_Route, _Trip, str, str] | None:
        """The point's route and trip that day, and the places before and after it (a visit,
        the depot or a facility); None if it is not routed that day."""
        for route in day.routes:
            prev = route.depot
            for trip in route.trips:
                stops = trip.points
                if point_id in stops:
                    i = stops.index(point_id)
                    a = stops[i - 1] if i > 0 else prev
                    b = stops[i + 1] if i + 1 < len(stops) else trip.facility
                    return route, trip, a, b
                prev = trip.facility
        return None

    def _removal_fen(self, day: _Day, point_id: str) -> float:
        """What taking the point out of its trip saves (0 if it is not routed that day)."""
        return self._removal(day, point_id)[0]

    def _removal(
        self, day: _Day, point_id: str
    ) -> tuple[float, tuple[_Route, _Trip, str, str] | None]:
        """:meth:`_removal_fen`, and the point's place that day (:meth:`_place`)."""
        leg = self.legs[self.base.point_by_id[point_id].stream]
        place = self._place(day, point_id)
        if place is None:  # left unserved that day: moving it saves the unserved price
            unserved = any(u.point_id == point_id for u in day.plan.unserved)
            return (float(UNSERVED_FEN) if unserved else 0.0), None
        _, _, a, b = place
        return leg(a, point_id) + leg(point_id, b) - leg(a, b), place

    def _insertion_fen(self, day_index: int, day: _Day, point_id: str) -> float:
        """The cheapest insertion of the point into the day's routes (a trip with room, a new
        trip before coming home, or a vehicle not yet working that day)."""
        return self._cheapest_insertion(day_index, day, point_id)[0]

    def _cheapest_insertion(
        self, day_index: int, day: _Day, point_id: str
    ) -> tuple[float, Callable[[], None] | None]:
        """:meth:`_insertion_fen`, and what makes that insertion in ``day``'s routes (their
        points, loads and slack; None where the point fits nowhere)."""
        point = self.base.point_by_id[point_id]
        leg = self.legs[point.stream]
        kg, _ = self.cp.visit_amounts(point_id)
        problem = self.base
        facilities = [
            f.id for f in problem.facilities if point.stream in f.accepts and f.id in leg.index
        ]
        carried = day.carried.get(point.stream, 0)
        if carried + kg > self._accepts[day_index].get(point.stream, math.inf):
            return float(UNSERVED_FEN), None  # the day's facilities take no more of its stream
        best: tuple[float, Callable[[], None] | None] = (math.inf, None)
        seconds_per_fen = leg.seconds_per_fen

        def busy_s(extra: float) -> float:
            return extra * seconds_per_fen + point.service_s

        def into(route: _Route, trip: _Trip, at: int, extra: float) -> Callable[[], None]:
            def make() -> None:
                trip.points.insert(at, point_id)
                trip.kg += kg
                route.slack_s -= busy_s(extra)

            return make

        def after(route: _Route, facility: str, extra: float) -> Callable[[], None]:
            def make() -> None:
                route.trips.append(_Trip(point.stream, [point_id], facility, kg))
                route.slack_s -= busy_s(extra)

            return make

        for route in day.routes:
            vtype = problem.vehicle_type_of(problem.vehicle_by_id[route.vehicle])
            prev = route.depot
            for trip in route.trips:
                if trip.stream != point.stream:
                    prev = trip.facility
                    continue
                if trip.kg + kg <= vtype.capacity_kg:
                    stops = [prev, *trip.points, trip.facility]
                    for at, (a, b) in enumerate(itertools.pairwise(stops)):
                        extra = leg(a, point_id) + leg(point_id, b) - leg(a, b)
                        if busy_s(extra) <= route.slack_s and extra < best[0]:
                            best = (extra, into(route, trip, at, extra))
                prev = trip.facility
            if route.trips and facilities:
                last = route.trips[-1].facility
                extra, facility = min(
                    (leg(last, point_id) + leg(point_id, f) + leg(f, route.depot), f)
                    for f in facilities
                )
                extra -= leg(last, route.depot)
                if busy_s(extra) <= route.slack_s and extra < best[0]:
                    best = (extra, after(route, facility, extra))
        idle = self._idle_vehicles(day_index, day)
        if idle and facilities:
            vehicle = problem.vehicle_by_id[idle[0]]
            depot = vehicle.depot_id
            extra, facility = min(
                (leg(depot, point_id) + leg(point_id, f) + leg(f, depot), f) for f in facilities
            )
            if extra < best[0]:
                work = min((c.max_work_s for c in problem.crews), default=0)
                route = _Route(idle[0], depot, [], work)

                def start() -> None:
                    day.routes.append(route)
                    after(route, facility, extra)()

                best = (extra, start)
        if best[1] is None:
            return float(UNSERVED_FEN), None
        return best

    def _idle_vehicles(self, day_index: int, day: _Day) -> list[str]:
        res = self.cp.resources(day_index)
        working = {r.vehicle for r in day.routes}
        pool = res.vehicles if res.vehicles is not None else [v.id for v in self.base.vehicles]
        return [v for v in pool if v not in working]

    # ---------------------------------------------------------------- search

    def _route_all(self, patterns: Mapping[str, Pattern], seconds: float) -> list[_Day]:
        """Every day routed in turn, each starting from the day before's plan (the days share
        their daily points: yesterday's routes are a good start, and the days' vehicles and
        routes of the same points stay alike)."""
        horizon = max(self.cp.horizon_days, 1)
        end = time.monotonic() + seconds
        days: list[_Day] = []
        for d in range(self.cp.horizon_days):
            # A day's share, or less: the time left by what the day runs so far took for theirs.
            left = max(end - time.monotonic(), 0.0) / ((horizon - d) * self._stretch())
            per_day = min(seconds / horizon, left)
            days.append(self.route_day(d, patterns, per_day, warm=days[-1].plan if days else None))
        return days

    def _priced(self, state: _State, point_id: str) -> list[tuple[float, Pattern]]:
        """The point's other patterns with what moving to each is estimated to cost (fen; a
        saving is negative), on ``state``'s routes."""
        cp = self.cp
        current = state.patterns[point_id]
        old_days = set(cp.service_days(point_id, current))
        removal = {d: self._removal_fen(state.days[d], point_id) for d in old_days}
        priced = []
        for option in self._options(point_id, current):
            if option == current:
                continue
            new_days = set(cp.service_days(point_id, option))
            delta = -sum(removal[d] for d in old_days - new_days)
            delta += sum(
                self._insertion_fen(d, state.days[d], point_id) for d in new_days - old_days
            )
            kept = self.previous.get(point_id)
            if kept is not None and tuple(kept) == current:
                delta += STABILITY_FEN  # leave a known pattern only for much
            priced.append((delta, option))
        return priced

    def _best_move(self, state: _State, point_id: str) -> tuple[float, Pattern] | None:
        """The point's best other pattern and what it is estimated to save (fen), if any saves."""
        saving = [m for m in self._priced(state, point_id) if m[0] < -1e-6]
        return min(saving, default=None, key=lambda m: m[0])

    def _exchange_fen(self, day: _Day, out_id: str, in_id: str) -> float:
        """Serving ``in_id`` in ``out_id``'s place in its trip: the change of the legs (infinite
        where the trip's load would not fit, or ``out_id`` is not routed that day)."""
        leg = self.legs[self.base.point_by_id[out_id].stream]
        place = self._place(day, out_id)
        if place is None:
            return math.inf
        route, trip, a, b = place
        kg_out, _ = self.cp.visit_amounts(out_id)
        kg_in, _ = self.cp.visit_amounts(in_id)
        capacity = self.base.vehicle_type_of(self.base.vehicle_by_id[route.vehicle]).capacity_kg
        if trip.kg - kg_out + kg_in > capacity:
            return math.inf
        return leg(a, in_id) + leg(in_id, b) - leg(a, out_id) - leg(out_id, b)

    def _near(self, point_id: str) -> list[str]:
        """The movable points nearest ``point_id`` of its stream and rule (swap partners)."""
        if point_id not in self._partners:
            options = self.cp.patterns(point_id)
            same = [q for q in self._close(point_id) if self.cp.patterns(q) == options]
            self._partners[point_id] = same[:SWAP_PARTNERS]
        return self._partners[point_id]

    def _swaps(self, state: _State) -> list[Move]:
        """Two near points of the same rule exchanging their patterns, each priced by serving
        one in the other's place (the loads of full days stay as they were)."""
        cp = self.cp
        found: list[Move] = []
        for p in self.movable:
            p_days = set(cp.service_days(p, state.patterns[p]))
            for q in self._near(p):
                if q < p or state.patterns[q] == state.patterns[p]:
                    continue
                q_days = set(cp.service_days(q, state.patterns[q]))
                if len(q_days) != len(p_days):
                    continue
                delta = sum(self._exchange_fen(state.days[d], q, p) for d in q_days - p_days)
                delta += sum(self._exchange_fen(state.days[d], p, q) for d in p_days - q_days)
                if delta < math.inf:
                    found.append((delta, ((p, state.patterns[q]), (q, state.patterns[p]))))
        return found

    def _eliminations(self, state: _State) -> list[Move]:
        """For each day with more than one route: its smallest route's points moved to their
        cheapest other patterns that leave the day, so that the day may need a vehicle fewer
        (route elimination); priced by the moves, less the route's share of the day's cost."""
        found: list[Move] = []
        movable = set(self.movable)
        for d, day in enumerate(state.days):
            if len(day.routes) < 2:
                continue
            route = min(day.routes, key=lambda r: sum(len(t.points) for t in r.trips))
            leaving = [p for t in route.trips for p in t.points if p in movable]
            changes: list[tuple[str, Pattern]] = []
            delta = -day.cost_fen / len(day.routes)
            for point_id in leaving:
                options = [
                    (price, option)
                    for price, option in self._priced(state, point_id)
                    if d not in self.cp.service_days(point_id, option)
                ]
                if not options:
                    break
                price, option = min(options)
                changes.append((point_id, option))
                delta += price
            else:
                if changes:
                    found.append((delta, tuple(changes)))
        return found

    def _sketch(self, state: _State, changes: Iterable[tuple[str, Pattern]]) -> float:
        """What ``changes`` (points and their new patterns) are estimated to cost (fen), made
        one after another on copies of the days' routes: every point taken off the days it
        leaves first, then each put into the days it joins where it is cheapest, so that a
        point may take the room another leaves (:meth:`_pairs`)."""
        copies: dict[int, _Day] = {}

        def day(d: int) -> _Day:
            if d not in copies:
                src = state.days[d]
                routes = [
                    _Route(
                        r.vehicle,
                        r.depot,
                        [_Trip(t.stream, list(t.points), t.facility, t.kg) for t in r.trips],
                        r.slack_s,
                    )
                    for r in src.routes
                ]
                copies[d] = _Day(src.plan, src.cost_fen, routes)
            return copies[d]

        cp = self.cp
        moves = [
            (p, set(cp.service_days(p, state.patterns[p])), set(cp.service_days(p, q)))
            for p, q in changes
        ]
        delta = 0.0
        for point_id, old, new in moves:
            point = self.base.point_by_id[point_id]
            kg, _ = cp.visit_amounts(point_id)
            for d in old - new:
                saving, place = self._removal(day(d), point_id)
                delta -= saving
                if place is not None:
                    route, trip, _, _ = place
                    trip.points.remove(point_id)
                    trip.kg -= kg
                    route.slack_s += saving * self.legs[point.stream].seconds_per_fen
                    route.slack_s += point.service_s
                    day(d).carried[point.stream] -= kg
        for point_id, old, new in moves:
            point = self.base.point_by_id[point_id]
            kg, _ = cp.visit_amounts(point_id)
            for d in new - old:
                price, make = self._cheapest_insertion(d, day(d), point_id)
                delta += price
                if make is not None:
                    make()
                    day(d).carried[point.stream] = day(d).carried.get(point.stream, 0) + kg
        return delta

    def _close(self, point_id: str) -> list[str]:
        """The movable points of ``point_id``'s stream, nearest first."""
        if point_id not in self._closest:
            point = self.base.point_by_id[point_id]
            leg = self.legs[point.stream]
            same = [
                q
                for q in self.movable
                if q != point_id and self.base.point_by_id[q].stream == point.stream
            ]
            same.sort(key=lambda q: leg(point_id, q) + leg(q, point_id))
            self._closest[point_id] = same
        return self._closest[point_id]

    def _pairs(self, state: _State) -> list[Move]:
        """Where the days are independent: a point moved to a day where one of its nearest
        points on that day makes room by leaving it for another of its patterns (an ejection
        chain of two), priced by :meth:`_sketch`. Each point's moves are priced alone too,
        but a day full with one vehicle may take a point only when another leaves it."""
        if not self.joint:
            return []
        cp = self.cp
        on_day = [{p for r in day.routes for t in r.trips for p in t.points} for day in state.days]
        found: list[Move] = []
        for a in self.movable:
            current = state.patterns[a]
            for qa in self._options(a, current):
                if qa == current:
                    continue
                joins = set(cp.service_days(a, qa)) - set(cp.service_days(a, current))
                for d in sorted(joins):
                    partners = [b for b in self._close(a) if b in on_day[d]][:PAIR_PARTNERS]
                    for b in partners:
                        for qb in self._options(b, state.patterns[b]):
                            if qb == state.patterns[b] or d in cp.service_days(b, qb):
                                continue
                            changes = ((a, qa), (b, qb))
                            found.append((self._sketch(state, changes), changes))
        return found

    def _single_moves(self, state: _State, deadline: float) -> _State | None:
        """The most promising moves of one point and swaps of two, each tried on the days' real
        routing (the changed days planned again) in order of their estimates; the first that
        lowers the calendar's cost, or None."""
        ranked: list[Move] = [
            (delta, ((point_id, option),))
            for point_id in self.movable
            for delta, option in self._priced(state, point_id)
        ]
        ranked += self._swaps(state)
        ranked += self._eliminations(state)
        ranked += self._pairs(state)
        ranked = sorted(m for m in ranked if m not in self._tried)
        for move in ranked[:TRIED_MOVES]:
            if time.monotonic() >= deadline:
                return None
            self._tried.add(move)
            patterns, changed = self._applied(state.patterns, move[1])
            trial = self._reroute(state, patterns, changed, deadline)
            if self._score(trial) < self._score(state) - 1e-6:
                self.moves += 1
                self._tried.clear()
                return trial
        return None

    def _moves(self, state: _State, deadline: float) -> tuple[dict[str, Pattern], set[int]]:
        """One pass of improving pattern moves priced on ``state``'s routes; a day takes a
        share of its points' moves per pass, so that the prices stay near the truth."""
        patterns = dict(state.patterns)
        changed: set[int] = set()
        room = [
            max(
                1,
                len(d.plan.unserved) + sum(len(t.points) for r in d.routes for t in r.trips) // 10,
            )
            for d in state.days
        ]
        order = list(self.movable)
        self.rng.shuffle(order)
        for point_id in order:
            if time.monotonic() >= deadline:
                break
            move = self._best_move(_State(patterns, state.days), point_id)
            if move is None:
                continue
            touched = self._days_changed(point_id, patterns[point_id], move[1])
            if any(room[d] <= 0 for d in touched):
                continue
            for d in touched:
                room[d] -= 1
            patterns[point_id] = move[1]
            changed |= touched
            self.moves += 1
        return patterns, changed

    def _kick(self, state: _State) -> tuple[dict[str, Pattern], set[int]]:
        """A few points on other patterns, drawn at random."""
        patterns = dict(state.patterns)
        changed: set[int] = set()
        count = min(KICK_MAX, max(KICK_MIN, round(KICK_SHARE * len(self.movable))))
        for point_id in self.rng.sample(self.movable, min(count, len(self.movable))):
            old = patterns[point_id]
            patterns[point_id] = self.rng.choice(self._options(point_id, old))
            changed |= self._days_changed(point_id, old, patterns[point_id])
        self.kicks += 1
        return patterns, changed

    def _joint_move(self, state: _State, deadline: float) -> _State | None:
        """Where the days are independent: the points free on a set of days given the days
        the days' joint routing chooses for them (:mod:`routing.calendar.joint`), the sets that
        free most points in turn; the calendar with the changed days planned again if it is
        cheaper, else None."""
        if not self.joint:
            return None
        self._joint_turn += 1
        sets = joint.best_sets(self.cp, state.patterns, most=JOINT_SETS)
        if not sets:
            return None
        moved = self._propose(state, sets[self._joint_turn % len(sets)], deadline)
        if not moved:
            return None
        patterns, changed = self._applied(state.patterns, moved.items())
        trial = self._reroute(state, patterns, changed, deadline)
        if self._score(trial) < self._score(state) - 1e-6:
            self.joint_moves += 1
            return trial
        return None

    def _levelling_kick(self, best: _State, deadline: float) -> _State | None:
        """A kick towards a level fleet, where the days are independent and some day of ``best``
        works more vehicles than another: that day and a quieter one (of the pairs that free
        most points) routed together (:mod:`routing.calendar.joint`), the busy day on the
        vehicles it works less the one with fewest visits, the other on those it works; the
        calendar with the changed days planned again, whatever its cost (the search goes on
        from it, as from a random kick); None where it does not apply or moves nothing.

        The pattern moves price one point at a time, and a day that has taken a vehicle more
        than the others keeps it: one point leaving it saves little, while the day's work spread
        over the others may free the vehicle altogether."""
        if not self.joint:
            return None
        counts = [len(d.routes) for d in best.days]
        if max(counts) <= min(counts):
            return None
        self._level_turn += 1
        busiest = [d for d, c in enumerate(counts) if c == max(counts)]
        busy = busiest[self._level_turn % len(busiest)]
        pairs = [
            days
            for days in joint.best_sets(self.cp, best.patterns, most=joint.MAX_SETS_WEIGHED, size=2)
            if busy in days and min(counts[d] for d in days) < counts[busy]
        ]
        if not pairs:
            return None
        days = pairs[(self._level_turn // len(busiest)) % len(pairs)]
        fleets = {}
        for d in days:
            routes = sorted(best.days[d].routes, key=lambda r: sum(len(t.points) for t in r.trips))
            fleets[d] = frozenset(r.vehicle for r in (routes[1:] if d == busy else routes))
        moved = self._propose(best, days, deadline, fleets=fleets)
        if not moved:
            return None
        self.levelling_kicks += 1
        patterns, changed = self._applied(best.patterns, moved.items())
        return self._reroute(best, patterns, changed, deadline)

    def _propose(
        self,
        state: _State,
        days: tuple[int, ...],
        deadline: float,
        *,
        fleets: Mapping[int, frozenset[str]] | None = None,
    ) -> dict[str, Pattern]:
        """:func:`routing.calendar.joint.propose` on ``days`` of ``state``, within the joint
        search's bounds."""
        left = max(deadline - time.monotonic(), 0.0)
        day_iterations = min(self.day_iterations or SEARCH_ITERATIONS, SEARCH_ITERATIONS)
        return joint.propose(
            self.cp,
            state.patterns,
            [d.plan for d in state.days],
            days,
            seconds=left if self.day_iterations else min(JOINT_MAX_S, JOINT_SHARE * left),
            iterations=JOINT_ITERATIONS_FACTOR * day_iterations,
            seed=self.seed + self._joint_turn + self._level_turn,
            fleets=fleets,
        )

    def _days_changed(self, point_id: str, old: Pattern, new: Pattern) -> set[int]:
        """The days of the horizon a point's move from ``old`` to ``new`` changes."""
        return set(self.cp.service_days(point_id, old)) ^ set(self.cp.service_days(point_id, new))

    def _applied(
        self, patterns: Mapping[str, Pattern], changes: Iterable[tuple[str, Pattern]]
    ) -> tuple[dict[str, Pattern], set[int]]:
        """``patterns`` with ``changes`` (point, new pattern) made, and the days they change."""
        out = dict(patterns)
        changed: set[int] = set()
        for point_id, option in changes:
            changed |= self._days_changed(point_id, out[point_id], option)
            out[point_id] = option
        return out, changed

    def _reroute(
        self, state: _State, patterns: dict[str, Pattern], changed: set[int], deadline: float
    ) -> _State:
        left = max(deadline - time.monotonic(), 0.0)
        per_day = min(left / (max(len(changed), 1) * self._stretch()), self._day_seconds)
        days = list(state.days)
        for d in sorted(changed):
            days[d] = self.route_day(d, patterns, per_day, warm=state.days[d].plan)
        return _State(patterns, days)

    def _options(self, point_id: str, current: Pattern) -> tuple[Pattern, ...]:
        """The patterns a move may give the point: those with as many visits in the horizon as
        ``current`` (which of the weeks a fortnightly point falls in is the construction's
        balance over the period, not a saving of this horizon's routes)."""
        count = len(self.cp.service_days(point_id, current))
        return tuple(
            q for q in self.cp.patterns(point_id) if len(self.cp.service_days(point_id, q)) == count
        )

    def _score(self, state: _State) -> float:
        """What the search minimises: the days' costs, the week's fleet (:meth:`_idle_fen`), and
        :data:`STABILITY_FEN` for each point taken off its ``previous`` pattern."""
        moved = sum(
            1
            for p, q in self.previous.items()
            if p in state.patterns
            and tuple(q) != state.patterns[p]
            and tuple(q) in self._allowed(p)
        )
        return state.cost() + self._idle_fen(state.days) + STABILITY_FEN * moved

    def _idle_fen(self, days: list[_Day]) -> float:
        """The trucks the calendar needs but leaves idle, at the calendar's price of a truck's
        day: of each vehicle type, as many as its busiest day works are kept all week, so each
        day working fewer pays for the rest too (a calendar that crowds one day needs a fleet
        the other days leave in the yard)."""
        if self.cp.vehicle_day_fen <= 0:
            return 0.0
        idle = idle_vehicle_days(self._types, [d.plan for d in days])
        return float(self.cp.vehicle_day_fen * idle)

    def _working(self, seconds: Mapping[str, float]) -> dict[str, list[str]]:
        """The vehicles a day works (``seconds``: each one's, :func:`_vehicle_seconds`), by
        vehicle type, those working longest first."""
        by_type: dict[str, list[str]] = {}
        for vehicle_id in sorted(seconds, key=lambda v: (-seconds[v], v)):
            by_type.setdefault(self.base.vehicle_by_id[vehicle_id].type_id, []).append(vehicle_id)
        return by_type

    def _allowed(self, point_id: str) -> tuple[Pattern, ...]:
        return self.cp.patterns(point_id) if point_id in self.cp.rule_by_point else ()

    def _visits_per_day(self) -> float:
        """The visits a day of the period holds on average: a point without a rule its visits
        a day on every day (the daily streams of a district), a ruled one a visit on each of its
        first pattern's days (as :meth:`CalendarProblem.day_problem` serves it)."""
        period = max(self.cp.period_days, 1)
        ruled = set(self.ruled)
        visits = sum(
            len(self.cp.period_days_of(point.id, self.cp.patterns(point.id)[0]))
            if point.id in ruled
            else period * point.visits_per_day
            for point in self.base.points
        )
        return visits / period

    def _stretch(self) -> float:
        """How many times its seconds a day run of the search takes (at least 1): what the
        search gives a run for the time it has left. The runs are bounded by their iterations,
        and the optimiser's phases after such a search each take up to the time limit again
        (route elimination on a district's day: as long as the search, so twice the seconds).
        1 where the day runs' iterations are given (a plan the same on any machine)."""
        if self.day_iterations is not None or self._asked_s <= 0:
            return 1.0
        return max(1.0, self._took_s / self._asked_s)

    def _recombine(self, state: _State, seconds: float) -> _State:
        """The route pool's best recombination (:mod:`routing.calendar.pool`), if it is
        cheaper than ``state``."""
        if self.pool is None or not len(self.pool):
            return state
        found = self.pool.recombine(
            state.patterns, seconds=seconds, seed=self.seed, plans=[d.plan for d in state.days]
        )
        if found is None:
            return state
        better = self._state_of(*found)
        if self._score(better) < self._score(state) - 1e-6:
            self.recombined += 1
            return better
        return state

    def _polish(self, state: _State, deadline: float) -> _State:
        """The calendar's days planned again with the time left, on a level fleet
        (:meth:`_level`); then each day's plan is chosen from its two (:meth:`_choose`)."""
        days = list(state.days)
        fleets = self._level(days)
        level = [d for d, fleet in enumerate(fleets) if fleet is None]
        starts = self._leanest_starts(days)
        again: list[_Day] = []
        for d in range(len(days)):
            left = max(deadline - time.monotonic(), 0.0) / (len(days) - d)
            # A busy day starts from the plan of the nearest day that works the level fleet
            # (most of their points are the same), not from its own crowded one.
            if fleets[d] and level:
                start = min(level, key=lambda x: (abs(x - d), x))
            else:
                start = starts[d]
                self.lean_starts += start != d
            again.append(
                self.route_day(
                    d, state.patterns, left, final=True, warm=days[start].plan, fleet=fleets[d]
                )
            )
        return self._choose(state.patterns, days, again)

    def _leanest_starts(self, days: list[_Day]) -> list[int]:
        """Per day, the day whose plan its last planning starts from: the day working fewest
        vehicles (then the cheapest per visit), where the day works more than :data:`LEANER_BY`
        vehicles more and at least :data:`SHARED_FOR_START` of its points are that day's too;
        else its own.

        Points served every day are most of a city's work, and how a day's routing splits them
        between vehicles is chance: one day's search finds a split on fewer vehicles than
        another's. The other days' routing then starts from that split, with their own points
        put in (the optimiser's warm start), not from their own more crowded one."""
        points = [_day_points(day) for day in days]
        working = [len(_vehicle_seconds(day)) for day in days]
        lean = min(
            range(len(days)),
            key=lambda d: (working[d], days[d].cost_fen / max(len(points[d]), 1), d),
        )
        return [
            lean
            if working[d] > working[lean] + LEANER_BY
            and len(points[d] & points[lean]) >= SHARED_FOR_START * len(points[d])
            else d
            for d in range(len(days))
        ]

    def _choose(self, patterns: dict[str, Pattern], *options: Sequence[_Day | None]) -> _State:
        """Each day's plan, one of ``options``' (the days of calendars of ``patterns``, the first
        whole; None: another day's problem), chosen for the calendar's :meth:`_score`. The
        week's fleet is its busiest day's, so levelling pays only where every busy day is
        levelled together: the choices start from the best of each whole option and each day's
        best plan alone (the others the first's), then single days change while that lowers the
        score."""
        n = len(options[0])
        offered: list[dict[int, _Day]] = [
            {k: day for k, o in enumerate(options) if (day := o[d]) is not None} for d in range(n)
        ]

        def state(choice: Sequence[int]) -> _State:
            return _State(patterns, [offered[d][k] for d, k in enumerate(choice)])

        def alone(d: int, k: int) -> list[int]:
            return [k if e == d else 0 for e in range(n)]

        whole = [[k] * n for k in range(len(options)) if all(k in o for o in offered)]
        best_alone = [
            min(offered[d], key=lambda k: (self._score(state(alone(d, k))), k)) for d in range(n)
        ]
        choice = min([*whole, best_alone], key=lambda c: self._score(state(c)))
        best = self._score(state(choice))
        improved = True
        while improved:
            improved = False
            for d in range(n):
                for k in offered[d]:
                    if k == choice[d]:
                        continue
                    tried = [k if e == d else c for e, c in enumerate(choice)]
                    score = self._score(state(tried))
                    if score < best - 1e-6:
                        choice, best, improved = tried, score, True
        return state(choice)

    def _level(self, days: list[_Day]) -> list[frozenset[str] | None]:
        """Per day, the vehicles it may use when planned again: of each vehicle type, as many as
        the type works on the median day of the horizon — the vehicles of that type the day's
        plan works longest — where the day works more of them (the same trucks go out every day,
        and a busy day's routing is asked to do with them; None: the day's own fleet).

        A type is not levelled on a day whose work of it would not fit the median day's trucks
        of it, each working no longer than the type's longest day in the horizon's plans: the
        day would leave visits out, and its last planning is better spent on its own trucks."""
        seconds = [_vehicle_seconds(day) for day in days]
        working = [self._working(s) for s in seconds]
        types = {t for w in working for t in w}
        median = {t: sorted(len(w.get(t, ())) for w in working)[len(working) // 2] for t in types}
        longest = {
            t: max(s[v] for w, s in zip(working, seconds, strict=True) for v in w.get(t, ()))
            for t in types
        }
        fleets: list[frozenset[str] | None] = []
        for d, by_type in enumerate(working):
            cut = {
                t
                for t, ids in by_type.items()
                if len(ids) > median[t]
                and sum(seconds[d][v] for v in ids) <= median[t] * longest[t]
            }
            if not cut:
                fleets.append(None)
                continue
            res = self.cp.resources(d)
            allowed = (
                [v.id for v in self.base.vehicles] if res.vehicles is None else list(res.vehicles)
            )
            fleet: set[str] = set()
            for type_id in {self.base.vehicle_by_id[v].type_id for v in allowed}:
                own = by_type.get(type_id, [])
                others = [
                    v
                    for v in allowed
                    if self.base.vehicle_by_id[v].type_id == type_id and v not in own
                ]
                count = max(median.get(type_id, 0), 1 if own else 0)
                if own and type_id not in cut:
                    count = max(count, len(own))  # its work would not fit fewer
                fleet.update([*own, *others][:count])
            fleets.append(frozenset(fleet))
        return fleets

    def improve(self, state: _State, *, deadline: float, rounds: int | None) -> _State:
        """Iterated local search over patterns until ``deadline`` (or ``rounds`` rounds): passes
        of moves while they pay, else the days routed together (:meth:`_joint_move`), else
        single moves on the real routing, else a kick from the best; the best calendar found."""
        best = current = state
        done = 0
        kick = False
        levelled_last = False  # the last kick was towards a level fleet, and found nothing better
        while time.monotonic() < deadline and (rounds is None or done < rounds):
            done += 1
            if kick and self._pool_grew():  # recombine what the search has seen so far
                left = max(deadline - time.monotonic(), 0.0)
                found = self._recombine(best, min(RECOMBINE_MAX_S, RECOMBINE_SHARE * left))
                if found is not best:
                    best = current = found
                    kick = False
                    continue
            if kick:
                # Kicks towards a level fleet take turns with random ones while neither finds a
                # better calendar: the levelling kicks of a calendar are few, and go round.
                levelled = None if levelled_last else self._levelling_kick(best, deadline)
                levelled_last = levelled is not None
                if levelled is not None:
                    current = levelled
                else:
                    patterns, changed = self._kick(best)
                    if changed:
                        current = self._reroute(best, patterns, changed, deadline)
                kick = False
            else:
                patterns, changed = self._moves(current, deadline)
                moved = self._reroute(current, patterns, changed, deadline) if changed else None
                if moved is not None and self._score(moved) < self._score(current) - 1e-6:
                    current = moved
                else:  # the batch did not pay: the days routed together, single moves, a kick
                    single = self._joint_move(current, deadline)
                    if single is None:
                        single = self._single_moves(current, deadline)
                    if single is None:
                        kick = True
                    else:
                        current = single
            if self._score(current) < self._score(best) - 1e-6:
                best = current
                levelled_last = False
        return best

    def best_of(
        self,
        plans: Sequence[CalendarPlan],
        pools: Iterable[PooledRoutes | None],
        *,
        seconds: float,
    ) -> CalendarPlan:
        """Of ``plans`` (calendars of this problem, this planner's first), the one that scores
        best, each of its days routed as the cheapest of the plans that give that day the same
        points would have it (:meth:`_mixed`); where the days are independent, this planner's
        route pool with ``pools`` (other searches' routes) recombined from it in ``seconds``
        (:meth:`_recombine`)."""
        states = [self._state_of(plan.patterns, plan.days) for plan in plans]
        scores = [self._score(state) for state in states]
        chosen = min(range(len(plans)), key=lambda k: (scores[k], k))
        best = self._mixed(states[chosen], [s for k, s in enumerate(states) if k != chosen])
        mixed = sum(a is not b for a, b in zip(best.days, states[chosen].days, strict=True))
        recombined = False
        if self.pool is not None:
            for routes in pools:
                if routes is not None:
                    self.pool.absorb(routes)
            found = self._recombine(best, seconds)
            recombined, best = found is not best, found
        stats = dict(plans[chosen].stats)
        stats.update(
            {
                "searches": len(plans),
                "search_costs_fen": [plan.stats["cost_fen"] for plan in plans],
                "chosen_search": chosen,
                "days_from_other_searches": mixed,
                "pooled_routes": 0 if self.pool is None else len(self.pool),
                "searches_recombined": recombined,
                "cost_fen": round(best.cost()),
                "unserved": sum(len(d.plan.unserved) for d in best.days),
            }
        )
        return CalendarPlan(
            problem_name=self.cp.name,
            patterns=dict(best.patterns),
            days=tuple(d.plan for d in best.days),
            stats=stats,
        )

    def _mixed(self, best: _State, others: Sequence[_State]) -> _State:
        """``best`` with each day's plan taken from ``others`` (other searches' calendars) where
        one of them routed the same points that day and the calendar scores lower for it
        (:meth:`_choose`). Searches that give a day the same points differ in its routing by
        chance (their seeds): the best calendar is the cheapest sum of days, not the sum of the
        cheapest days."""
        points = [_day_points(day) for day in best.days]
        options = [
            [day if _day_points(day) == points[d] else None for d, day in enumerate(other.days)]
            for other in others
        ]
        if not any(day is not None for option in options for day in option):
            return best
        return self._choose(best.patterns, best.days, *options)

    def _pool_grew(self) -> bool:
        """Whether the pool has grown by a tenth since it was last recombined."""
        if self.pool is None or len(self.pool) < self._pool_seen * 1.1 + 5:
            return False
        self._pool_seen = len(self.pool)
        return True

    def plan(
        self,
        *,
        time_limit_s: float,
        rounds: int | None = None,
        progress: Progress | None = None,
    ) -> CalendarPlan:
        """Construct, route, improve (see the module)."""
        began = time.monotonic()
        deadline = began + time_limit_s
        patterns = self.construct()
        # Large days need their time for routing; small ones for choosing days.
        large = self._visits_per_day() > LARGE_DAY_POINTS
        first_share = LARGE_FIRST_SHARE if large else FIRST_ROUTING_SHARE
        final_share = LARGE_FINAL_SHARE if large else FINAL_ROUTING_SHARE
        first = time_limit_s * (first_share if self.movable else 1.0)
        self._day_seconds = max(first / max(self.cp.horizon_days, 1), 0.05)
        began_routing = time.monotonic()
        state = _State(patterns, self._route_all(patterns, first))
        # The search's day runs cost what the first routing's did, on the clock.
        self._day_seconds = max(self._day_seconds / self._stretch(), 0.05)
        first_cost = searched_cost = state.cost()
        if self.movable:
            spent = time.monotonic() - began_routing
            state = self._starts(state, time_limit_s, spent, rounds)
        if progress is not None:
            progress(first_share, round(state.cost()))
        if self.movable:
            reserve = time_limit_s * final_share
            end = deadline - reserve
            middle = time.monotonic() + (end - time.monotonic()) / 2
            half = None if rounds is None else (rounds + 1) // 2
            state = self.improve(state, deadline=middle, rounds=half)
            state = self._recombine(state, reserve / 2)
            state = self.improve(state, deadline=end, rounds=half)
            state = self._recombine(state, reserve / 2)
            searched_cost = state.cost()
            state = self._polish(state, deadline)
        if progress is not None:
            progress(1.0, round(state.cost()))
        return CalendarPlan(
            problem_name=self.cp.name,
            patterns=dict(state.patterns),
            days=tuple(d.plan for d in state.days),
            stats={
                "seconds": round(time.monotonic() - began, 2),
                "seed": self.seed,
                "time_limit_s": time_limit_s,
                "day_solves": self.solves,
                "pattern_moves": self.moves,
                "kicks": self.kicks,
                "joint_moves": self.joint_moves,
                "levelling_kicks": self.levelling_kicks,
                "lean_starts": self.lean_starts,
                "starts": self.started,
                "pooled_routes": 0 if self.pool is None else len(self.pool),
                "recombinations_kept": self.recombined,
                "first_cost_fen": round(first_cost),
                "searched_cost_fen": round(searched_cost),  # before the last planning of the days
                "cost_fen": round(state.cost()),
                "unserved": sum(len(d.plan.unserved) for d in state.days),
            },
        )


def _day_points(day: _Day) -> set[str]:
    """The points due on the day: those its plan serves and those it leaves out."""
    served = {v.point_id for _, _, v in day.plan.served_visits()}
    return served | {u.point_id for u in day.plan.unserved}


def _vehicle_seconds(day: _Day) -> dict[str, float]:
    """The seconds each vehicle works on the day (its routes, start to end)."""
    seconds: dict[str, float] = {}
    for route in day.plan.routes:
        seconds[route.vehicle_id] = seconds.get(route.vehicle_id, 0) + route.end_s - route.start_s
    return seconds


def plan_calendar(
    problem: CalendarProblem,
    *,
    time_limit_s: float = 60.0,
    seed: int = 0,
    previous: Mapping[str, Pattern] | None = None,
    day_iterations: int | None = None,
    rounds: int | None = None,
    progress: Progress | None = None,
    cores: int = 1,
) -> CalendarPlan:
    """Plan a collection calendar (see the module).

    Parameters
    ----------
    previous
        Patterns of an earlier calendar: each point keeps its own where the rules still allow
        it, and leaves it only for a large saving.
    day_iterations, rounds
        Bound each day's optimiser run and the rounds of pattern moves: with both, the plan is
        the same for a seed whatever the machine's speed.
    cores
        The cores the plan may use: as many searches run side by side, this process's from
        ``seed``, each other in a process of its own from a seed of its own, all to the same
        deadline. The calendar that scores best is kept; where the days are independent, the
        route pool of every search is then recombined from it (a route one search found may
        complete another's calendar), in :data:`MERGE_SHARE` of the budget kept for it.
        Under :data:`SIDE_BY_SIDE_MIN_S` one search runs.
    """
    searches = max(cores, 1) if time_limit_s >= SIDE_BY_SIDE_MIN_S else 1
    planner = CalendarPlanner(problem, seed=seed, previous=previous, day_iterations=day_iterations)
    if searches <= 1:
        return planner.plan(time_limit_s=time_limit_s, rounds=rounds, progress=progress)
    began = time.monotonic()
    merge_s = min(MERGE_MAX_S, MERGE_SHARE * time_limit_s) if planner.pool is not None else 0.0
    searching_s = time_limit_s - merge_s
    until = time.time() + searching_s  # the wall clock: the same in every process
    own_progress = None
    if progress is not None:
        report = progress

        def own_progress(done: float, cost: int | None) -> None:  # the search's share of the bar
            report(done * searching_s / time_limit_s, cost)

    bounds = (day_iterations, rounds)
    lost = 0
    # Pickled here, before this process's search starts: the pool pickles what it is given in
    # a thread of its own, while the search below fills the problem's caches (a dictionary that
    # changes size while it is pickled fails the search: seen once in CI).
    given = pickle.dumps((problem, previous))
    with ProcessPoolExecutor(searches - 1, mp_context=get_context("spawn")) as pool:
        futures = [
            pool.submit(_search, given, seed + k * SEED_STRIDE, until, bounds)
            for k in range(1, searches)
        ]
        mine = planner.plan(time_limit_s=searching_s, rounds=rounds, progress=own_progress)
        others: list[_Searched] = []
        for future in futures:
            try:
                others.append(future.result())
            except BrokenProcessPool:  # the process died (memory): the others' plans stand
                lost += 1
    left = max(began + time_limit_s - time.monotonic() - MERGE_MARGIN_S, 0.0)
    plan = planner.best_of(
        [mine, *(o.plan for o in others)], [o.routes for o in others], seconds=left
    )
    stats = {**plan.stats, "searches_lost": lost, "seconds": round(time.monotonic() - began, 2)}
    plan = dataclasses.replace(plan, stats=stats)
    if progress is not None:
        progress(1.0, plan.stats["cost_fen"])
    return plan


@dataclass(frozen=True, slots=True)
class _Searched:
    """A search's calendar, and its route pool's routes (None where the days are not
    independent)."""

    plan: CalendarPlan
    routes: PooledRoutes | None


def _search(
    given: bytes, seed: int, until: float, bounds: tuple[int | None, int | None]
) -> _Searched:
    """One search of :func:`plan_calendar`'s, in a process of its own, until ``until`` (the wall
    clock's seconds); ``given``: the problem and the previous patterns, pickled; ``bounds``: its
    day iterations and rounds."""
    problem, previous = pickle.loads(given)
    day_iterations, rounds = bounds
    planner = CalendarPlanner(problem, seed=seed, previous=previous, day_iterations=day_iterations)
    plan = planner.plan(time_limit_s=max(until - time.time(), 0.05), rounds=rounds)
    return _Searched(plan, None if planner.pool is None else planner.pool.routes)


def available_cores() -> int:
    """The cores this process may run on: as many searches as :func:`plan_calendar` should
    run side by side."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def naive_calendar(
    problem: CalendarProblem,
    *,
    time_limit_s: float = 60.0,
    seed: int = 0,
    day_iterations: int | None = None,
    cores: int = 1,
) -> CalendarPlan:
    """Every point on its first allowed pattern, each day routed alone by the same optimiser
    with the same budget and ``cores`` (each day's solve plans its streams on them side by
    side): the reference a planned calendar must beat."""
    planner = CalendarPlanner(
        problem, seed=seed, day_iterations=day_iterations, workers=max(cores, 1)
    )
    patterns = {p: problem.patterns(p)[0] for p in planner.ruled}
    began = time.monotonic()
    per_day = time_limit_s / max(problem.horizon_days, 1)
    days = [
        planner.route_day(d, patterns, per_day, final=True) for d in range(problem.horizon_days)
    ]
    cost = sum(d.cost_fen for d in days)
    return CalendarPlan(
        problem_name=problem.name,
        patterns=patterns,
        days=tuple(d.plan for d in days),
        stats={
            "seconds": round(time.monotonic() - began, 2),
            "seed": seed,
            "time_limit_s": time_limit_s,
            "day_solves": planner.solves,
            "cost_fen": round(cost),
            "unserved": sum(len(d.plan.unserved) for d in days),
        },
    )
