"""Solutions to PVRP-IF instances: the project's JSON form and the published report files.

JSON form (the product's own solutions)::

    {"instance": "Milano_020_4_0", "days": [[[0, 18, 12, 21, 0], [0, 5, 7, 22, 0]], [], ...]}

one list per day of the horizon, holding that day's routes, each the node indices in visiting
order with the depot first and last and a facility before the final depot.

Report files (``report_<name>_feasible_<cost>_0.txt``, described in the upstream
``solutions/README.upstream.md``): a first line ``Solution for NAME with cost C  is feasible.``;
the instance's limits; per route a line ``Day: d: Vehicle:v time: T ... cost:C`` followed by a
table whose ``path`` row lists the nodes (``0.0  18.0 ...``); and a block of ``Scheme(i)`` lines,
one per node ``i`` (depot and facilities included) with the ``options`` the node may be served on
and the days ``assigned`` to it. The vehicle numbers are labels: on some days of the MIP reports
only ``Vehicle:1`` runs.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from routing.errors import FieldError
from routing.pvrpif.reader import PvrpifFormatError

#: One route: node indices in visiting order, the depot at both ends.
Route = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class PvrpifSolution:
    """Every day's routes for one instance.

    Parameters
    ----------
    instance
        The instance name; empty when unknown.
    days
        ``days[d]``: the routes run on day ``d``, one per vehicle used.
    """

    instance: str
    days: tuple[tuple[Route, ...], ...]

    def routes(self) -> Iterator[tuple[int, int, Route]]:
        """Every route with its day and its position (vehicle) on that day."""
        for day, routes in enumerate(self.days):
            for vehicle, route in enumerate(routes):
                yield day, vehicle, route


def solution_to_dict(solution: PvrpifSolution) -> dict[str, Any]:
    """The JSON form of a solution."""
    return {
        "instance": solution.instance,
        "days": [[list(route) for route in routes] for routes in solution.days],
    }


def solution_from_dict(raw: Any) -> PvrpifSolution:
    """A solution from its JSON form; an error names the day and route and the field."""
    if not isinstance(raw, dict):
        raise FieldError("solution", "must be an object with instance and days")
    instance = raw.get("instance", "")
    if not isinstance(instance, str):
        raise FieldError("instance", f"must be a text, got {instance!r}")
    days = raw.get("days")
    if not isinstance(days, list):
        raise FieldError("days", "must be a list with one list of routes per day")
    parsed: list[tuple[Route, ...]] = []
    for d, routes in enumerate(days):
        if not isinstance(routes, list):
            raise FieldError("days", "must be a list of routes", record=f"days[{d}]")
        day: list[Route] = []
        for r, route in enumerate(routes):
            if not isinstance(route, list) or not all(
                isinstance(node, int) and not isinstance(node, bool) for node in route
            ):
                raise FieldError(
                    "route", "must be a list of node indices", record=f"days[{d}][{r}]"
                )
            day.append(tuple(route))
        parsed.append(tuple(day))
    return PvrpifSolution(instance, tuple(parsed))


def write_solution(solution: PvrpifSolution, path: Path) -> None:
    """Write a solution in its JSON form."""
    path.write_text(json.dumps(solution_to_dict(solution)) + "\n", encoding="utf-8")


def read_solution(path: Path) -> PvrpifSolution:
    """Read a solution written by :func:`write_solution`."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise FieldError(
            "json", f"{error.msg} at line {error.lineno}, column {error.colno}", record=path.name
        ) from None
    try:
        return solution_from_dict(raw)
    except FieldError as error:
        raise error.at(f"{path.name}, {error.record}" if error.record else path.name) from None


@dataclass(frozen=True, slots=True)
class ReportedRoute:
    """One route of a report, with what the report states about it.

    Parameters
    ----------
    day
        The day it runs.
    vehicle
        The report's vehicle label (not necessarily the route's position on its day).
    stops
        Node indices from the ``path`` row.
    time
        The stated duration: travel plus service.
    cost
        The stated cost: travel only.
    """

    day: int
    vehicle: int
    stops: Route
    time: int
    cost: int


@dataclass(frozen=True, slots=True)
class ReportedScheme:
    """One ``Scheme(i)`` line: the node, its stated options, the days assigned and the verdict."""

    node: int
    options: tuple[tuple[int, ...], ...]
    assigned: tuple[int, ...]
    correct: bool


@dataclass(frozen=True, slots=True)
class SolutionReport:
    """A published solution report, as stated (nothing recomputed).

    Parameters
    ----------
    name
        The instance name.
    cost
        The stated total cost.
    feasible
        True when the report says the solution is feasible.
    horizon_days, vehicles_per_day, max_duration, max_capacity
        The instance's limits as the report restates them.
    routes
        Every route, in the order of the file.
    schemes
        Every ``Scheme(i)`` line, in the order of the file.
    """

    name: str
    cost: int
    feasible: bool
    horizon_days: int
    vehicles_per_day: int
    max_duration: int
    max_capacity: int
    routes: tuple[ReportedRoute, ...]
    schemes: tuple[ReportedScheme, ...]

    @property
    def solution(self) -> PvrpifSolution:
        """The routes as a solution: per day, in the order of the file."""
        days: list[list[Route]] = [[] for _ in range(self.horizon_days)]
        for route in self.routes:
            days[route.day].append(route.stops)
        return PvrpifSolution(self.name, tuple(tuple(day) for day in days))


_TITLE = re.compile(r"^Solution for (\S+) with cost (\S+)\s+is (.*)\.\s*$")
_LIMITS = re.compile(r"^MaxDuration: (\S+), MaxCapacity: (\S+)\s*$")
_HORIZON = re.compile(r"^PlanningHorizon: (\S+), NumVehicles: (\S+)\s*$")
_ROUTE = re.compile(r"^Day: (\d+): Vehicle:(\d+) time: (\S+)\s.*\bcost:(\S+)\s*$")
_SCHEME = re.compile(
    r"^Scheme\((\d+)\): options: (.*?)\s+assigned: (.*?)\s+Correct: (True|False)\s*$"
)


def _whole(token: str, field: str, record: str) -> int:
    """A number written as ``562.0`` that must be whole."""
    try:
        value = float(token)
    except ValueError:
        raise PvrpifFormatError(field, f"must be a number, got {token!r}", record=record) from None
    if not value.is_integer():
        raise PvrpifFormatError(field, f"must be a whole number, got {token!r}", record=record)
    return int(value)


def _is_days(value: object) -> bool:
    return isinstance(value, list) and all(type(day) is int for day in value)


def _literal(text: str, field: str, record: str) -> Any:
    """A Python literal as the reports print it (``[[0, 2], [1, 3]]``)."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        raise PvrpifFormatError(field, f"must be a list, got {text!r}", record=record) from None


def _scheme(match: re.Match[str], record: str) -> ReportedScheme:
    options = _literal(match[2], "options", record)
    if not isinstance(options, list) or not all(_is_days(option) for option in options):
        raise PvrpifFormatError(
            "options", f"must be a list of lists of days, got {match[2]!r}", record=record
        )
    assigned = _literal(match[3], "assigned", record)
    if not _is_days(assigned):
        raise PvrpifFormatError(
            "assigned", f"must be a list of days, got {match[3]!r}", record=record
        )
    return ReportedScheme(
        node=int(match[1]),
        options=tuple(tuple(option) for option in options),
        assigned=tuple(assigned),
        correct=match[4] == "True",
    )


def _path(lines: list[str], start: int, source: str) -> Route:
    """The nodes of the route whose table follows line ``start`` (0-based): every ``path`` row up
    to the next separator (a wide table may be printed in several blocks)."""
    stops: list[int] = []
    for n in range(start + 1, len(lines)):
        line = lines[n]
        if line.startswith(("___", "Day:")):
            break
        if line.startswith("path"):
            record = f"{source}, line {n + 1}"
            stops += [_whole(token, "path", record) for token in line.split()[1:]]
    if not stops:
        raise PvrpifFormatError(
            "path", "the route has no path row", record=f"{source}, line {start + 1}"
        )
    return tuple(stops)


def parse_report(text: str, *, source: str = "report") -> SolutionReport:
    """A published solution report from its text.

    Raises
    ------
    PvrpifFormatError
        A line cannot be read; the message names the file, the line and the field.
    """
    lines = text.splitlines()
    title = _TITLE.match(lines[0]) if lines else None
    if title is None:
        raise PvrpifFormatError(
            "title",
            "must read 'Solution for NAME with cost C is feasible.'",
            record=f"{source}, line 1",
        )
    found: dict[str, int] = {}
    routes: list[ReportedRoute] = []
    schemes: list[ReportedScheme] = []
    for n, line in enumerate(lines):
        record = f"{source}, line {n + 1}"
        if match := _LIMITS.match(line):
            found["max_duration"] = _whole(match[1], "MaxDuration", record)
            found["max_capacity"] = _whole(match[2], "MaxCapacity", record)
        elif match := _HORIZON.match(line):
            found["horizon_days"] = _whole(match[1], "PlanningHorizon", record)
            found["vehicles_per_day"] = _whole(match[2], "NumVehicles", record)
        elif match := _ROUTE.match(line):
            routes.append(
                ReportedRoute(
                    day=int(match[1]),
                    vehicle=int(match[2]),
                    stops=_path(lines, n, source),
                    time=_whole(match[3], "time", record),
                    cost=_whole(match[4], "cost", record),
                )
            )
        elif match := _SCHEME.match(line):
            schemes.append(_scheme(match, record))
        elif line.startswith(("Day:", "Scheme(")):
            field = line.split(":")[0].split("(")[0]
            raise PvrpifFormatError(field, "cannot be read as the report format", record=record)
    for name, label in (("max_duration", "MaxDuration"), ("horizon_days", "PlanningHorizon")):
        if name not in found:
            raise PvrpifFormatError(label, "is missing from the instance info", record=source)
    horizon = found["horizon_days"]
    for route in routes:
        if route.day >= horizon:
            raise PvrpifFormatError(
                "Day", f"{route.day} is beyond the planning horizon", record=source
            )
    return SolutionReport(
        name=title[1],
        cost=_whole(title[2], "cost", f"{source}, line 1"),
        feasible=title[3].strip() == "feasible",
        horizon_days=horizon,
        vehicles_per_day=found["vehicles_per_day"],
        max_duration=found["max_duration"],
        max_capacity=found["max_capacity"],
        routes=tuple(routes),
        schemes=tuple(schemes),
    )


def read_report(path: Path) -> SolutionReport:
    """Read a published ``report_*.txt``; see :func:`parse_report`."""
    return parse_report(path.read_text(encoding="utf-8"), source=path.name)
