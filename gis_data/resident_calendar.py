"""The printable collection calendar for residents (收运日历): for each street (a point's address,
else its name, else its id) and waste stream, the days it is collected — every day, weekdays
within the week, or a week of the fortnight and its weekday. Chinese or English; one page, no
scripts, nothing fetched; print CSS."""

from __future__ import annotations

from collections import defaultdict
from html import escape

from gis_data.route_sheets import STREAM_NAMES
from routing.calendar.model import CalendarProblem
from routing.calendar.plan import CalendarPlan

WEEKDAY = {
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
WORDS = {
    "zh": {
        "title": "收运日历",
        "lede": "各街道、各类垃圾的收运日。周期从{first}开始。",
        "street": "街道 / 地点",
        "stream": "垃圾类别",
        "days": "收运日",
        "daily": "每天",
        "every": "每{n}天一次：",
        "week": "第{n}周",
        "print": "打印",
    },
    "en": {
        "title": "Collection calendar",
        "lede": "The collection days of each street and kind of waste. Cycles start on a {first}.",
        "street": "street / place",
        "stream": "waste",
        "days": "collected on",
        "daily": "every day",
        "every": "every {n} days: ",
        "week": "week {n}",
        "print": "Print",
    },
}


def days_text(problem: CalendarProblem, point_id: str, pattern: tuple[int, ...], lang: str) -> str:
    """When a point is collected, in words: every day, its weekdays, or its fortnight's days."""
    w = WORDS[lang]
    rule = problem.rule_by_point[point_id]
    cycle = problem.cycle_of(rule)
    if point_id not in {r.point_id for r in problem.rules}:
        return w["daily"]
    names = WEEKDAY[lang]
    if cycle == 7:
        return (
            "、".join(names[problem.weekday(d)] for d in pattern)
            if lang == "zh"
            else ", ".join(names[problem.weekday(d)] for d in pattern)
        )
    if cycle % 7 == 0:
        parts = [f"{w['week'].format(n=d // 7 + 1)} {names[problem.weekday(d)]}" for d in pattern]
        return w["every"].format(n=cycle) + ("、" if lang == "zh" else ", ").join(parts)
    return w["every"].format(n=cycle) + ", ".join(str(d + 1) for d in pattern)


def residents_html(problem: CalendarProblem, plan: CalendarPlan, *, lang: str = "zh") -> str:
    """The calendar page (see the module)."""
    if lang not in WORDS:
        raise ValueError(f"lang must be one of {', '.join(WORDS)}, got {lang!r}")
    w = WORDS[lang]
    by_street: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for point in problem.base.points:
        street = point.address or point.name or point.id
        pattern = plan.patterns.get(point.id, (0,))
        stream = STREAM_NAMES[lang][point.stream]
        by_street[street][stream].add(days_text(problem, point.id, tuple(pattern), lang))
    rows = []
    for street in sorted(by_street):
        streams = by_street[street]
        for i, stream in enumerate(sorted(streams)):
            cell = escape(street) if i == 0 else ""
            rows.append(
                f'<tr><th scope="row">{cell}</th><td>{escape(stream)}</td>'
                f"<td>{escape('; '.join(sorted(streams[stream])))}</td></tr>"
            )
    first = WEEKDAY[lang][problem.first_weekday]
    return f"""<!doctype html>
<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">
<title>{w["title"]} — {escape(problem.name)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: left; }}
thead th {{ background: #eef3ee; }}
@media print {{ button {{ display: none; }} body {{ margin: 0; }} tr {{ break-inside: avoid; }} }}
</style></head><body>
<button type="button" onclick="window.print()">{w["print"]}</button>
<h1>{w["title"]} — {escape(problem.name)}</h1>
<p>{escape(w["lede"].format(first=first))}</p>
<table id="calendar"><thead><tr><th>{w["street"]}</th><th>{w["stream"]}</th>
<th>{w["days"]}</th></tr></thead><tbody>{"".join(rows)}</tbody></table>
</body></html>
"""
