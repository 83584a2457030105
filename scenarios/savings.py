"""The savings report: a plan against the district's current routes, on the same roads.

A department's first question is "how much would we save against today's routes?". Both plans
are judged the same way — timed on the problem's travel matrices, figures by
:func:`routing.kpi.compute_kpis`, rules by the validator — and set side by side: vehicles per
shift, km, hours, overtime, trips, CO2, cost, rule breaches, visits not made. JSON for programs,
HTML (Chinese or English) for people.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from routing.kpi import compute_kpis
from routing.plan import Plan
from routing.problem import Problem
from routing.validation import validate

FORMAT = "huanwei-savings/1"

#: Figures compared: key, Chinese label, English label, unit, decimals.
FIGURES: tuple[tuple[str, str, str, str, int], ...] = (
    ("vehicles_used", "出车数", "vehicles used", "", 0),
    ("max_vehicles_per_shift", "最忙班次的车辆数", "vehicles in the busiest shift", "", 0),
    ("routes", "路线数（车·班次）", "routes (vehicle-shifts)", "", 0),
    ("trips", "趟数", "trips", "", 0),
    ("km", "行驶里程", "distance driven", "km", 1),
    ("working_h", "工作小时（出场到回场）", "truck-hours (depot to depot)", "h", 1),
    ("overtime_h", "超出班次的小时", "hours past the shift's end", "h", 1),
    ("co2_kg", "二氧化碳", "CO2", "kg", 0),
    ("cost_yuan", "成本", "cost", "CNY", 0),
    ("breaches", "违反规则", "rule breaches", "", 0),
    ("visits_unserved", "未收运", "visits not made", "", 0),
)

WORDS = {
    "zh": {
        "title": "节约报告",
        "lede": "优化方案与现行路线对比，同一路网、同一套规则与成本系数。",
        "figure": "指标",
        "current": "现行路线",
        "proposed": "优化方案",
        "change": "变化",
        "rules": "违反的规则（按规则编号）",
        "none": "无",
        "shift": "各班次车辆数",
        "travel": "行程计算",
    },
    "en": {
        "title": "Savings report",
        "lede": "The proposed plan against the current routes, on the same roads, with the same "
        "rules and cost factors.",
        "figure": "figure",
        "current": "current routes",
        "proposed": "proposed plan",
        "change": "change",
        "rules": "rules broken (by rule id)",
        "none": "none",
        "shift": "vehicles per shift",
        "travel": "travel computed by",
    },
}


def plan_figures(problem: Problem, plan: Plan) -> dict[str, Any]:
    """The compared figures of ``plan``, its breaches by rule id and vehicles per shift."""
    kpis = compute_kpis(problem, plan)
    report = validate(problem, plan)
    overtime_s = sum(
        max(0, route.end_s - problem.shift_by_id[route.shift_id].end_s)
        for route in plan.routes
        if route.shift_id in problem.shift_by_id
    )
    return {
        "vehicles_used": kpis.vehicles_used,
        "max_vehicles_per_shift": max(kpis.vehicles_per_shift.values(), default=0),
        "routes": kpis.routes,
        "trips": kpis.trips,
        "km": round(kpis.km, 1),
        "working_h": round(kpis.working_h, 1),
        "overtime_h": round(overtime_s / 3600, 1),
        "co2_kg": round(kpis.co2_kg),
        "cost_yuan": round(kpis.cost_yuan, 2),
        "breaches": len(report.violations),
        "visits_unserved": kpis.visits_unserved,
        "by_rule": report.by_rule(),
        "vehicles_per_shift": dict(kpis.vehicles_per_shift),
        "travel": kpis.travel_method,
    }


def savings_report(problem: Problem, current: Plan, proposed: Plan) -> dict[str, Any]:
    """Both plans' figures and the change from the current routes to the proposed plan."""
    now, then = plan_figures(problem, current), plan_figures(problem, proposed)
    change = {}
    for key, *_ in FIGURES:
        diff = then[key] - now[key]
        pct = None if not now[key] else round(100 * diff / now[key], 1)
        change[key] = {"change": round(diff, 2), "pct": pct}
    return {
        "format": FORMAT,
        "problem": problem.name,
        "current": now,
        "proposed": then,
        "change": change,
    }


def _number(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def savings_html(report: Mapping[str, Any], *, lang: str = "zh") -> str:
    """The report as a page of its own (no scripts, nothing fetched)."""
    if lang not in WORDS:
        raise ValueError(f"lang must be one of {', '.join(WORDS)}, got {lang!r}")
    w = WORDS[lang]
    now, then, change = report["current"], report["proposed"], report["change"]
    rows = []
    for key, zh, en, unit, decimals in FIGURES:
        label = zh if lang == "zh" else en
        pct = change[key]["pct"]
        delta = _number(change[key]["change"], decimals) + (
            f" ({pct:+.1f} %)" if pct is not None else ""
        )
        better = change[key]["change"] < 0
        rows.append(
            f'<tr data-figure="{key}"><th>{escape(label)}{f" ({unit})" if unit else ""}</th>'
            f"<td>{_number(now[key], decimals)}</td><td>{_number(then[key], decimals)}</td>"
            f'<td class="{"better" if better else "worse" if change[key]["change"] > 0 else ""}">'
            f"{escape(delta)}</td></tr>"
        )

    def rules(figures: Mapping[str, Any]) -> str:
        items = sorted(figures["by_rule"].items())
        return ", ".join(f"{escape(r)} × {n}" for r, n in items) or w["none"]

    def shifts(figures: Mapping[str, Any]) -> str:
        return ", ".join(
            f"{escape(s)}: {n}" for s, n in sorted(figures["vehicles_per_shift"].items())
        )

    return f"""<!doctype html>
<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">
<title>{w["title"]} — {escape(report["problem"])}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 0.35rem 0.8rem; text-align: right; }}
th:first-child {{ text-align: left; font-weight: normal; }}
thead th {{ font-weight: 600; text-align: right; }}
.better {{ color: #1b7a3e; font-weight: 600; }} .worse {{ color: #b3261e; font-weight: 600; }}
</style></head><body>
<h1>{w["title"]} — {escape(report["problem"])}</h1>
<p>{w["lede"]} {w["travel"]}: {escape(now["travel"])}.</p>
<table id="savings"><thead><tr><th>{w["figure"]}</th><th>{w["current"]}</th>
<th>{w["proposed"]}</th><th>{w["change"]}</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<h2>{w["rules"]}</h2>
<p id="current-rules">{w["current"]}: {rules(now)}</p>
<p id="proposed-rules">{w["proposed"]}: {rules(then)}</p>
<h2>{w["shift"]}</h2>
<p>{w["current"]}: {shifts(now)}</p><p>{w["proposed"]}: {shifts(then)}</p>
</body></html>
"""
