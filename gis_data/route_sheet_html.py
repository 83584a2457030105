"""Route sheets as a page to print from a browser: per route a heading, a small map of its stops
in order (inline SVG) and the table of :mod:`gis_data.route_sheets`, each route on its own paper
page.

The page is whole in itself: its style inline, nothing fetched, so that it prints the same
offline or saved to a file. Its one script wires the print button (hidden in print); a page that
shows the sheets under a policy refusing inline scripts wires the button itself.
"""

from __future__ import annotations

from html import escape

from gis_data.route_sheets import (
    RouteSheet,
    columns,
    heading,
    labels_for,
    line_cells,
    map_marks,
    numbered,
    route_sheets,
)
from routing.plan import Plan
from routing.problem import Problem

#: The map's size (CSS pixels; it shrinks with a narrow page).
MAP_W, MAP_H = 640, 264
#: The print button's id (a page showing the sheets may wire it).
PRINT_BUTTON = "print-sheets"

STYLE = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
  system-ui, sans-serif; margin: 1.5rem; color: #222; }
.toolbar { display: flex; gap: 1rem; align-items: center; margin-bottom: 1rem; }
.toolbar button { font: inherit; padding: 0.4rem 1.2rem; }
.sheet { margin-bottom: 2.5rem; }
.sheet h1 { font-size: 1.25rem; margin: 0 0 0.2rem; }
.sheet .heading { margin: 0 0 0.6rem; }
.sheet svg { display: block; max-width: 100%; height: auto; border: 1px solid #ccc;
  margin-bottom: 0.6rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
thead { display: table-header-group; }
th, td { border: 1px solid #999; padding: 2px 5px; text-align: left; vertical-align: top; }
th { background: #ddd; }
td.kg { text-align: right; }
tr { break-inside: avoid; }
tr.unload td { background: #eaf6ef; }
tr.break td, tr.handover td { background: #f3f3f3; }
.place small { display: block; color: #555; }
@page { size: A4; margin: 12mm 15mm; }
@media print {
  .toolbar { display: none; }
  body { margin: 0; }
  .sheet { break-after: page }
  .sheet:last-child { break-after: auto; }
}
"""

#: Wires the print button when the page is opened as it is (from a file, say).
SCRIPT = (
    f'document.getElementById("{PRINT_BUTTON}").addEventListener("click", () => window.print());'
)


def route_svg(sheet: RouteSheet, title: str) -> str:
    """The route's places joined in order, as the PDF draws them
    (:func:`gis_data.route_sheets.map_marks`): stops dotted, unloadings in green, the depot as
    D, the first stop and every tenth numbered. Empty for a route of fewer than two places."""
    marks = map_marks(sheet, MAP_W, MAP_H)
    if not marks:
        return ""

    def xy(x: float, y: float) -> str:  # SVG's y runs down the page
        return f'x="{x:.1f}" y="{MAP_H - y:.1f}"'

    points = " ".join(f"{m.x:.1f},{MAP_H - m.y:.1f}" for m in marks)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{MAP_W}" height="{MAP_H}" '
        f'viewBox="0 0 {MAP_W} {MAP_H}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{MAP_W}" height="{MAP_H}" fill="#fafafa"/>',
        f'<polyline points="{points}" fill="none" stroke="#0072B2" stroke-width="1.5"/>',
    ]
    for m in marks:
        cx, cy = f"{m.x:.1f}", f"{MAP_H - m.y:.1f}"
        if m.line.kind == "visit":
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="#E69F00"/>')
            if m.labelled:
                parts.append(f'<text {xy(m.x + 4, m.y + 4)} font-size="10">{m.seq}</text>')
        elif m.line.kind == "unload":
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="5" fill="#009E73"/>')
        else:
            parts.append(f'<text {xy(m.x - 4, m.y - 5)} font-size="14" font-weight="bold">D</text>')
    parts.append("</svg>")
    return "".join(parts)


def _sheet(sheet: RouteSheet, problem_name: str, lang: str) -> str:
    """One route's sheet: heading, map and table, in the PDF's columns."""
    words = labels_for(lang)
    head = columns(lang)
    titles = [*head[:5], f"{head[5]} / {head[6]}", head[7], head[8]]
    rows = []
    for seq, line in numbered(sheet):
        cells = [escape(str(cell)) for cell in line_cells(line, seq, lang)]
        place = cells[5] + "".join(f"<small>{c}</small>" for c in (cells[6], cells[9]) if c)
        rows.append(
            f'<tr class="{line.kind}" data-place="{escape(line.place_id)}">'
            + "".join(f"<td>{c}</td>" for c in cells[:5])
            + f'<td class="place">{place}</td><td>{cells[7]}</td><td class="kg">{cells[8]}</td>'
            + "</tr>"
        )
    return (
        f'<section class="sheet" data-vehicle="{escape(sheet.vehicle_id)}" '
        f'data-shift="{escape(sheet.shift_id)}">'
        f"<h1>{escape(words['title'])} — {escape(problem_name)}</h1>"
        f'<p class="heading">{escape(heading(sheet, lang))}</p>'
        + route_svg(sheet, f"{words['map']} · {heading(sheet, lang)}")
        + "<table><thead><tr>"
        + "".join(f"<th>{escape(t)}</th>" for t in titles)
        + f"</tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def page_html(problem: Problem, plan: Plan, *, lang: str = "zh") -> str:
    """The plan's route sheets as one page, a route per printed page; ValueError for a language
    the sheets are not in."""
    words = labels_for(lang)
    sheets = route_sheets(problem, plan)
    title = f"{words['title']} — {plan.problem_name}"
    body = "".join(_sheet(sheet, plan.problem_name, lang) for sheet in sheets)
    return (
        f'<!doctype html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head>'
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f'<div class="toolbar"><button type="button" id="{PRINT_BUTTON}">'
        f"{escape(words['print'])}</button><span>{escape(title)}</span></div>"
        f"{body or f'<h1>{escape(title)}</h1>'}"
        f"<script>{SCRIPT}</script></body></html>"
    )
