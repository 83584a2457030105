"""Crews' reports in a file: a JSON list of ``{"point_id", "visit", "status", "reason"}``.

``status`` is ``done`` or ``skipped`` (a skipped visit needs a ``reason``); ``visit`` counts a
point's visits from 0 (default 0). Every bad record is named with its field, all at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from routing import fields as p
from routing.dispatch.requests import StopReport
from routing.errors import DefectCollector, FieldError, ProblemError


def _status(value: Any, name: str) -> str:
    if value not in ("done", "skipped"):
        raise FieldError(name, f"must be done or skipped, got {value!r}")
    return str(value)


def reports_from_list(raw: Any, *, source: str = "reports") -> tuple[StopReport, ...]:
    """The reports of a JSON list; raises one :class:`ProblemError` naming every bad one."""
    defects = DefectCollector()
    if not isinstance(raw, list):
        defects.add(source, "reports", "must be a list of reports")
        defects.raise_if_any(source=source)
    out: list[StopReport] = []
    for number, item in enumerate(raw, start=1):
        record = f"report {number}"
        if not isinstance(item, dict):
            defects.add(record, "report", "must be an object")
            continue
        f = p.Fields(item)
        try:
            out.append(
                f.result(
                    f.make(
                        StopReport,
                        point_id=f("point_id", p.text),
                        visit=f("visit", p.integer, 0),
                        status=f("status", _status),
                        reason=f("reason", p.text, ""),
                    )
                )
            )
        except FieldError as error:
            defects.add_error(record, error)
    defects.raise_if_any(source=source)
    return tuple(out)


def read_reports(path: str | Path) -> tuple[StopReport, ...]:
    """Read a reports file (see the module's description)."""
    path = Path(path)
    return reports_from_list(p.read_json(path, kind=ProblemError), source=str(path))
