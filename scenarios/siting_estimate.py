"""Siting's estimate: what serving each point would cost with each subset of candidates open.

Each point of a stream the new facility would take goes to the facility, old or new, that costs
least to serve it from: its trips (kg over the largest fitting truck's capacity) times the road
round trip to the facility times that truck's cost per km, plus, for a transfer station, its
containers' round trips to the nearest landfill at the haul truck's cost per km. Capacities and
time are left out: it only ranks. Subsets of k sites are enumerated when there are at most
:data:`ENUMERATE_LIMIT`, else grown greedily and improved by swaps (Teitz and Bart's interchange).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from routing.domain import CollectionPoint, FacilityKind
from routing.fleet import VehicleType
from routing.network import UNREACHABLE
from routing.problem import Problem
from routing.travel import TravelMatrix
from routing.units import KILOMETRE

ENUMERATE_LIMIT = 5000


@dataclass(frozen=True, slots=True)
class Estimates:
    """Per point: the cost (CNY) of serving it from the existing facilities and each candidate."""

    existing: NDArray[np.float64]
    candidate: NDArray[np.float64]  # points × candidates
    ids: tuple[str, ...]

    def cost(self, chosen: Sequence[int]) -> float:
        """The estimated cost with the candidates ``chosen`` (indexes) open."""
        if not chosen:
            return float(self.existing.sum())
        best = np.minimum(self.existing, self.candidate[:, list(chosen)].min(axis=1))
        return float(np.sum(best))


def estimates(problem: Problem, candidates: Sequence[str]) -> Estimates:
    """Serving costs of ``problem`` (with every candidate opened) by point and facility."""
    streams = set().union(*(problem.facility_by_id[c].accepts for c in candidates))
    haul = _haul_cost_per_kg(problem)
    rows_existing: list[float] = []
    rows_candidates: list[list[float]] = []
    for point in problem.points:
        truck = _truck_for(problem, point) if point.stream in streams else None
        if truck is None:
            continue
        vtype, matrix = truck
        per_kg_m = vtype.cost_per_km_fen / 100 / KILOMETRE / vtype.capacity_kg
        options: dict[str, float] = {}
        for facility in problem.facilities:
            there = matrix.distance(point.id, facility.id)
            back = matrix.distance(facility.id, point.id)
            if point.stream in facility.accepts and max(there, back) < UNREACHABLE:
                trip = (there + back) * per_kg_m + haul.get(facility.id, 0.0)
                options[facility.id] = point.kg_per_day * trip
        old = [v for k, v in options.items() if k not in candidates]
        if not old and not any(c in options for c in candidates):
            continue  # no facility reachable: the plans will say so
        rows_existing.append(min(old) if old else math.inf)
        rows_candidates.append([options.get(c, math.inf) for c in candidates])
    return Estimates(
        np.array(rows_existing, dtype=np.float64),
        np.array(rows_candidates, dtype=np.float64).reshape(len(rows_existing), len(candidates)),
        tuple(candidates),
    )


def _haul_cost_per_kg(problem: Problem) -> dict[str, float]:
    """Per transfer station: CNY per kg to haul its containers to the nearest landfill and back."""
    landfills = [f.id for f in problem.facilities if f.kind is FacilityKind.LANDFILL]
    haulers = [
        problem.vehicle_type_of(v)
        for v in problem.vehicles
        if problem.vehicle_type_of(v).body is problem.rules.haul_body
    ]
    if not landfills or not haulers:
        return {}
    matrix = problem.travel[haulers[0].profile]
    per_m = haulers[0].cost_per_km_fen / 100 / KILOMETRE
    return {
        f.id: min(matrix.distance(f.id, lf) + matrix.distance(lf, f.id) for lf in landfills)
        * per_m
        / f.container_kg
        for f in problem.transfer_stations
    }


def _truck_for(problem: Problem, point: CollectionPoint) -> tuple[VehicleType, TravelMatrix] | None:
    """The largest vehicle type that may carry the point's stream and reach it, and its matrix."""
    rule = problem.rules.stream_rule(point.stream)
    types = [
        t
        for t in problem.vehicle_types
        if rule is not None
        and rule.allows(t.body, t.sealed)
        and t.size_class <= point.max_size_class
    ]
    if not types:
        return None
    vtype = max(types, key=lambda t: t.capacity_kg)
    return vtype, problem.travel[vtype.profile]


def best_subsets(est: Estimates, k: int, keep: int) -> list[tuple[float, tuple[int, ...]]]:
    """The ``keep`` subsets of ``k`` candidates with the lowest estimate, best first."""
    n = len(est.ids)
    if math.comb(n, k) <= ENUMERATE_LIMIT:
        scored = sorted((est.cost(c), c) for c in itertools.combinations(range(n), k))
        return scored[:keep]
    chosen: list[int] = []
    for _ in range(k):  # greedy growth
        rest = [j for j in range(n) if j not in chosen]
        chosen.append(min(rest, key=lambda j: est.cost([*chosen, j])))
    improved = True
    while improved:  # interchange: swap one chosen site for one left out while it pays
        improved = False
        current = est.cost(chosen)
        for i, j in itertools.product(range(k), range(n)):
            if j in chosen:
                continue
            trial = [*chosen[:i], j, *chosen[i + 1 :]]
            if est.cost(trial) < current - 1e-9:
                chosen, current, improved = trial, est.cost(trial), True
    return [(est.cost(chosen), tuple(sorted(chosen)))]
