"""Facility siting: from N candidate sites, the best k by simulated routing cost, for each k.

1. **Estimate** (fast, every subset): each point of a stream the new facility would take goes to
   the facility, old or new, that costs least to serve it from, by trips, road round trips and
   cost per km; it only ranks (:mod:`scenarios.siting_estimate`).
2. **Plans** (slow, finalists only): the ``finalists`` best subsets of each k are planned in full
   (:func:`routing.solve.solve`), as a sweep on the executor, and judged by the validator.
3. **The curve**: k against the best planned cost (fewest unserved visits first), with k = 0
   (no new site) as the reference.

Siting file: a scenario file (base, solve, changes) with a ``[siting]`` table (``k``, ``finalists``,
``kind``, ``like`` and the new facility's figures) and ``[[candidates]]`` (``id`` and a place),
read by :mod:`scenarios.siting_file`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from routing.problem import Problem
from scenarios import svg
from scenarios.base import cached_base, network_of, scenario_problem
from scenarios.report import figures_of
from scenarios.siting_estimate import ENUMERATE_LIMIT, Estimates, best_subsets, estimates
from scenarios.siting_file import SITING_TABLES, Candidate, Siting, read_siting
from scenarios.sweep import ScenarioOutcome, ScenarioTask, run_sweep

# The siting file and the estimate are importable from here, with the answer.
__all__ = [
    "ENUMERATE_LIMIT",
    "FORMAT",
    "SITING_TABLES",
    "Candidate",
    "CurvePoint",
    "Estimates",
    "Siting",
    "SitingResult",
    "best_subsets",
    "estimates",
    "read_siting",
    "site",
    "siting_json",
    "write_siting",
]

FORMAT = "huanwei-siting/1"


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
