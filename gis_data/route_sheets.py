"""Route sheets (路线单): what a crew takes on its vehicle-shift, in Chinese or English.

One sheet per route of a plan: who drives which vehicle in which shift, then every event in
order — leaving the depot, each stop with its ETA, point name and waste, each unloading at a
facility, the break, the way back — and a small map of the stops (:func:`map_marks`).
:func:`route_sheets` reads them from a problem and a plan; :func:`workbook_bytes` writes the whole
plan as an Excel workbook (a summary and one sheet per route),
:func:`gis_data.route_sheet_pdf.pdf_bytes` as a printable PDF (one page or more per route, its map
on the first) and :func:`gis_data.route_sheet_html.page_html` as a page to print from a browser.
"""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from routing.domain import WasteStream
from routing.plan import Plan, Route
from routing.problem import Problem

LANGUAGES = ("zh", "en")

#: Every word a sheet prints, by language.
LABELS: Mapping[str, Mapping[str, str]] = {
    "zh": {
        "title": "路线单",
        "summary": "汇总",
        "plan": "计划",
        "vehicle": "车辆",
        "shift": "班次",
        "crew": "班组",
        "depot": "车场",
        "start": "出车",
        "end": "回场",
        "stops": "收运点",
        "trips": "趟数",
        "kg": "千克",
        "seq": "序号",
        "eta": "预计到达",
        "leave": "离开",
        "what": "事项",
        "place": "地点编号",
        "name": "名称",
        "address": "地址",
        "note": "备注",
        "waste": "垃圾类别",
        "visit": "收运",
        "unload": "卸车",
        "break": "休息",
        "depart": "出车",
        "return": "回场",
        "handover": "交车给",
        "map": "路线图",
        "route": "路线",
        "unserved": "未收运",
        "print": "打印",
    },
    "en": {
        "title": "Route sheet",
        "summary": "Summary",
        "plan": "Plan",
        "vehicle": "Vehicle",
        "shift": "Shift",
        "crew": "Crew",
        "depot": "Depot",
        "start": "Leaves",
        "end": "Back",
        "stops": "Stops",
        "trips": "Trips",
        "kg": "kg",
        "seq": "#",
        "eta": "ETA",
        "leave": "Leave",
        "what": "What",
        "place": "Place",
        "name": "Name",
        "address": "Address",
        "note": "Note",
        "waste": "Waste",
        "visit": "collect",
        "unload": "unload",
        "break": "break",
        "depart": "leave depot",
        "return": "back at depot",
        "handover": "hand over to",
        "map": "Map",
        "route": "Route",
        "unserved": "Not served",
        "print": "Print",
    },
}

#: Waste streams' names as sheets print them.
STREAM_NAMES: Mapping[str, Mapping[WasteStream, str]] = {
    "zh": {
        WasteStream.RESIDUAL: "其他垃圾",
        WasteStream.KITCHEN: "厨余垃圾",
        WasteStream.RECYCLABLE: "可回收物",
        WasteStream.BULKY: "大件垃圾",
        WasteStream.NIGHT_SOIL: "粪便",
        WasteStream.SPECIAL: "有害垃圾",
    },
    "en": {stream: stream.value.replace("_", " ") for stream in WasteStream},
}


@dataclass(frozen=True, slots=True)
class SheetLine:
    """One event of a route: ``kind`` is depart, visit, unload, break, return or handover (the
    vehicle to the next shift's crew, named in ``name``; ``leave_s``: when that crew starts)."""

    kind: str
    eta_s: int
    leave_s: int
    place_id: str
    name: str
    stream: WasteStream | None
    kg: int
    lon: float
    lat: float
    address: str = ""
    note: str = ""  # the crew's access note


@dataclass(frozen=True, slots=True)
class RouteSheet:
    """One vehicle-shift's sheet."""

    vehicle_id: str
    vehicle_name: str
    shift_id: str
    crew_id: str
    depot_id: str
    start_s: int
    end_s: int
    trips: int
    lines: tuple[SheetLine, ...]

    @property
    def stops(self) -> int:
        """Visits on the sheet."""
        return sum(1 for line in self.lines if line.kind == "visit")

    @property
    def kg(self) -> int:
        """Kilograms collected."""
        return sum(line.kg for line in self.lines if line.kind == "visit")


def hhmm(seconds: int) -> str:
    """``seconds`` since midnight as HH:MM (a time after midnight as 24:10 and so on)."""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def route_sheets(problem: Problem, plan: Plan) -> list[RouteSheet]:
    """The plan's routes with a trip as sheets, by shift start, then vehicle."""
    worked = sorted((r for r in plan.routes if r.trips), key=lambda r: (r.vehicle_id, r.start_s))
    following = {id(a): b for a, b in itertools.pairwise(worked) if a.vehicle_id == b.vehicle_id}
    sheets = [_sheet(problem, route, following.get(id(route))) for route in worked]
    return sorted(sheets, key=lambda s: (s.start_s, s.shift_id, s.vehicle_id))


def _sheet(problem: Problem, route: Route, after: Route | None) -> RouteSheet:
    """``route``'s sheet; ``after``: the vehicle's next route, whose crew takes it over."""
    vehicle = problem.vehicle_by_id[route.vehicle_id]
    depot = problem.location_of(vehicle.depot_id)
    lines = [
        SheetLine(
            "depart",
            route.start_s,
            route.start_s,
            vehicle.depot_id,
            "",
            None,
            0,
            depot.lon,
            depot.lat,
        )
    ]
    for trip in route.trips:
        for stop in trip.visits:
            point = problem.point_by_id[stop.point_id]
            lines.append(
                SheetLine(
                    "visit",
                    stop.arrival_s,
                    stop.departure_s,
                    point.id,
                    point.name,
                    point.stream,
                    point.visit_kg(stop.visit),
                    point.location.lon,
                    point.location.lat,
                    address=point.address,
                    note=point.note,
                )
            )
        if trip.unload is not None:
            facility = problem.facility_by_id[trip.unload.facility_id]
            lines.append(
                SheetLine(
                    "unload",
                    trip.unload.arrival_s,
                    trip.unload.departure_s,
                    facility.id,
                    facility.name,
                    trip.stream,
                    trip.unload.kg,
                    facility.location.lon,
                    facility.location.lat,
                )
            )
    for pause in route.breaks:
        lines.append(SheetLine("break", pause.start_s, pause.end_s, "", "", None, 0, 0.0, 0.0))
    lines.append(
        SheetLine(
            "return", route.end_s, route.end_s, vehicle.depot_id, "", None, 0, depot.lon, depot.lat
        )
    )
    if after is not None:  # the vehicle goes on in the next shift: who takes it, and when
        lines.append(
            SheetLine(
                "handover",
                route.end_s,
                after.start_s,
                vehicle.depot_id,
                after.crew_id,
                None,
                0,
                depot.lon,
                depot.lat,
            )
        )
    order = {"depart": 0, "visit": 1, "unload": 1, "break": 2, "return": 3, "handover": 4}
    lines.sort(key=lambda line: (line.kind in {"return", "handover"}, line.eta_s, order[line.kind]))
    return RouteSheet(
        vehicle_id=vehicle.id,
        vehicle_name=vehicle.name,
        shift_id=route.shift_id,
        crew_id=route.crew_id,
        depot_id=vehicle.depot_id,
        start_s=route.start_s,
        end_s=route.end_s,
        trips=len(route.trips),
        lines=tuple(lines),
    )


def labels_for(lang: str) -> Mapping[str, str]:
    """The words of ``lang``'s sheets; ValueError for a language the sheets are not in."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return LABELS[lang]


def line_cells(line: SheetLine, seq: int | None, lang: str) -> list[object]:
    """A line's cells in a sheet's columns (see :func:`columns`)."""
    words = LABELS[lang]
    stream = STREAM_NAMES[lang][line.stream] if line.stream is not None else ""
    leave = hhmm(line.leave_s) if line.kind in {"visit", "unload", "break", "handover"} else ""
    return [
        seq if seq is not None else "",
        hhmm(line.eta_s),
        leave,
        words[line.kind],
        line.place_id,
        line.name,
        line.address,
        stream,
        line.kg if line.kind in {"visit", "unload"} else "",
        line.note,
    ]


def columns(lang: str) -> list[str]:
    """The column headings of a route's table."""
    w = labels_for(lang)
    return [
        w["seq"],
        w["eta"],
        w["leave"],
        w["what"],
        w["place"],
        w["name"],
        w["address"],
        w["waste"],
        w["kg"],
        w["note"],
    ]


def numbered(sheet: RouteSheet) -> list[tuple[int | None, SheetLine]]:
    """The sheet's lines with the visits numbered from 1 in order."""
    out: list[tuple[int | None, SheetLine]] = []
    seq = 0
    for line in sheet.lines:
        if line.kind == "visit":
            seq += 1
            out.append((seq, line))
        else:
            out.append((None, line))
    return out


@dataclass(frozen=True, slots=True)
class MapMark:
    """A place on a route's map: its line, its number (visits only) and where it is drawn
    (``x`` rightwards and ``y`` upwards from the map's bottom left corner, in the map's units)."""

    line: SheetLine
    seq: int | None
    x: float
    y: float

    @property
    def labelled(self) -> bool:
        """Whether the map writes the stop's number: the first stop and every tenth."""
        return self.seq is not None and (self.seq == 1 or self.seq % 10 == 0)


def map_marks(sheet: RouteSheet, width: float, height: float, *, pad: float = 6.0) -> list[MapMark]:
    """The route's places in order (a break has none) on a ``width`` × ``height`` map, north up
    and at equal scale both ways, ``pad`` from its edges; empty for fewer than two places."""
    places = [(seq, line) for seq, line in numbered(sheet) if line.kind != "break"]
    if len(places) < 2:
        return []
    lons = [line.lon for _, line in places]
    lats = [line.lat for _, line in places]
    # A degree of longitude is shorter than one of latitude, by the cosine of the latitude.
    squeeze = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = max((max(lons) - min(lons)) * squeeze, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
    return [
        MapMark(
            line,
            seq,
            pad + (line.lon - min(lons)) * squeeze * scale,
            pad + (line.lat - min(lats)) * scale,
        )
        for seq, line in places
    ]


def heading(sheet: RouteSheet, lang: str) -> str:
    """``Vehicle box-01 · Shift S1 · Crew C3 · 05:00–12:40``, in ``lang``."""
    w = labels_for(lang)
    vehicle = sheet.vehicle_id + (f" ({sheet.vehicle_name})" if sheet.vehicle_name else "")
    return (
        f"{w['vehicle']} {vehicle} · {w['shift']} {sheet.shift_id} · {w['crew']} {sheet.crew_id}"
        f" · {hhmm(sheet.start_s)}–{hhmm(sheet.end_s)}"
    )


def workbook_bytes(problem: Problem, plan: Plan, *, lang: str = "zh") -> bytes:
    """The plan's route sheets as an Excel workbook: a summary, then one sheet per route."""
    w = labels_for(lang)
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = w["summary"]
    summary.append([f"{w['title']} — {w['plan']} {plan.problem_name}"])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([])
    summary.append(
        [
            w["route"],
            w["vehicle"],
            w["shift"],
            w["crew"],
            w["depot"],
            w["start"],
            w["end"],
            w["trips"],
            w["stops"],
            w["kg"],
        ]
    )
    for cell in summary[3]:
        cell.font = Font(bold=True)
    sheets = route_sheets(problem, plan)
    used: set[str] = {summary.title}
    for number, sheet in enumerate(sheets, start=1):
        title = _sheet_title(f"{number:02d} {sheet.vehicle_id} {sheet.shift_id}", used)
        summary.append(
            [
                title,
                sheet.vehicle_id,
                sheet.shift_id,
                sheet.crew_id,
                sheet.depot_id,
                hhmm(sheet.start_s),
                hhmm(sheet.end_s),
                sheet.trips,
                sheet.stops,
                sheet.kg,
            ]
        )
        page = book.create_sheet(title)
        page.append([f"{w['title']} — {heading(sheet, lang)}"])
        page["A1"].font = Font(bold=True, size=12)
        page.append([])
        page.append(columns(lang))
        for cell in page[3]:
            cell.font = Font(bold=True)
        for seq, line in numbered(sheet):
            page.append(line_cells(line, seq, lang))
        page.freeze_panes = "A4"
        _widths(page, [6, 10, 10, 12, 14, 24, 30, 12, 10, 30])
        page.print_title_rows = "3:3"
        page.page_setup.orientation = "portrait"
        page.page_setup.fitToWidth = 1
    if plan.unserved:
        page = book.create_sheet(_sheet_title(w["unserved"], used))
        page.append([w["place"], "#", "rule", "reason"])
        for item in plan.unserved:
            page.append([item.point_id, item.visit + 1, item.rule, item.reason])
        _widths(page, [14, 6, 8, 80])
    _widths(summary, [22, 14, 8, 8, 10, 8, 8, 8, 8, 10])
    for row in summary.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(horizontal="left")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str, used: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of ``[]:*?/\\``, unique in ``used``."""
    clean = "".join("_" if c in "[]:*?/\\" else c for c in title)[:31]
    candidate, n = clean, 1
    while candidate in used:
        n += 1
        candidate = f"{clean[:27]} ({n})"
    used.add(candidate)
    return candidate


def _widths(page: object, widths: Sequence[int]) -> None:
    for k, width in enumerate(widths, start=1):
        page.column_dimensions[get_column_letter(k)].width = width  # type: ignore[attr-defined]
