"""``huanwei gis import`` and ``huanwei gis matrix``: real road networks and point files."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gis_data.points import read_osm_waste_points, read_points
from routing.domain import CollectionPoint, SizeClass
from routing.network import load_network, matrix_benchmark, summarize

_POINT_FILES = (".csv", ".geojson", ".json")


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the ``gis`` command and its sub-commands."""
    gis = sub.add_parser("gis", help="load OSM road networks and point files, time matrices")
    actions = gis.add_subparsers(dest="gis_command", required=True, metavar="ACTION")

    p = actions.add_parser(
        "import",
        help="load an OSM file (.osm.pbf, .osm, .osm.gz) or a point file (.csv, .geojson) "
        "and print what it holds as JSON",
    )
    p.add_argument("file", type=Path)
    p.set_defaults(run=run_import)

    p = actions.add_parser(
        "matrix", help="time loading and an N x N road matrix of generated points (JSON)"
    )
    p.add_argument("osm_file", type=Path, metavar="OSM_FILE")
    p.add_argument("--points", type=_count, default=1400, help="number of generated points")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--profile",
        choices=[size.name.lower() for size in SizeClass],
        default="large",
        help="vehicle size class (default: large)",
    )
    p.set_defaults(run=run_matrix)


def _count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _points_json(points: Sequence[CollectionPoint]) -> dict[str, Any]:
    return {
        "points": len(points),
        "by_stream": dict(Counter(str(p.stream) for p in points).most_common()),
        "kg_per_day": sum(p.kg_per_day for p in points),
    }


def run_import(args: argparse.Namespace) -> int:
    """Print what a file holds: a road network and its waste features, or collection points."""
    path: Path = args.file
    if path.name.lower().endswith(_POINT_FILES):
        report = {"file": str(path), **_points_json(read_points(path))}
    else:
        network = load_network(path)
        report = {
            **summarize(network).to_json(),
            "waste_features": _points_json(read_osm_waste_points(path)),
        }
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


def run_matrix(args: argparse.Namespace) -> int:
    """Print the load / snap / matrix benchmark of ``--points`` generated points as JSON."""
    size = SizeClass[args.profile.upper()]
    report = matrix_benchmark(args.osm_file, args.points, args.seed, size_class=size)
    print(json.dumps(report, indent=1))
    return 0
