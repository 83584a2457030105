"""A solution to a Kim instance: per vehicle the ordered row positions and where lunch is taken.

File form: ``{"instance": stem, "routes": [{"stops": [0, …, 0], "lunch_after": k}, …]}`` with
0-based row positions (the depot first and last, disposal facilities where the vehicle unloads) and
``lunch_after`` the index in ``stops`` after whose service the lunch starts (``null`` when the
route takes none).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from routing.errors import FieldError


@dataclass(frozen=True, slots=True)
class KimRoute:
    """One vehicle's day.

    Parameters
    ----------
    stops
        Row positions in visiting order, the depot first and last.
    lunch_after
        Index into ``stops`` after whose service the lunch starts; None: no lunch.
    """

    stops: tuple[int, ...]
    lunch_after: int | None = None


@dataclass(frozen=True, slots=True)
class KimSolution:
    """Every vehicle's day for one instance."""

    instance: str
    routes: tuple[KimRoute, ...]


def solution_to_dict(solution: KimSolution) -> dict[str, Any]:
    """The file form of a solution."""
    return {
        "instance": solution.instance,
        "routes": [{"stops": list(r.stops), "lunch_after": r.lunch_after} for r in solution.routes],
    }


def solution_from_dict(raw: dict[str, Any]) -> KimSolution:
    """A solution from its file form; errors name the route and the field."""
    routes = []
    for n, item in enumerate(raw.get("routes", [])):
        record = f"routes[{n}]"
        stops = item.get("stops")
        if not isinstance(stops, list) or not all(isinstance(s, int) for s in stops):
            raise FieldError("stops", "must be a list of row positions", record=record)
        lunch = item.get("lunch_after")
        if lunch is not None and not isinstance(lunch, int):
            raise FieldError(
                "lunch_after", f"must be an integer or null, got {lunch!r}", record=record
            )
        routes.append(KimRoute(tuple(stops), lunch))
    return KimSolution(str(raw.get("instance", "")), tuple(routes))


def write_solution(solution: KimSolution, path: Path) -> None:
    """Write a solution as JSON."""
    path.write_text(json.dumps(solution_to_dict(solution), indent=1) + "\n", encoding="utf-8")
