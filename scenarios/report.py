"""The side-by-side report of solved scenarios: JSON for programs, HTML (inline SVG; Chinese or
English) for people.

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

#: Figures compared side by side: key, Chinese label, English label, unit.
FIGURES: tuple[tuple[str, str, str, str], ...] = (
    ("km", "行驶里程（路线）", "distance driven (routes)", "km"),
    ("haul_km", "转运站转运里程", "distance of station hauls", "km"),
    ("stored_haul_yuan", "留待次日的转运成本", "hauls left to the next day", "CNY"),
    ("truck_hours", "车辆工时（出场到回场）", "truck-hours (depot to depot)", "h"),
    ("driving_h", "行驶小时", "driving hours", "h"),
    ("vehicles_used", "出车数", "vehicles used", ""),
    ("max_vehicles_per_shift", "最忙班次所需车辆数", "vehicles needed in the busiest shift", ""),
    ("routes", "路线数（车·班次）", "routes (vehicle-shifts)", ""),
    ("trips", "趟数", "trips", ""),
    ("tonne_km", "吨公里（路线与转运）", "tonne-km (routes and hauls)", "t·km"),
    ("on_board_min_mean", "垃圾在车时间，平均", "on-board time, mean", "min"),
    ("on_board_min_p95", "垃圾在车时间，95 分位", "on-board time, 95th percentile", "min"),
    ("on_board_min_max", "垃圾在车时间，最长", "on-board time, longest", "min"),
    ("cost_yuan", "成本", "cost", "CNY"),
    ("co2_kg", "二氧化碳", "CO2", "kg"),
    ("visits_served", "已收运次数", "visits served", ""),
    ("visits_unserved", "未收运次数", "visits unserved", ""),
)
CHARTED = ("km", "truck_hours", "tonne_km", "cost_yuan", "co2_kg", "visits_unserved")
LANGUAGES = ("zh", "en")

#: Every word the page prints, by language (figures' labels are in :data:`FIGURES`).
WORDS: Mapping[str, Mapping[str, str]] = {
    "zh": {
        "title": "情景比较",
        "reference": "参照（之前）：<b>{name}</b>。各项差值均相对于它。",
        "note": "注意：",
        "base": "基础数据",
        "changes": "变化",
        "none": "无",
        "engine": "引擎",
        "travel": "行程计算",
        "seconds": "秒",
        "figures": "关键指标",
        "charts": "图表",
        "inflow": "各设施每小时进场量",
        "maps": "路线图（之前与之后）",
        "factors": "系数",
        "map_data": "地图数据 {attribution}，ODbL 许可。",
        "validator": "校验",
        "valid": "通过",
        "invalid": "未通过",
        "why_unserved": "未收运原因",
        "count": "数量",
        "per_shift": "各班次所需车辆",
        "vehicles": "辆",
        "on_board": "垃圾在车时间（平均、95 分位、最长）",
        "mean": "平均",
        "p95": "95 分位",
        "longest": "最长",
        "inflow_chart": "设施每小时进场量：{name}",
        "trips": "{name}：{n} 趟",
        "off_map": "（在图外）",
        "pair": "{name}：{what}",
        "and": "；",
        "caveat_engines": "各计划由不同的引擎生成（{by}）：优化器自己的计划漏收更多点或违反规则时，"
        "保留贪心算法的计划，因此差异可能部分来自引擎，而非来自变化。",
        "caveat_travel": "各计划的行程计算方法不同（{by}）：距离和时间不可直接比较。",
    },
    "en": {
        "title": "Scenario comparison",
        "reference": "Reference (before): <b>{name}</b>. Differences are against it.",
        "note": "Note:",
        "base": "base",
        "changes": "changes",
        "none": "none",
        "engine": "engine",
        "travel": "travel",
        "seconds": "s",
        "figures": "Key figures",
        "charts": "Charts",
        "inflow": "Facility inflow per hour",
        "maps": "Route maps (before and after)",
        "factors": "Factors",
        "map_data": "Map data {attribution}, ODbL.",
        "validator": "validator",
        "valid": "valid",
        "invalid": "INVALID",
        "why_unserved": "why unserved",
        "count": "count",
        "per_shift": "vehicles needed per shift",
        "vehicles": "vehicles",
        "on_board": "on-board time (mean, 95th percentile, longest)",
        "mean": "mean",
        "p95": "p95",
        "longest": "longest",
        "inflow_chart": "facility inflow per hour: {name}",
        "trips": "{name}: {n} trips",
        "off_map": " (off map)",
        "pair": "{name}: {what}",
        "and": "; ",
        "caveat_engines": "The plans were made by different engines ({by}): the greedy planner's "
        "plan is kept when the optimiser's own plan leaves more visits out or breaks a rule, so "
        "part of a difference may be the engine's, not the change's.",
        "caveat_travel": "The plans were timed on different travel ({by}): distances and times "
        "are not like for like.",
    },
}

#: Engines and travel methods by name, as a page says them (the JSON report keeps the ids).
NAMES: Mapping[str, Mapping[str, str]] = {
    "zh": {
        "optimiser": "优化器",
        "greedy": "贪心算法（后备）",
        "road": "道路网络",
        "straight-line": "直线估算",
        "estimated": "经验估算（无路网）",
        "given": "给定矩阵",
    },
    "en": {
        "optimiser": "optimiser",
        "greedy": "greedy (fallback)",
        "road": "road network",
        "straight-line": "straight-line estimate",
        "estimated": "estimate (no road network)",
        "given": "given matrices",
    },
}


def words_for(lang: str) -> Mapping[str, str]:
    """The words of ``lang``'s page; ValueError for a language the page is not in."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return WORDS[lang]


def named(value: str, lang: str) -> str:
    """An engine or travel method (``"road, straight-line"`` for mixed travel) in ``lang``."""
    return ", ".join(NAMES[lang].get(part, part) for part in value.split(", ") if part)


def figures_of(outcome: ScenarioOutcome) -> dict[str, float]:
    """The compared figures of a solved scenario (empty if it failed)."""
    if outcome.error:
        return {}
    k, t = outcome.kpis, outcome.transport
    per_shift: Mapping[str, int] = k["vehicles_per_shift"]
    return {
        "km": k["km"],
        "haul_km": k["haul_km"],
        "stored_haul_yuan": k["stored_haul_yuan"],
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


def caveats(report: Mapping[str, Any], *, lang: str | None = None) -> list[str]:
    """What makes the scenarios' figures unlike for like, said before any figure: plans made by
    different engines, or on different travel.

    Parameters
    ----------
    report
        The report, or any mapping with its ``scenarios``.
    lang
        ``"zh"`` or ``"en"``: sentences for a page in that language, engines and travel named in
        words. None: the JSON report's (English, engines and travel by their ids).
    """
    w = WORDS["en"] if lang is None else words_for(lang)

    def name(value: str) -> str:
        return value if lang is None else named(value, lang)

    rows = [s for s in report["scenarios"] if not s.get("error")]
    said: list[str] = []
    for key, sentence in (("engine", "caveat_engines"), ("travel", "caveat_travel")):
        values = {s["name"]: s.get(key, "") for s in rows}
        if len(set(values.values())) > 1:
            by = w["and"].join(
                w["pair"].format(name=scenario, what=name(value))
                for scenario, value in values.items()
            )
            said.append(w[sentence].format(by=by))
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
                "base_zh": outcome.base_zh,
                "changes_zh": list(outcome.changes_zh),
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
        "figures": [{"key": k, "label": en, "unit": unit} for k, _, en, unit in FIGURES],
        "factors": outcomes[0].kpis.get("factors", {}) if outcomes else {},
        "scenarios": scenarios,
        "attribution": svg.ATTRIBUTION,
    } | {"caveats": caveats({"scenarios": scenarios})}


def _label(zh: str, en: str, lang: str) -> str:
    return zh if lang == "zh" else en


def _table(report: Mapping[str, Any], lang: str) -> str:
    w = WORDS[lang]
    rows = report["scenarios"]
    head = "".join(f"<th>{escape(s['name'])}</th>" for s in rows)
    body = []
    for key, zh, en, unit in FIGURES:
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
        label = escape(_label(zh, en, lang))
        body.append(
            f"<tr data-figure='{key}'><th>{label}{f' ({unit})' if unit else ''}</th>"
            f"{''.join(cells)}</tr>"
        )
    verdicts = "".join(
        "<td>"
        + (w["valid"] if s["valid"] else escape(s["error"] or f"{w['invalid']} {s['violations']}"))
        + "</td>"
        for s in rows
    )
    body.append(f"<tr><th>{w['validator']}</th>{verdicts}</tr>")
    reasons = "".join(
        "<td><small>"
        + "<br>".join(f"{n} × {escape(r)}" for r, n in s["unserved_reasons"].items())
        + "</small></td>"
        for s in rows
    )
    body.append(f"<tr><th>{w['why_unserved']}</th>{reasons}</tr>")
    return f"<table><tr><th></th>{head}</tr>{''.join(body)}</table>"


def _inflow_charts(report: Mapping[str, Any], lang: str) -> list[str]:
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
        title = WORDS[lang]["inflow_chart"].format(name=s["name"])
        charts.append(svg.line_chart(title, hours, series, "t"))
    return charts


def _maps(
    outcomes: Sequence[ScenarioOutcome],
    problems: Mapping[str, Problem],
    network: RoadNetwork | None,
    lang: str,
) -> list[str]:
    w = WORDS[lang]
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
        title = w["trips"].format(name=outcome.name, n=len(routes))
        maps.append(svg.route_map(title, frame, streets, routes, marks, off_map=w["off_map"]))
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


def _charts(solved: Sequence[Mapping[str, Any]], lang: str) -> str:
    """Bars of the charted figures, of vehicles per shift and of on-board times, per scenario."""
    w = WORDS[lang]
    names = [s["name"] for s in solved]
    bars = [
        svg.bar_chart(
            _label(zh, en, lang), names, [s["figures"][key] for s in solved], unit or w["count"]
        )
        for key, zh, en, unit in FIGURES
        if key in CHARTED
    ]
    shifts = sorted({shift for s in solved for shift in s["vehicles_per_shift"]})
    per_shift = svg.grouped_bars(
        w["per_shift"],
        shifts,
        {s["name"]: [s["vehicles_per_shift"].get(x, 0) for x in shifts] for s in solved},
        w["vehicles"],
    )
    on_board = svg.grouped_bars(
        w["on_board"],
        [w["mean"], w["p95"], w["longest"]],
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


def _described(s: Mapping[str, Any], lang: str) -> str:
    """A scenario's line in the list above the figures: base, changes, engine, travel, time."""
    w = WORDS[lang]
    sep = w["and"]
    pair = w["pair"].format
    engine = named(s.get("engine", ""), lang)
    if s["solver"] not in ("", s.get("engine")):  # the solver, where it says more
        engine += f" ({s['solver']})"
    details = sep.join(
        (
            pair(name=w["base"], what=escape(s.get(f"base_{lang}") or s["base"])),
            pair(
                name=w["changes"],
                what=escape(sep.join(s.get(f"changes_{lang}") or s["changes"]) or w["none"]),
            ),
            pair(name=w["engine"], what=escape(engine)),
            pair(name=w["travel"], what=escape(named(s.get("travel", ""), lang))),
            f"{s['seconds']} {w['seconds']}",
        )
    )
    return (
        f"<li><b>{escape(s['name'])}</b>: {escape(s['description'])} <small>{details}</small></li>"
    )


#: The key figures' factors (:func:`routing.kpi.compute_kpis`) in Chinese: label and sentence;
#: ``{methods}`` is the travel methods the figures were computed on.
FACTORS_ZH: Mapping[str, tuple[str, str]] = {
    "cost": ("成本", "里程 × 每公里成本 + 工作小时 × 每小时成本（按车型），另加每辆出车的固定成本"),
    "co2": ("二氧化碳", "里程 × 每公里油耗（毫升）× 每升柴油 2.68 千克二氧化碳；电动车计为 0"),
    "distance": ("里程", "行程矩阵（{methods}）"),
}


def factor_lines(factors: Mapping[str, str], lang: str) -> list[tuple[str, str]]:
    """The factors as (label, sentence) in ``lang``: the figures' own English, or Chinese."""
    if lang != "zh":
        return list(factors.items())
    lines = []
    for key, text in factors.items():
        label, sentence = FACTORS_ZH.get(key, (key, text))
        methods = text[text.find("(") + 1 : text.rfind(")")] if "(" in text else ""
        named = "、".join(NAMES["zh"].get(m.strip(), m.strip()) for m in methods.split(","))
        lines.append((label, sentence.format(methods=named)))
    return lines


def comparison_html(
    report: Mapping[str, Any],
    outcomes: Sequence[ScenarioOutcome],
    problems: Mapping[str, Problem],
    network: RoadNetwork | None,
    *,
    lang: str = "zh",
) -> str:
    """The HTML page of the report, in Chinese (``lang="zh"``) or English (``"en"``): table,
    charts and route maps, all inline. Unserved visits' reasons are the plans' own words."""
    w = words_for(lang)
    rows = report["scenarios"]
    described = "".join(_described(s, lang) for s in rows)
    charts = _charts([s for s in rows if not s["error"]], lang)
    maps = _maps(outcomes, problems, network, lang)
    factors = "".join(
        f"<li>{escape(label)}: {escape(text)}</li>"
        for label, text in factor_lines(report.get("factors", {}), lang)
    )
    notes = "".join(
        f"<p class='caveat'><b>{w['note']}</b> {escape(c)}</p>" for c in caveats(report, lang=lang)
    )
    reference = w["reference"].format(name=escape(str(report["reference"])))
    return (
        f"<!DOCTYPE html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head>"
        f"<meta charset='utf-8'><title>{w['title']}</title><style>{STYLE}</style></head><body>"
        f"<h1>{w['title']}</h1><p>{reference}</p>{notes}<ul>{described}</ul>"
        f"<h2>{w['figures']}</h2>{_table(report, lang)}"
        f"<h2>{w['charts']}</h2><div class='grid'>{charts}</div>"
        f"<h2>{w['inflow']}</h2><div class='grid'>{''.join(_inflow_charts(report, lang))}</div>"
        f"<h2>{w['maps']}</h2><div class='grid'>{''.join(maps)}</div>"
        f"<h2>{w['factors']}</h2><ul>{factors}</ul>"
        f"<p><small>{w['map_data'].format(attribution=svg.ATTRIBUTION)}</small></p>"
        "</body></html>"
    )


#: The page's file per language (``huanwei scenario compare``).
PAGES = {"zh": "comparison.html", "en": "comparison.en.html"}


def write_report(
    outcomes: Sequence[ScenarioOutcome],
    problems: Mapping[str, Problem],
    network: RoadNetwork | None,
    out: Path,
) -> dict[str, Any]:
    """Write ``comparison.json``, the page in Chinese (``comparison.html``) and in English
    (``comparison.en.html``), and ``plans/<scenario>.json`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    report = comparison(outcomes)
    (out / "comparison.json").write_text(
        json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8"
    )
    for lang, name in PAGES.items():
        html = comparison_html(report, outcomes, problems, network, lang=lang)
        (out / name).write_text(html, encoding="utf-8")
    plans = out / "plans"
    plans.mkdir(exist_ok=True)
    for outcome in outcomes:
        if outcome.plan:
            (plans / f"{outcome.name}.json").write_text(json.dumps(outcome.plan), encoding="utf-8")
    return report
