"""The side-by-side report of solved scenarios: JSON for programs, HTML (inline SVG) for people.

The first scenario is the reference ("before"); every other is compared with it, figure by
figure, as a difference and a percentage. Figures come from :func:`routing.kpi.compute_kpis` and
:func:`routing.kpi.transport_figures` (their factors are stated in the report).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from routing.network import RoadNetwork
from routing.problem import Problem
from routing.units import TONNE
from scenarios import svg
from scenarios.sweep import ScenarioOutcome

FORMAT = "huanwei-scenario-comparison/1"

#: Figures compared side by side: key, label, unit.
FIGURES: tuple[tuple[str, str, str], ...] = (
    ("km", "distance driven (routes)", "km"),
    ("haul_km", "distance of station hauls", "km"),
    ("truck_hours", "truck-hours (depot to depot)", "h"),
    ("driving_h", "driving hours", "h"),
    ("vehicles_used", "vehicles used", ""),
    ("max_vehicles_per_shift", "vehicles needed in the busiest shift", ""),
    ("routes", "routes (vehicle-shifts)", ""),
    ("trips", "trips", ""),
    ("tonne_km", "tonne-km (routes and hauls)", "t·km"),
    ("on_board_min_mean", "on-board time, mean", "min"),
    ("on_board_min_p95", "on-board time, 95th percentile", "min"),
    ("on_board_min_max", "on-board time, longest", "min"),
    ("cost_yuan", "cost", "CNY"),
    ("co2_kg", "CO2", "kg"),
    ("visits_served", "visits served", ""),
    ("visits_unserved", "visits unserved", ""),
)
CHARTED = ("km", "truck_hours", "tonne_km", "cost_yuan", "co2_kg", "visits_unserved")


def figures_of(outcome: ScenarioOutcome) -> dict[str, float]:
    """The compared figures of a solved scenario (empty if it failed)."""
    if outcome.error:
        return {}
    k, t = outcome.kpis, outcome.transport
    per_shift: Mapping[str, int] = k["vehicles_per_shift"]
    return {
        "km": k["km"],
        "haul_km": k["haul_km"],
        "truck_hours": k["working_h"],
        "driving_h": k["driving_h"],
        "vehicles_used": k["vehicles_used"],
        "max_vehicles_per_shift": max(per_shift.values(), default=0),
        "routes": k["routes"],
        "trips": k["trips"],
        "tonne_km": t["tonne_km"],
        "on_board_min_mean": t["on_board_min_mean"],
        "on_board_min_p95": t["on_board_min_p95"],
        "on_board_min_max": t["on_board_min_max"],
        "cost_yuan": k["cost_yuan"],
        "co2_kg": k["co2_kg"],
        "visits_served": k["visits_served"],
        "visits_unserved": k["visits_unserved"],
    }


def _delta(value: float, reference: float) -> dict[str, float | None]:
    pct = None if reference == 0 else round(100.0 * (value - reference) / abs(reference), 1)
    return {"change": round(value - reference, 3), "pct": pct}


def _reasons(outcome: ScenarioOutcome) -> dict[str, int]:
    """Unserved visits counted by rule and reason (the plan's own words)."""
    counts = Counter(f"{u['rule']}: {u['reason']}" for u in outcome.plan.get("unserved", []))
    return dict(counts.most_common())


def engine_of(plan: Mapping[str, Any]) -> str:
    """Which engine made a plan: ``"optimiser"``, or ``"greedy"`` (the baseline planner, kept
    when the optimiser's own plan did worse, or asked for)."""
    stats = plan.get("stats") or {}
    chosen = stats.get("chosen") or plan.get("meta", {}).get("solver", "")
    return "greedy" if chosen == "greedy" else "optimiser" if chosen else ""


def caveats(report: Mapping[str, Any]) -> list[str]:
    """What makes the scenarios' figures unlike for like, said before any figure: plans made by
    different engines, or on different travel."""
    rows = [s for s in report["scenarios"] if not s.get("error")]
    said: list[str] = []
    engines = {s["name"]: s.get("engine", "") for s in rows}
    if len(set(engines.values())) > 1:
        by = "; ".join(f"{name}: {engine}" for name, engine in engines.items())
        said.append(
            "The plans were made by different engines (" + by + "): the greedy planner's plan is "
            "kept when the optimiser's own plan leaves more visits out or breaks a rule, so part "
            "of a difference may be the engine's, not the change's."
        )
    travel = {s["name"]: s.get("travel", "") for s in rows}
    if len(set(travel.values())) > 1:
        by = "; ".join(f"{name}: {method}" for name, method in travel.items())
        said.append(
            "The plans were timed on different travel (" + by + "): distances and times are not "
            "like for like."
        )
    return said


def comparison(outcomes: Sequence[ScenarioOutcome]) -> dict[str, Any]:
    """The JSON form of the report (plans are written beside it, one file per scenario)."""
    reference = figures_of(outcomes[0]) if outcomes else {}
    scenarios = []
    for outcome in outcomes:
        figures = figures_of(outcome)
        scenarios.append(
            {
                "name": outcome.name,
                "description": outcome.description,
                "base": outcome.base,
                "changes": list(outcome.changes),
                "solve": {
                    "seed": outcome.options.seed,
                    "time_limit_s": outcome.options.time_limit_s,
                    "iterations": outcome.options.iterations,
                },
                "error": outcome.error,
                "valid": outcome.valid,
                "violations": outcome.violations,
                "size": outcome.size,
                "figures": figures,
                "vs_reference": {
                    key: _delta(value, reference[key])
                    for key, value in figures.items()
                    if key in reference
                },
                "vehicles_per_shift": outcome.kpis.get("vehicles_per_shift", {}),
                "tonnes_by_stream": outcome.kpis.get("tonnes_by_stream", {}),
                "facility_inflow_kg_by_hour": outcome.kpis.get("facility_inflow_kg_by_hour", {}),
                "unserved_reasons": _reasons(outcome),
                "solver": outcome.plan.get("meta", {}).get("solver", ""),
                "engine": engine_of(outcome.plan),
                "travel": outcome.kpis.get("travel_method", ""),
                "seconds": outcome.seconds,
                "worker": outcome.worker,
            }
        )
    return {
        "format": FORMAT,
        "reference": outcomes[0].name if outcomes else None,
        "figures": [{"key": k, "label": label, "unit": unit} for k, label, unit in FIGURES],
        "factors": outcomes[0].kpis.get("factors", {}) if outcomes else {},
        "scenarios": scenarios,
        "attribution": svg.ATTRIBUTION,
    } | {"caveats": caveats({"scenarios": scenarios})}


def _table(report: Mapping[str, Any]) -> str:
    rows = report["scenarios"]
    head = "".join(f"<th>{escape(s['name'])}</th>" for s in rows)
    body = []
    for key, label, unit in FIGURES:
        cells = []
        for i, s in enumerate(rows):
            value = s["figures"].get(key)
            if value is None:
                cells.append("<td>—</td>")
                continue
            delta = s["vs_reference"].get(key, {})
            note = ""
            if i > 0 and delta.get("change"):
                pct = f", {delta['pct']:+.1f} %" if delta.get("pct") is not None else ""
                note = f"<br><small>{delta['change']:+,.1f}{pct}</small>"
            shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
            cells.append(f"<td>{shown}{note}</td>")
        body.append(
            f"<tr><th>{escape(label)}{f' ({unit})' if unit else ''}</th>{''.join(cells)}</tr>"
        )
    verdicts = "".join(
        "<td>"
        + ("valid" if s["valid"] else escape(s["error"] or f"INVALID {s['violations']}"))
        + "</td>"
        for s in rows
    )
    body.append(f"<tr><th>validator</th>{verdicts}</tr>")
    reasons = "".join(
        "<td><small>"
        + "<br>".join(f"{n} × {escape(r)}" for r, n in s["unserved_reasons"].items())
        + "</small></td>"
        for s in rows
    )
    body.append(f"<tr><th>why unserved</th>{reasons}</tr>")
    return f"<table><tr><th></th>{head}</tr>{''.join(body)}</table>"


def _inflow_charts(report: Mapping[str, Any]) -> list[str]:
    hours = [f"{h:02d}" for h in range(4, 24)]
    charts = []
    for s in report["scenarios"]:
        inflow: Mapping[str, Mapping[str, int]] = s["facility_inflow_kg_by_hour"]
        if not inflow:
            continue
        series = {
            facility: [by_hour.get(h, 0) / TONNE for h in hours]
            for facility, by_hour in sorted(inflow.items())
        }
        charts.append(svg.line_chart(f"facility inflow per hour: {s['name']}", hours, series, "t"))
    return charts


def _maps(
    outcomes: Sequence[ScenarioOutcome],
    problems: Mapping[str, Problem],
    network: RoadNetwork | None,
) -> list[str]:
    places = [
        loc
        for problem in problems.values()
        for loc in [*(p.location for p in problem.points), *(d.location for d in problem.depots)]
    ]
    frame = svg.frame_for(network, places)
    streets = svg.streets_path(network, frame) if network is not None else ""
    maps = []
    for outcome in outcomes:
        problem = problems.get(outcome.name)
        if problem is None or outcome.error:
            continue
        routes = []
        for route in outcome.plan.get("routes", []):
            depot = problem.depot_by_id[problem.vehicle_by_id[route["vehicle"]].depot_id]
            for trip in route["trips"]:
                stops = [depot.location]
                stops += [problem.location_of(v["point"]) for v in trip["visits"]]
                if trip.get("unload"):
                    stops.append(problem.location_of(trip["unload"]["facility"]))
                stops.append(depot.location)
                routes.append((trip["stream"], stops))
        marks = [svg.MapPlace(d.id, "depot", d.location) for d in problem.depots]
        marks += [svg.MapPlace(f.id, f.kind.value, f.location) for f in problem.facilities]
        title = f"{outcome.name}: {len(routes)} trips"
        maps.append(svg.route_map(title, frame, streets, routes, marks))
    return maps


STYLE = """
body { font-family: sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; vertical-align: top; }
th:first-child { text-align: left; }
.grid { display: flex; flex-wrap: wrap; gap: 12px; }
small { color: #666; }
.caveat { background: #fff4e5; border-left: 4px solid #e69f00; padding: 6px 10px; }
"""


def _charts(solved: Sequence[Mapping[str, Any]]) -> str:
    """Bars of the charted figures, of vehicles per shift and of on-board times, per scenario."""
    names = [s["name"] for s in solved]
    bars = [
        svg.bar_chart(label, names, [s["figures"][key] for s in solved], unit or "count")
        for key, label, unit in FIGURES
        if key in CHARTED
    ]
    shifts = sorted({shift for s in solved for shift in s["vehicles_per_shift"]})
    per_shift = svg.grouped_bars(
        "vehicles needed per shift",
        shifts,
        {s["name"]: [s["vehicles_per_shift"].get(x, 0) for x in shifts] for s in solved},
        "vehicles",
    )
    on_board = svg.grouped_bars(
        "on-board time (mean, 95th percentile, longest)",
        ["mean", "p95", "longest"],
        {
            s["name"]: [
                s["figures"]["on_board_min_mean"],
                s["figures"]["on_board_min_p95"],
                s["figures"]["on_board_min_max"],
            ]
            for s in solved
        },
        "min",
    )
    return f"{''.join(bars)}{per_shift}{on_board}"


def comparison_html(
    report: Mapping[str, Any],
    outcomes: Sequence[ScenarioOutcome],
    problems: Mapping[str, Problem],
    network: RoadNetwork | None,
) -> str:
    """The HTML page of the report: table, charts and route maps, all inline."""
    rows = report["scenarios"]
    described = "".join(
        f"<li><b>{escape(s['name'])}</b>: {escape(s['description'])} "
        f"<small>base: {escape(s['base'])}; changes: "
        f"{escape('; '.join(s['changes']) or 'none')}; engine {escape(s.get('engine', ''))} "
        f"({escape(s['solver'])}), travel {escape(s.get('travel', ''))}, "
        f"{s['seconds']} s</small></li>"
        for s in rows
    )
    charts = _charts([s for s in rows if not s["error"]])
    maps = _maps(outcomes, problems, network)
    factors = "".join(
        f"<li>{escape(k)}: {escape(v)}</li>" for k, v in report.get("factors", {}).items()
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Scenario comparison</title><style>{STYLE}</style></head><body>"
        "<h1>Scenario comparison</h1>"
        f"<p>Reference (before): <b>{escape(str(report['reference']))}</b>. "
        "Differences are against it.</p>"
        + "".join(
            f"<p class='caveat'><b>Note:</b> {escape(c)}</p>" for c in report.get("caveats", [])
        )
        + f"<ul>{described}</ul>"
        f"<h2>Key figures</h2>{_table(report)}"
        f"<h2>Charts</h2><div class='grid'>{charts}</div>"
        f"<h2>Facility inflow per hour</h2><div class='grid'>{''.join(_inflow_charts(report))}</div>"
        f"<h2>Route maps (before and after)</h2><div class='grid'>{''.join(maps)}</div>"
        f"<h2>Factors</h2><ul>{factors}</ul>"
        f"<p><small>Map data {svg.ATTRIBUTION}, ODbL.</small></p>"
        "</body></html>"
    )


def write_report(
    outcomes: Sequence[ScenarioOutcome],
    problems: Mapping[str, Problem],
    network: RoadNetwork | None,
    out: Path,
) -> dict[str, Any]:
    """Write ``comparison.json``, ``comparison.html`` and ``plans/<scenario>.json`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    report = comparison(outcomes)
    (out / "comparison.json").write_text(
        json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8"
    )
    html = comparison_html(report, outcomes, problems, network)
    (out / "comparison.html").write_text(html, encoding="utf-8")
    plans = out / "plans"
    plans.mkdir(exist_ok=True)
    for outcome in outcomes:
        if outcome.plan:
            (plans / f"{outcome.name}.json").write_text(json.dumps(outcome.plan), encoding="utf-8")
    return report
