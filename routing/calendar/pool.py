"""The route pool: an exact recombination of every route the days' plans have held.

Each day planned by the optimiser leaves its routes: valid routes, each a set of points at a
known cost. Over a search the pool fills with many, for many days and patterns. A set-partitioning
model (OR-Tools CP-SAT) then chooses at once each point's pattern and each day's routes from the
pool — every point due on a day in exactly one route of that day, no more routes of a vehicle
group than the day has vehicles (and crews) — at the least cost; the result is the best
recombination of what the search has seen, often better than any calendar it visited.

Sound only where a day's routes are independent of one another (:func:`separable`): one shift,
no transfer station (hauls, storage), no facility's daily capacity that could bind, crews all
alike, one visit a day per point. Days with the same resources share their routes (a route
feasible on one is feasible on the other); a chosen route is given a vehicle and crew of its
group that work that day, and every assembled day is checked by the validator before it is used.
Searches run side by side pool their routes at the end (:meth:`RoutePool.absorb`), so that the
recombination draws on what every search has seen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from routing.calendar.model import CalendarProblem, Pattern
from routing.kpi import compute_kpis
from routing.plan import Plan, Route
from routing.problem import Problem
from routing.validation import validate


def separable(cp: CalendarProblem) -> bool:
    """Whether every day's routes are independent of one another (see the module), and every
    rule repeats within the horizon (no day beyond it to balance)."""
    base = cp.base
    if len(base.shifts) != 1 or cp.period_days != cp.horizon_days:
        return False
    total_kg = sum(cp.visit_amounts(p.id)[0] * p.visits_per_day for p in base.points)
    for facility in base.facilities:
        if facility.storage_kg > 0 or facility.daily_capacity_kg < total_kg:
            return False
    crews = {
        (c.max_work_s, c.break_s, c.break_after_s, c.available, c.break_window) for c in base.crews
    }
    if len(crews) != 1 or any(p.visits_per_day != 1 for p in base.points):
        return False
    return all(not r.closed and not r.opening and r.crews is None for r in cp.days)


#: A pooled route's key: its group (vehicle type, depot) and the points it serves.
_Key = tuple[tuple[str, str], frozenset[str]]


@dataclass(frozen=True, slots=True)
class _Pooled:
    group: tuple[str, str]  # vehicle type, depot
    points: frozenset[str]
    cost: int  # fen
    route: Route


#: A pool's routes: per class of days, the cheapest route of each key.
PooledRoutes = dict[int, dict[_Key, _Pooled]]


class RoutePool:
    """Routes seen per class of days (days with the same vehicles share their routes)."""

    def __init__(self, cp: CalendarProblem) -> None:
        self.cp = cp
        self.classes: dict[int, int] = {}
        seen: dict[tuple[str, ...] | None, int] = {}
        for d in range(cp.horizon_days):
            res = cp.resources(d)
            key = None if res.vehicles is None else tuple(sorted(res.vehicles))
            self.classes[d] = seen.setdefault(key, len(seen))
        self.routes: PooledRoutes = {}

    def __len__(self) -> int:
        return sum(len(r) for r in self.routes.values())

    def add(self, day: int, problem: Problem, plan: Plan) -> None:
        """Keep each route of ``plan`` (day ``day``), the cheapest per group and point set."""
        pool = self.routes.setdefault(self.classes[day], {})
        for route in plan.routes:
            key = self._key(problem, route)
            if not key[1]:
                continue
            single = Plan(problem.name, (route,))
            cost = compute_kpis(problem, single).cost_fen
            if key not in pool or cost < pool[key].cost:
                pool[key] = _Pooled(key[0], key[1], cost, route)

    def absorb(self, other: PooledRoutes) -> None:
        """Keep ``other``'s routes too (the ``routes`` of a pool of the same calendar problem,
        filled by another search), the cheapest per class of days, group and point set."""
        for klass, routes in other.items():
            pool = self.routes.setdefault(klass, {})
            for key, pooled in routes.items():
                if key not in pool or pooled.cost < pool[key].cost:
                    pool[key] = pooled

    @staticmethod
    def _key(problem: Problem, route: Route) -> _Key:
        """A route's group (its vehicle's type and depot) and the points it serves."""
        vehicle = problem.vehicle_by_id[route.vehicle_id]
        points = frozenset(v.point_id for t in route.trips for v in t.visits)
        return (vehicle.type_id, vehicle.depot_id), points

    def recombine(
        self,
        patterns: Mapping[str, Pattern],
        *,
        seconds: float,
        seed: int,
        plans: Sequence[Plan] | None = None,
    ) -> tuple[dict[str, Pattern], list[Plan]] | None:
        """The cheapest patterns and days' routes from the pool, starting from ``patterns``
        (and ``plans``, their days' plans, where given: the solver starts from that calendar
        whole, its routes as well as its patterns); None when the model finds nothing, or what
        it finds fails the validator."""
        cp = self.cp
        hinted = [{self._key(cp.base, route) for route in plan.routes} for plan in plans or ()]
        model = cp_model.CpModel()
        # Sorted, not a set's order: the model's variables in the same order in every process
        # (a string's hash changes between processes, and with it CP-SAT's ties).
        ruled = sorted({r.point_id for r in cp.rules})
        choosing = set(ruled)
        choose = {(p, q): model.new_bool_var(f"y_{p}_{q}") for p in ruled for q in cp.patterns(p)}
        for p in ruled:
            model.add_exactly_one(choose[p, q] for q in cp.patterns(p))
            for q in cp.patterns(p):
                model.add_hint(choose[p, q], tuple(patterns[p]) == q)
        take: dict[tuple[int, _Key], cp_model.IntVar] = {}
        objective = []
        for day in range(cp.horizon_days):
            pool = self.routes.get(self.classes[day], {})
            covering: dict[str, list[cp_model.IntVar]] = {}
            by_group: dict[tuple[str, str], list[cp_model.IntVar]] = {}
            for key, pooled in pool.items():
                var = model.new_bool_var(f"x_{day}_{len(take)}")
                take[day, key] = var
                if hinted:
                    model.add_hint(var, key in hinted[day])
                objective.append(pooled.cost * var)
                for p in sorted(pooled.points):
                    covering.setdefault(p, []).append(var)
                by_group.setdefault(pooled.group, []).append(var)
            for point in cp.base.points:
                routes = covering.get(point.id, [])
                if point.id in choosing:
                    cycle = cp.cycle_of(cp.rule_by_point[point.id])
                    due = [choose[point.id, q] for q in cp.patterns(point.id) if day % cycle in q]
                    model.add(sum(routes) == sum(due))
                elif routes:
                    model.add(sum(routes) == 1)
                else:
                    return None  # a daily point no pooled route of the day serves
            problem = cp.day_problem(day, patterns)
            for group, vars_ in by_group.items():
                have = sum(1 for v in problem.vehicles if (v.type_id, v.depot_id) == group)
                model.add(sum(vars_) <= have)
            model.add(sum(v for g in by_group.values() for v in g) <= len(problem.crews))
        model.minimize(sum(objective))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(seconds, 0.1)
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = seed
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        chosen = {p: q for (p, q), var in choose.items() if solver.boolean_value(var)}
        days = []
        for day in range(cp.horizon_days):
            problem = cp.day_problem(day, chosen)
            plan = self._assemble(day, problem, solver, take)
            if plan is None or not validate(problem, plan).ok:
                return None
            days.append(plan)
        return chosen, days

    def _assemble(
        self,
        day: int,
        problem: Problem,
        solver: cp_model.CpSolver,
        take: Mapping[tuple[int, _Key], cp_model.IntVar],
    ) -> Plan | None:
        """The day's chosen routes, each on a vehicle of its group and a crew working that day."""
        pool = self.routes.get(self.classes[day], {})
        free: dict[tuple[str, str], list[str]] = {}
        for v in problem.vehicles:
            free.setdefault((v.type_id, v.depot_id), []).append(v.id)
        crews = [c.id for c in problem.crews]
        routes = []
        for key, pooled in sorted(pool.items(), key=lambda kv: kv[1].route.start_s):
            if not solver.boolean_value(take[day, key]):
                continue
            if not free.get(pooled.group) or not crews:
                return None
            vehicle = free[pooled.group].pop(0)
            routes.append(replace(pooled.route, vehicle_id=vehicle, crew_id=crews.pop(0)))
        return Plan(problem.name, tuple(routes), meta={"solver": "route pool"})
