"""The problem file: a documented JSON form of :class:`~routing.problem.Problem` (docs/problem-format.md).

Reading gathers every defect of every record, then every broken cross-reference, into one
:class:`~routing.errors.ProblemError` naming each record and field. The records' own JSON forms are
in :mod:`routing.problem_records`; this module adds the format tag, the name and the travel section.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from routing import fields as p
from routing.domain import Location
from routing.errors import DefectCollector, FieldError, ProblemError
from routing.fleet import Zone
from routing.problem import Problem, check_references, locations_by_id, profile_locations
from routing.problem_records import records_from_dict, records_to_dict

# Re-exported: the rule parameters' JSON form was defined here, and callers import it from here.
from routing.problem_records import rules_from_dict as rules_from_dict
from routing.problem_records import rules_to_dict as rules_to_dict
from routing.travel import TravelMatrix, matrix_from_rows, straight_line_matrix
from routing.travel_estimate import estimated_matrix_from_spec

FORMAT = "huanwei-problem/1"


def _travel(
    raw: Any,
    all_locations: Mapping[str, Location],
    needed: Mapping[str, Sequence[str]],
    zones: tuple[Zone, ...],
    defects: DefectCollector,
    base_dir: Path | None,
) -> dict[str, TravelMatrix]:
    # A computed matrix covers what its profile's vehicles may visit (profile_locations); a
    # profile no vehicle type names covers every location.
    if not isinstance(raw, Mapping) or not raw:
        defects.add("problem", "travel", "must name at least one travel profile")
        return {}
    matrices: dict[str, TravelMatrix] = {}
    for profile, spec in raw.items():
        label = f"travel profile {profile}"
        ids = needed.get(profile, tuple(all_locations))
        locations = {i: all_locations[i] for i in ids if i in all_locations}
        try:
            if not isinstance(spec, Mapping):
                raise FieldError("travel", "must be an object")
            method = p.get(spec, "method", p.text)
            if method == "straight-line":
                matrices[profile] = straight_line_matrix(
                    locations,
                    profile=profile,
                    speed_kmh=p.get(spec, "speed_kmh", p.number, 25.0),
                    detour_factor=p.get(spec, "detour_factor", p.number, 1.3),
                )
            elif method == "estimated":
                matrices[profile] = estimated_matrix_from_spec(profile, spec, locations)
            elif method == "given":
                matrices[profile] = matrix_from_rows(
                    profile,
                    p.get(spec, "location_ids", _text_list),
                    p.get(spec, "distance_m", _rows),
                    p.get(spec, "time_s", _rows),
                )
            elif method == "road":
                from routing.network.spec import road_matrix_from_spec

                matrices[profile] = road_matrix_from_spec(
                    profile, spec, locations, zones, base_dir=base_dir
                )
            else:
                known = "straight-line, estimated, given, road"
                raise FieldError("method", f"{method!r} is not one of: {known}")
            if method != "given":
                recipe = _recipe(spec, base_dir)
                matrices[profile] = matrices[profile].described_by(recipe)
        except FieldError as error:
            defects.add_error(label, error)
        except ProblemError as error:  # the road network's own file or snapping
            for d in error.defects:
                defects.add(label, d.field, f"{d.record}: {d.message}")
    return matrices


def _recipe(spec: Mapping[str, Any], base_dir: Path | None) -> dict[str, Any]:
    """A computed profile's section as its matrix states it: a relative OSM file is made
    absolute, so that the section computes the same matrix wherever it is written."""
    recipe = dict(spec)
    osm = recipe.get("osm")
    if isinstance(osm, str) and base_dir is not None and not Path(osm).is_absolute():
        recipe["osm"] = str((base_dir / osm).resolve())
    return recipe


def _text_list(value: Any, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FieldError(name, "must be a list of texts")
    return value


def _rows(value: Any, name: str) -> list[list[float]]:
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise FieldError(name, "must be a list of rows")
    return [[p.number(v, name) for v in row] for row in value]


def problem_from_dict(
    raw: Any, *, source: str = "problem", base_dir: Path | None = None
) -> Problem:
    """Build a :class:`Problem` from its JSON form; every defect is reported at once.

    ``base_dir`` is where relative paths in the file (a road profile's OSM file) start.

    Raises
    ------
    ProblemError
        Listing every bad record and field, and every broken cross-reference.
    """
    defects = DefectCollector()
    if not isinstance(raw, Mapping):
        defects.add("problem", "format", "the file must hold one JSON object")
        defects.raise_if_any(source=source)
        raise AssertionError  # unreachable: raise_if_any raised
    if raw.get("format", FORMAT) != FORMAT:
        defects.add("problem", "format", f"is {raw.get('format')!r}; expected {FORMAT!r}")
    parts = records_from_dict(raw, defects)
    locations = locations_by_id(parts.points, parts.depots, parts.facilities)
    needed = profile_locations(
        parts.points, parts.depots, parts.facilities, parts.vehicle_types, parts.rules
    )
    parts.travel = _travel(raw.get("travel"), locations, needed, parts.zones, defects, base_dir)
    check_references(parts, defects)
    defects.raise_if_any(source=source)
    name = str(raw["name"]) if isinstance(raw.get("name"), str) else Path(source).stem
    return Problem.from_parts(name, parts)


def read_problem(path: str | Path) -> Problem:
    """Read a problem file (JSON); errors name the file, each record and each field."""
    path = Path(path)
    raw = p.read_json(path, kind=ProblemError)
    return problem_from_dict(raw, source=str(path), base_dir=path.parent)


def _matrix_out(matrix: TravelMatrix) -> dict[str, Any]:
    return {
        "method": "given",
        "location_ids": list(matrix.location_ids),
        "distance_m": matrix.distance_m.tolist(),
        "time_s": matrix.time_s.tolist(),
    }


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    """The JSON form of ``problem``; each matrix is written as its
    :attr:`~routing.travel.TravelMatrix.recipe` (the travel section that computes it), or in
    full (``"given"``) when it has none."""
    return {
        "format": FORMAT,
        "name": problem.name,
        **records_to_dict(problem),
        "travel": {
            name: dict(m.recipe) if m.recipe is not None else _matrix_out(m)
            for name, m in problem.travel.items()
        },
    }


def write_problem(problem: Problem, path: str | Path) -> None:
    """Write ``problem`` as JSON to ``path`` (see :func:`problem_to_dict`)."""
    data = problem_to_dict(problem)
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
