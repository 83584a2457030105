"""Facility siting: from N candidate sites, the best k by simulated routing cost, for each k.

1. **Estimate** (fast, every subset): each point of a stream the new facility would take goes to
   the facility, old or new, that costs least to serve it from — its trips (kg over the largest
   fitting truck's capacity) times the road round trip to the facility times that truck's cost
   per km, plus, for a transfer station, its containers' round trips to the nearest landfill at the
   haul truck's cost per km. Capacities and time are left out: it only ranks. Subsets of k sites
   are enumerated when there are at most :data:`ENUMERATE_LIMIT`, else grown greedily and improved
   by swaps (Teitz and Bart's interchange).
2. **Plans** (slow, finalists only): the ``finalists`` best subsets of each k are planned in full
   (:func:`routing.solve.solve`), as a sweep on the executor, and judged by the validator.
3. **The curve**: k against the best planned cost (fewest unserved visits first), with k = 0
   (no new site) as the reference.

Siting file: a scenario file (base, solve, changes) with a ``[siting]`` table (``k``, ``finalists``,
``kind``, ``like`` and the new facility's figures) and ``[[candidates]]`` (``id`` and a place).
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from routing import fields as p
from routing.domain import CollectionPoint, FacilityKind
from routing.errors import DefectCollector, FieldError
from routing.fleet import VehicleType
from routing.network import UNREACHABLE
from routing.problem import Problem
from routing.travel import TravelMatrix
from routing.units import KILOMETRE
from scenarios import svg
from scenarios.base import cached_base, network_of, scenario_problem
from scenarios.change_tables import read_facility_figures, read_place
from scenarios.facility_changes import AddFacility, FacilityFigures, Place
from scenarios.report import figures_of
from scenarios.scenario_file import Scenario, ScenarioError, read_toml, scenario_from_dict
from scenarios.sweep import ScenarioOutcome, ScenarioTask, run_sweep
from scenarios.table_reader import TableReader, non_negative_int

SITING_TABLES = frozenset({"siting", "candidates"})
ENUMERATE_LIMIT = 5000
FORMAT = "huanwei-siting/1"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A candidate site."""

    id: str
    place: Place


@dataclass(frozen=True, slots=True, eq=False)
class Siting:
    """A siting question: the scenario, the candidates, the k to try, finalists per k."""

    scenario: Scenario
    candidates: tuple[Candidate, ...]
    ks: tuple[int, ...] = (1, 2)
    finalists: int = 2
    kind: FacilityKind = FacilityKind.TRANSFER_STATION
    like: str | None = None
    figures: FacilityFigures = dataclasses.field(default_factory=FacilityFigures)

    def opening(self, sites: Sequence[str]) -> Scenario:
        """The scenario with the facilities at ``sites`` opened."""
        by_id = {c.id: c for c in self.candidates}
        added = tuple(
            AddFacility(s, self.kind, by_id[s].place, self.figures, self.like, where=f"site {s}")
            for s in sites
        )
        name = f"{self.scenario.name}+{'+'.join(sites)}" if sites else self.scenario.name
        return dataclasses.replace(self.scenario, name=name, changes=self.scenario.changes + added)


def read_siting(path: str | Path) -> Siting:
    """Read a siting file; every defect named by its line and field (like scenario files)."""
    path = Path(path)
    raw, lines = read_toml(path)
    scenario = scenario_from_dict(
        raw, source=str(path), lines=lines, base_dir=path.parent.resolve(), extra=SITING_TABLES
    )
    defects = DefectCollector()
    r = TableReader(lines, defects)
    allowed = {"k", "finalists", "kind", "like"} | {
        "name",
        "accepts",
        "opening",
        "tipping_min",
        "capacity_t",
        "storage_t",
        "container_t",
    }
    table = r.table(raw.get("siting", {}), ("siting",), "siting", allowed)
    ks_raw = table.get("k", [1, 2])
    ks = r.get(
        {"k": ks_raw if isinstance(ks_raw, list) else [ks_raw]}, ("siting",), "siting", "k", _k_list
    )
    finalists = r.get(table, ("siting",), "siting", "finalists", non_negative_int, 2)
    kind = r.get(
        table,
        ("siting",),
        "siting",
        "kind",
        p.enum_value(FacilityKind),
        FacilityKind.TRANSFER_STATION,
    )
    like = r.get(table, ("siting",), "siting", "like", p.text, None)
    figures = read_facility_figures(r, table, ("siting",), "siting")
    candidates: list[Candidate] = []
    listed = raw.get("candidates", [])
    if not isinstance(listed, list) or not listed:
        r.add((), "siting", "candidates", "must list at least one [[candidates]] site")
        listed = []
    for i, item in enumerate(listed):
        where = ("candidates", i)
        label = f"candidates[{i}]"
        site_table = r.table(
            item, where, label, {"id", "lon", "lat", "near", "east_km", "north_km"}
        )
        site_id = r.get(site_table, where, label, "id", p.text)
        place = read_place(r, site_table, where, label)
        if site_id is not None and place is not None:
            if site_id in {c.id for c in candidates}:
                r.add(where, label, "id", f"{site_id!r} is listed twice")
            candidates.append(Candidate(site_id, place))
    if ks and candidates and max(ks) > len(candidates):
        r.add(
            ("siting",), "siting", "k", f"asks for {max(ks)} sites of {len(candidates)} candidates"
        )
    defects.raise_if_any(source=str(path), kind=ScenarioError)
    return Siting(scenario, tuple(candidates), tuple(ks), max(1, finalists), kind, like, figures)


def _k_list(value: Any, name: str) -> list[int]:
    ks = [p.integer(v, name) for v in value]
    if not ks or any(k < 1 for k in ks):
        raise FieldError(name, "must list numbers of sites, each 1 or more")
    return sorted(set(ks))


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


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """The best planned subset for one k."""

    k: int
    sites: tuple[str, ...]
    estimate_yuan: float
    planned_yuan: float
    unserved: int
    valid: bool


@dataclass(frozen=True, slots=True)
class SitingResult:
    """The curve, every finalist's estimate and plan, and the map's data."""

    siting: Siting
    curve: tuple[CurvePoint, ...]
    finalists: tuple[tuple[int, tuple[str, ...], float, ScenarioOutcome], ...]
    problem: Problem

    @property
    def all_valid(self) -> bool:
        return all(o.valid and not o.error for *_, o in self.finalists)


def site(
    siting: Siting,
    executor: Executor,
    *,
    engine: str = "optimiser",
    done: Callable[[ScenarioOutcome], None] | None = None,
) -> SitingResult:
    """Estimate every subset, plan the finalists on ``executor``, and draw the curve."""
    ids = [c.id for c in siting.candidates]
    everything = scenario_problem(siting.opening(ids))
    est = estimates(everything, ids)
    chosen: list[tuple[int, tuple[str, ...], float]] = [(0, (), est.cost(()))]
    for k in siting.ks:
        for cost, subset in best_subsets(est, k, siting.finalists):
            chosen.append((k, tuple(ids[j] for j in subset), cost))
    tasks = [
        ScenarioTask(siting.opening(sites), siting.scenario.solve, engine=engine)
        for _, sites, _ in chosen
    ]
    outcomes = run_sweep(tasks, executor, done=done)
    finalists = tuple(
        (k, sites, round(cost, 2), outcome)
        for (k, sites, cost), outcome in zip(chosen, outcomes, strict=True)
    )
    curve = []
    for k in (0, *siting.ks):
        rows = [row for row in finalists if row[0] == k and not row[3].error]
        if not rows:
            continue
        best = min(
            rows,
            key=lambda row: (
                figures_of(row[3])["visits_unserved"],
                figures_of(row[3])["cost_yuan"],
            ),
        )
        f = figures_of(best[3])
        curve.append(
            CurvePoint(
                k, best[1], best[2], f["cost_yuan"], int(f["visits_unserved"]), best[3].valid
            )
        )
    return SitingResult(siting, tuple(curve), finalists, everything)


def siting_json(result: SitingResult) -> dict[str, Any]:
    """The JSON form of a siting result."""
    return {
        "format": FORMAT,
        "scenario": result.siting.scenario.name,
        "candidates": [
            {
                "id": c.id,
                "lon": result.problem.facility_by_id[c.id].location.lon,
                "lat": result.problem.facility_by_id[c.id].location.lat,
            }
            for c in result.siting.candidates
        ],
        "estimate": (
            "per point: trips (kg / largest fitting truck's capacity) × road round trip to the "
            "cheapest facility × cost per km, plus station containers' round trips to the "
            "landfill at the haul truck's cost per km; capacities and time left out"
        ),
        "curve": [dataclasses.asdict(row) for row in result.curve],
        "finalists": [
            {
                "k": k,
                "sites": list(sites),
                "estimate_yuan": cost,
                "valid": outcome.valid,
                "error": outcome.error,
                "figures": figures_of(outcome),
                "seconds": outcome.seconds,
            }
            for k, sites, cost, outcome in result.finalists
        ],
        "attribution": svg.ATTRIBUTION,
    }


def write_siting(result: SitingResult, out: Path) -> dict[str, Any]:
    """Write ``siting.json`` and ``siting.html`` (the curve and a map of the sites) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    data = siting_json(result)
    (out / "siting.json").write_text(
        json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8"
    )
    ks = [str(row.k) for row in result.curve]
    chart = svg.line_chart(
        "cost against the number of new sites k",
        ks,
        {
            "estimate": [row.estimate_yuan for row in result.curve],
            "planned": [row.planned_yuan for row in result.curve],
        },
        "CNY",
    )
    osm = cached_base(result.siting.scenario.base).osm()
    network = network_of(str(osm)) if osm is not None else None
    problem = result.problem
    frame = svg.frame_for(network, [pt.location for pt in problem.points])
    streets = svg.streets_path(network, frame) if network is not None else ""
    best = result.curve[-1].sites if result.curve else ()
    marks = [
        svg.MapPlace(
            f.id + (" ★" if f.id in best else ""),
            "candidate" if f.id in {c.id for c in result.siting.candidates} else f.kind.value,
            f.location,
        )
        for f in problem.facilities
    ]
    marks += [svg.MapPlace(d.id, "depot", d.location) for d in problem.depots]
    site_map = svg.route_map(
        "candidate sites (★ best of the largest k)",
        frame,
        streets,
        [],
        marks,
        dots=[pt.location for pt in problem.points],
    )
    rows = "".join(
        f"<tr><td>{row.k}</td><td>{escape(', '.join(row.sites) or '(none)')}</td>"
        f"<td>{row.estimate_yuan:,.0f}</td><td>{row.planned_yuan:,.0f}</td><td>{row.unserved}</td>"
        f"<td>{'valid' if row.valid else 'INVALID'}</td></tr>"
        for row in result.curve
    )
    html = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Facility siting</title>"
        "<style>body{font-family:sans-serif;margin:1.5em}td,th{border:1px solid #ccc;padding:4px 8px}"
        "table{border-collapse:collapse}</style></head><body>"
        f"<h1>Facility siting: {escape(result.siting.scenario.name)}</h1>"
        f"<p>{len(result.siting.candidates)} candidates; estimate: {escape(data['estimate'])}.</p>"
        "<table><tr><th>k</th><th>best sites</th><th>estimate (CNY)</th><th>planned cost (CNY)</th>"
        f"<th>unserved</th><th>validator</th></tr>{rows}</table>{chart}{site_map}"
        f"<p><small>Map data {svg.ATTRIBUTION}, ODbL.</small></p></body></html>"
    )
    (out / "siting.html").write_text(html, encoding="utf-8")
    return data
