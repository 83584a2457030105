"""Solving a Kim instance: PyVRP routes the day, then trips are merged and the lunch is placed.

PyVRP cannot hold a day's total across reloads, so the adapter splits the daily yards into equal
trips (sound, but each trip holds less than the body). Here consecutive trips are merged back
where the body holds both (dropping an unloading only shortens the day: Manhattan distances keep
the triangle inequality and waiting is allowed), and the one-hour lunch is put at the stop of each
route that leaves it starting between 11:00 and 12:00 and keeps every window, in the hour the
adapter kept free before the depot closes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from itertools import pairwise

from routing.kim.pyvrp_model import solve_kim
from routing.kim.reader import KimInstance, SiteType
from routing.kim.solution import KimRoute, KimSolution
from routing.kim.travel import FEET_PER_MILE, drive_s, manhattan_ft

LUNCH_FROM_S = 11 * 3600
LUNCH_UNTIL_S = 12 * 3600
SLACK = 1e-6
NOWHERE = -1  # no stop of the route can hold the lunch


@dataclass(frozen=True, slots=True)
class KimRun:
    """A solution with how it was found.

    Parameters
    ----------
    solution
        The routes, lunch placed.
    seconds
        Wall time of the whole solve.
    pyvrp_feasible
        PyVRP's own verdict on its routes (before merging and lunch).
    """

    solution: KimSolution
    seconds: float
    pyvrp_feasible: bool


def _return_time(instance: KimInstance, stops: list[int], lunch_after: int | None) -> float | None:
    """When the vehicle is back at the depot, or None if a window or the lunch start is missed."""
    sites = instance.sites
    t = float(sites[stops[0]].early_s)
    for n in range(1, len(stops)):
        t += drive_s(instance, manhattan_ft(instance, stops[n - 1], stops[n]))
        site = sites[stops[n]]
        if n == len(stops) - 1:
            return t if t <= site.late_s + SLACK else None
        t = max(t, float(site.early_s))
        if t > site.late_s + SLACK:
            return None
        t += site.service_s
        if n == lunch_after:
            t = max(t, float(LUNCH_FROM_S))
            if t > LUNCH_UNTIL_S + SLACK:
                return None
            t += instance.lunch_s
    return t


def _merge_trips(instance: KimInstance, stops: list[int]) -> list[int]:
    """Drop an unloading between two trips wherever the body holds both and the day still fits."""
    sites = instance.sites
    n = 1
    while n < len(stops) - 2:
        if sites[stops[n]].kind is SiteType.DISPOSAL:
            before = after = 0.0
            k = n - 1
            while sites[stops[k]].kind is SiteType.STOP:
                before += sites[stops[k]].load_yd
                k -= 1
            k = n + 1
            while sites[stops[k]].kind is SiteType.STOP:
                after += sites[stops[k]].load_yd
                k += 1
            shorter = stops[:n] + stops[n + 1 :]
            if (
                before + after <= instance.capacity_yd + SLACK
                and _return_time(instance, shorter, None) is not None
            ):
                stops = shorter
                continue
        n += 1
    return stops


def _feasible_lunch(instance: KimInstance, stops: list[int]) -> int | None:
    """Where the lunch goes: an index, None (not needed), or ``NOWHERE`` when no stop keeps every rule.

    The latest stops whose service ends by 12:00 are tried first: a late lunch delays fewest stops.
    """
    back = _return_time(instance, stops, None)
    if back is not None and back <= LUNCH_UNTIL_S:
        return None
    for k in range(len(stops) - 2, 0, -1):
        if _lunch_start(instance, stops, k) > LUNCH_UNTIL_S + SLACK:
            continue
        if _return_time(instance, stops, k) is not None:
            return k
    return NOWHERE


def _trips_fit(instance: KimInstance, stops: list[int]) -> bool:
    on_board = 0.0
    for i in stops:
        site = instance.sites[i]
        on_board = 0.0 if site.kind is not SiteType.STOP else on_board + site.load_yd
        if on_board > instance.capacity_yd + SLACK:
            return False
    return True


def _repair_lunch(instance: KimInstance, stops: list[int]) -> tuple[list[int], int | None]:
    """The route with a lunch that keeps every rule, moving one stop within it if need be.

    The stops tried are those whose window opens at 11:00 or later (they hold the lunch back);
    each goes to the cheapest position that leaves room for the lunch. When nothing works the
    lunch is put where it starts in time and the validator reports the windows it breaks.
    """
    placed = _feasible_lunch(instance, stops)
    if placed != NOWHERE:
        return stops, placed
    best: tuple[float, list[int], int | None] | None = None
    movable = [
        n for n in range(1, len(stops) - 2) if instance.sites[stops[n]].early_s >= LUNCH_FROM_S
    ]
    for n in movable:
        rest = stops[:n] + stops[n + 1 :]
        for p in range(1, len(rest) - 1):
            trial = [*rest[:p], stops[n], *rest[p:]]
            if trial == stops or not _trips_fit(instance, trial):
                continue
            k = _feasible_lunch(instance, trial)
            if k == NOWHERE:
                continue
            feet = sum(manhattan_ft(instance, a, b) for a, b in pairwise(trial))
            if best is None or feet < best[0]:
                best = (feet, trial, k)
    if best is not None:
        return best[1], best[2]
    in_time = (
        k for k in range(len(stops) - 2, 0, -1) if _lunch_start(instance, stops, k) <= LUNCH_UNTIL_S
    )
    return stops, next(in_time, 1)


def _lunch_start(instance: KimInstance, stops: list[int], k: int) -> float:
    sites = instance.sites
    t = float(sites[stops[0]].early_s)
    for n in range(1, k + 1):
        t += drive_s(instance, manhattan_ft(instance, stops[n - 1], stops[n]))
        t = max(t, float(sites[stops[n]].early_s)) + sites[stops[n]].service_s
    return max(t, float(LUNCH_FROM_S))


def solve_kim_instance(
    instance: KimInstance, *, time_limit_s: float, seed: int, max_iterations: int | None = None
) -> KimRun:
    """Solve a Kim instance under the full rules.

    Parameters
    ----------
    instance
        The instance.
    time_limit_s
        PyVRP's time budget in seconds.
    seed
        PyVRP's seed; the result is deterministic for a seed and an iteration budget.
    max_iterations
        Optional iteration budget (for reproducible tests).
    """
    began = time.perf_counter()
    raw, feasible = solve_kim(
        instance, time_limit_s=time_limit_s, seed=seed, max_iterations=max_iterations
    )
    routes = []
    for stops in raw:
        merged, lunch = _repair_lunch(instance, _merge_trips(instance, stops))
        routes.append(KimRoute(tuple(merged), lunch))
    return KimRun(KimSolution(instance.name, tuple(routes)), time.perf_counter() - began, feasible)


def solve_relaxed(
    instance: KimInstance, *, time_limit_s: float, seed: int
) -> tuple[KimSolution, float, bool]:
    """PyVRP on the instance relaxed to what it models: no lunch, no daily yards or stops caps.

    Returns the routes (they break the lunch and daily rules by design), the wall time and PyVRP's
    own feasibility verdict on the relaxed problem.
    """
    began = time.perf_counter()
    raw, feasible = solve_kim(instance, time_limit_s=time_limit_s, seed=seed, relaxed=True)
    routes = tuple(KimRoute(tuple(stops)) for stops in raw)
    return KimSolution(instance.name, routes), time.perf_counter() - began, feasible


def route_miles(instance: KimInstance, solution: KimSolution) -> float:
    """Miles driven by a solution, by the authors' distance rule."""
    feet = sum(manhattan_ft(instance, a, b) for r in solution.routes for a, b in pairwise(r.stops))
    return feet / FEET_PER_MILE
