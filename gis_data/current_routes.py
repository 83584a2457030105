"""Reading a department's current routes (现行路线) from an Excel workbook or a CSV file.

One row per stop: the vehicle, the shift, the point, and optionally the stop's order (else the
rows' order) and the crew. Headers in Chinese or English, as the point sheets take them:

    车辆 | 班次 | 顺序 | 收运点 | 班组
    box-01 | S1 | 1 | C0079 | crew-01

The routes are then timed by :func:`routing.current.time_current_routes`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gis_data.cells import text
from gis_data.headers import key
from gis_data.sheet_files import SheetTable, read_tables
from gis_data.sheet_options import SheetOptions
from routing.current import CurrentRoute
from routing.errors import Defect, ProblemError

#: Header names → column (looked up as :func:`gis_data.headers.key` folds them).
HEADERS: dict[str, str] = {
    **dict.fromkeys(
        ("vehicle", "vehicleid", "truck", "车辆", "车辆编号", "车号", "车牌", "车牌号"), "vehicle"
    ),
    **dict.fromkeys(("shift", "shiftid", "班次"), "shift"),
    **dict.fromkeys(
        ("order", "seq", "sequence", "stop", "no", "#", "顺序", "序号", "站序"), "order"
    ),
    **dict.fromkeys(
        ("point", "pointid", "pointcode", "id", "收运点", "收集点", "点位", "点位编号", "编号"),
        "point",
    ),
    **dict.fromkeys(("crew", "crewid", "班组", "作业班组"), "crew"),
}
REQUIRED = ("vehicle", "shift", "point")
#: Rows from the top that may hold the header row.
HEADER_ROWS = 10


def _key(cell: Any) -> str:
    """A header as the point sheets compare them (:func:`gis_data.headers.key`)."""
    return key(str(cell or ""))


def _text(cell: Any) -> str:
    """A cell's text as the point sheets read it (an id typed as a number: 17.0 → "17")."""
    return text(cell) or ""


def read_current_routes(source: Path) -> list[CurrentRoute]:
    """The current routes in ``source`` (see the module's description).

    Raises
    ------
    ProblemError
        Naming each row and column that cannot be read, or the missing columns.
    """
    tables = read_tables(source, SheetOptions())
    routes: dict[tuple[str, str], list[tuple[float, int, str, str, str]]] = {}
    defects: list[Defect] = []
    found = False
    for table in tables:
        header = _header(table)
        if header is None:
            continue
        found = True
        _rows(source, table, header, routes, defects)
    if not found:
        need = "、".join(("车辆", "班次", "收运点"))
        message = f"找不到表头（需要 {need}） / no header row with vehicle, shift and point"
        defects.append(Defect(source.name, "header", message))
    if defects:
        raise ProblemError(defects, source=str(source))
    out = []
    for (vehicle, shift), stops in routes.items():
        stops.sort(key=lambda s: (s[0], s[1]))
        crews = {s[3] for s in stops if s[3]}
        rows = f"{stops[0][4]}…{stops[-1][4]}" if len(stops) > 1 else stops[0][4]
        out.append(
            CurrentRoute(
                vehicle_id=vehicle,
                shift_id=shift,
                point_ids=tuple(s[2] for s in stops),
                crew_id=min(crews) if crews else None,
                source=f"{source.name} rows {rows}",
            )
        )
    return out


def _header(table: SheetTable) -> dict[str, int] | None:
    for _number, cells in table.rows[:HEADER_ROWS]:
        columns = {HEADERS[_key(c)]: i for i, c in enumerate(cells) if _key(c) in HEADERS}
        if all(name in columns for name in REQUIRED):
            return columns
    return None


def _rows(
    source: Path,
    table: SheetTable,
    header: dict[str, int],
    routes: dict[tuple[str, str], list[tuple[float, int, str, str, str]]],
    defects: list[Defect],
) -> None:
    sheet = f"{table.name}!" if table.name else ""
    started = False
    for number, cells in table.rows:
        values = {name: _text(cells[i]) if i < len(cells) else "" for name, i in header.items()}
        if not started:  # skip down to the header row itself
            started = all(values[n] and HEADERS.get(_key(values[n])) == n for n in REQUIRED)
            continue
        if not any(values.values()):
            continue
        record = f"{source.name} row {sheet}{number}"
        missing = [n for n in REQUIRED if not values[n]]
        for name in missing:
            defects.append(Defect(record, name, "is empty"))
        order = float(len(routes.get((values["vehicle"], values["shift"]), [])))
        if header.get("order") is not None and values.get("order"):
            try:
                order = float(values["order"])
            except ValueError:
                defects.append(
                    Defect(record, "order", f"must be a number, got {values['order']!r}")
                )
        if missing:
            continue
        key = (values["vehicle"], values["shift"])
        crew = values.get("crew", "")
        routes.setdefault(key, []).append(
            (order, number, values["point"], crew, f"{sheet}{number}")
        )
