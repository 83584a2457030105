"""A problem with one more collection point: the urgent pickup's.

Travel to and from the new point is taken from the nearest known location (exact when the
pickup is at an existing point: a missed bin), plus the straight leg between the two at the
speed the matrix shows round that location. Callers that hold the travel specification (a
problem file, the API's stored problem) rebuild the matrices instead and pass their own
``extend`` to :func:`routing.dispatch.urgent.rank_urgent`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from routing.domain import CollectionPoint, Location
from routing.errors import FieldError
from routing.fields import enum_text
from routing.problem import Problem
from routing.problem_file import problem_from_dict, problem_to_dict
from routing.travel import TravelMatrix, haversine_m
from routing.units import format_clock, round_int

DETOUR_FACTOR = 1.3  # road metres per straight metre on the leg to the nearest known location
FALLBACK_SPEED_MS = 25 / 3.6


def _nearest(problem: Problem, matrix: TravelMatrix, location: Location) -> str:
    return min(
        matrix.location_ids,
        key=lambda loc: (haversine_m(problem.location_of(loc), location), loc),
    )


def _speed_ms(matrix: TravelMatrix, anchor: str) -> float:
    row = matrix.index[anchor]
    metres = np.asarray(matrix.distance_m[row], dtype=float)
    seconds = np.asarray(matrix.time_s[row], dtype=float)
    usable = seconds > 0
    if not usable.any():
        return FALLBACK_SPEED_MS
    return float(np.median(metres[usable] / seconds[usable]))


def extend_matrix(
    matrix: TravelMatrix, new_id: str, anchor: str, metres: int, seconds: int
) -> TravelMatrix:
    """``matrix`` with ``new_id`` added: travel via ``anchor``, ``metres``/``seconds`` apart."""
    a = matrix.index[anchor]
    n = len(matrix.location_ids)
    out = []
    for array, leg in ((matrix.distance_m, metres), (matrix.time_s, seconds)):
        grown = np.zeros((n + 1, n + 1), dtype=array.dtype)
        grown[:n, :n] = array
        grown[n, :n] = array[a, :] + leg
        grown[:n, n] = array[:, a] + leg
        grown[n, a] = grown[a, n] = leg
        out.append(grown)
    return TravelMatrix(
        matrix.profile, (*matrix.location_ids, new_id), out[0], out[1], matrix.method, matrix.recipe
    )


def with_point(problem: Problem, point: CollectionPoint, *, near: str | None = None) -> Problem:
    """``problem`` with ``point`` added; travel estimated from ``near`` (default: the nearest
    known location of each matrix)."""
    if (
        point.id in problem.point_by_id
        or point.id in problem.depot_by_id
        or point.id in problem.facility_by_id
    ):
        raise FieldError(
            "id", f"{point.id!r} is already the id of a record", record="urgent request"
        )
    travel: dict[str, TravelMatrix] = {}
    for profile, matrix in problem.travel.items():
        anchor = (
            near
            if near is not None and near in matrix
            else _nearest(problem, matrix, point.location)
        )
        straight = haversine_m(problem.location_of(anchor), point.location) * DETOUR_FACTOR
        metres = round_int(straight)
        seconds = round_int(straight / _speed_ms(matrix, anchor))
        travel[profile] = extend_matrix(matrix, point.id, anchor, metres, seconds)
    return problem.replace(points=(*problem.points, point), travel=travel)


def point_to_dict(point: CollectionPoint) -> dict[str, Any]:
    """The point in the problem file's form (docs/problem-format.md)."""
    return {
        "id": point.id,
        "lon": point.location.lon,
        "lat": point.location.lat,
        "stream": enum_text(point.stream),
        "kg_per_day": point.kg_per_day,
        "litres_per_day": point.litres_per_day,
        "service_s": point.service_s,
        "time_windows": [
            f"{format_clock(w.start_s)}-{format_clock(w.end_s)}" for w in point.time_windows
        ],
        "visits_per_day": point.visits_per_day,
        "max_size_class": enum_text(point.max_size_class),
        "name": point.name,
    }


COMPUTED = frozenset({"straight-line", "road"})


def with_point_computed(problem: Problem, point: CollectionPoint) -> Problem:
    """``problem`` with ``point`` added: when every matrix states a computed recipe
    (straight-line, road), the matrices are computed again with the point, as reading the
    problem's file with the point added would; otherwise travel is estimated (:func:`with_point`).
    """
    recipes = [m.recipe for m in problem.travel.values()]
    if not all(r is not None and r.get("method") in COMPUTED for r in recipes):
        return with_point(problem, point)
    if point.id in {*problem.point_by_id, *problem.depot_by_id, *problem.facility_by_id}:
        raise FieldError(
            "id", f"{point.id!r} is already the id of a record", record="urgent request"
        )
    grown = problem_to_dict(problem)
    grown["points"] = [*grown["points"], point_to_dict(point)]
    return problem_from_dict(grown, source=f"problem {problem.name!r} with {point.id}")
