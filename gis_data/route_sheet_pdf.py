"""Route sheets as a printable PDF (ReportLab): per route a heading, a small map of its stops in
order and the table of :mod:`gis_data.route_sheets`, each route from a new page.

Chinese text is set in Adobe's STSong-Light, a CID font every PDF reader carries (nothing to
embed or download); English in Helvetica.
"""

from __future__ import annotations

import io
from html import escape

from reportlab.graphics.shapes import Circle, Drawing, PolyLine, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from gis_data.route_sheets import (
    LABELS,
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

CHINESE_FONT = "STSong-Light"
#: The map's size on the page (points).
MAP_W, MAP_H = 170 * mm, 70 * mm


def _font(lang: str) -> str:
    if lang == "zh":
        if CHINESE_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(CHINESE_FONT))
        return CHINESE_FONT
    return "Helvetica"


def route_map(sheet: RouteSheet) -> Drawing:
    """The route's places joined in order (:func:`gis_data.route_sheets.map_marks`), the stops
    dotted, the depot marked by its letter D, the first stop and every tenth numbered."""
    drawing = Drawing(MAP_W, MAP_H)
    marks = map_marks(sheet, MAP_W, MAP_H)
    if not marks:
        return drawing
    points = [c for mark in marks for c in (mark.x, mark.y)]
    drawing.add(PolyLine(points, strokeColor=colors.HexColor("#0072B2"), strokeWidth=0.8))
    for mark in marks:
        x, y = mark.x, mark.y
        if mark.line.kind == "visit":
            drawing.add(Circle(x, y, 1.6, fillColor=colors.HexColor("#E69F00"), strokeWidth=0))
            if mark.labelled:
                drawing.add(String(x + 2, y + 2, str(mark.seq), fontSize=6))
        elif mark.line.kind == "unload":
            drawing.add(Circle(x, y, 3, fillColor=colors.HexColor("#009E73"), strokeWidth=0))
        else:
            drawing.add(String(x - 2, y - 2, "D", fontSize=8, fillColor=colors.black))
    return drawing


def pdf_bytes(problem: Problem, plan: Plan, *, lang: str = "zh") -> bytes:
    """The plan's route sheets as one PDF, a route per page (or more, for a long one)."""
    words = labels_for(lang)
    font = _font(lang)
    title = ParagraphStyle("title", fontName=font, fontSize=14, leading=18)
    small = ParagraphStyle("small", fontName=font, fontSize=9, leading=11)
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"{words['title']} {plan.problem_name}",
    )
    story: list[Flowable] = []
    sheets = route_sheets(problem, plan)
    for k, sheet in enumerate(sheets):
        if k:
            story.append(PageBreak())
        story.append(Paragraph(f"{words['title']} — {plan.problem_name}", title))
        story.append(Paragraph(heading(sheet, lang), small))
        story.append(Spacer(1, 3 * mm))
        story.append(route_map(sheet))
        story.append(Spacer(1, 3 * mm))
        head = columns(lang)
        rows: list[list[object]] = [[*head[:5], f"{head[5]} / {head[6]}", head[7], head[8]]]
        for seq, line in numbered(sheet):
            cells = [str(cell) for cell in line_cells(line, seq, lang)]
            place = "<br/>".join(escape(c) for c in (cells[5], cells[6], cells[9]) if c)
            rows.append([*cells[:5], Paragraph(place, small), cells[7], cells[8]])
        table = Table(
            rows,
            repeatRows=1,
            colWidths=[10 * mm, 14 * mm, 14 * mm, 18 * mm, 22 * mm, 62 * mm, 22 * mm, 14 * mm],
        )
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), font, 8),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDDDDD")),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
    if not sheets:
        story.append(Paragraph(f"{words['title']} — {plan.problem_name}", title))
    document.build(story)
    return out.getvalue()


__all__ = ["LABELS", "pdf_bytes", "route_map"]
