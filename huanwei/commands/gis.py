"""``huanwei gis import|convert|matrix|calibrate``: road networks, point files, coordinates."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gis_data.coords import CoordinateSystem, convert_geojson, parse_crs
from gis_data.export import write_points
from gis_data.points import read_osm_waste_points, read_points_geojson
from gis_data.sheets import SHEET_SUFFIXES, SheetOptions, read_point_table
from routing.domain import CollectionPoint, SizeClass, WasteStream
from routing.errors import FieldError
from routing.fields import enum_value, read_json
from routing.network import load_network, matrix_benchmark, summarize
from routing.network.calibration import DEFAULT_SAMPLES, calibrate

_POINT_FILES = (".csv", ".geojson", ".json", *SHEET_SUFFIXES)


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the ``gis`` command and its sub-commands."""
    gis = sub.add_parser("gis", help="load OSM road networks and point files, time matrices")
    actions = gis.add_subparsers(dest="gis_command", required=True, metavar="ACTION")

    p = actions.add_parser(
        "import",
        help="load an OSM file (.osm.pbf, .osm, .osm.gz) or a point file (.xlsx, .csv, "
        ".geojson) and print what it holds as JSON (docs/point-sheets.md)",
    )
    p.add_argument("file", type=Path)
    p.add_argument(
        "--crs",
        type=_crs,
        default=CoordinateSystem.WGS84,
        help="coordinate system of the file: wgs84 (default), gcj02 (Amap, Tencent), bd09 (Baidu)",
    )
    p.add_argument("--sheet", help="read only this worksheet of a workbook")
    p.add_argument("--stream", type=_stream, help="stream of every point (no stream column)")
    p.add_argument("--bin-litres", type=float, default=240.0, help="litres in one bin (桶)")
    p.add_argument("--out", type=Path, help="write the points (.xlsx, .csv, .geojson)")
    p.add_argument(
        "--out-crs", type=_crs, default=CoordinateSystem.WGS84, help="coordinates of --out"
    )
    p.set_defaults(run=run_import)

    p = actions.add_parser(
        "convert", help="convert a GeoJSON file (a plan's, say) between WGS84, GCJ-02 and BD-09"
    )
    p.add_argument("file", type=Path, metavar="IN")
    p.add_argument("out", type=Path, metavar="OUT")
    p.add_argument("--from", dest="source", type=_crs, default=CoordinateSystem.WGS84)
    p.add_argument("--to", dest="target", type=_crs, required=True)
    p.set_defaults(run=run_convert)

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

    p = actions.add_parser(
        "calibrate",
        help="fit estimated travel (great-circle x detour factor, speed per vehicle class) on "
        "the roads of an OSM extract of a similar area (JSON)",
    )
    p.add_argument("osm_file", type=Path, metavar="OSM_FILE")
    p.add_argument("--samples", type=_count, default=DEFAULT_SAMPLES, help="sampled positions")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, help="also write the calibration to this JSON file")
    p.set_defaults(run=run_calibrate)


def _crs(text: str) -> CoordinateSystem:
    try:
        return parse_crs(text)
    except FieldError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def _stream(text: str) -> WasteStream:
    try:
        return enum_value(WasteStream)(text, "stream")
    except FieldError as error:
        raise argparse.ArgumentTypeError(error.message) from None


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
    """Print what a file holds: a road network and its waste features, or collection points;
    with ``--out``, write the points (in ``--out-crs``)."""
    path: Path = args.file
    name = path.name.lower()
    if name.endswith(_POINT_FILES):
        options = SheetOptions(
            crs=args.crs,
            sheet=args.sheet,
            bin_litres=args.bin_litres,
            default_stream=args.stream,
        )
        report: dict[str, Any] = {"file": str(path), "crs": str(args.crs)}
        if name.endswith((".geojson", ".json")):
            points = read_points_geojson(path, crs=args.crs)
        else:
            table = read_point_table(path, options)
            points = table.points
            report |= {
                "crs": table.crs_by_sheet,
                "sheets": list(table.sheets),
                "skipped_sheets": list(table.skipped_sheets),
                "ignored_columns": list(table.ignored_columns),
            }
        report |= _points_json(points)
        if args.out is not None:
            write_points(points, args.out, crs=args.out_crs)
            report |= {"written": str(args.out), "written_crs": str(args.out_crs)}
    elif args.out is not None:
        print(
            "huanwei: --out writes point files; an OSM file's points: use a .geojson",
            file=sys.stderr,
        )
        return 2
    else:
        network = load_network(path)
        report = {
            **summarize(network).to_json(),
            "waste_features": _points_json(read_osm_waste_points(path)),
        }
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


def run_convert(args: argparse.Namespace) -> int:
    """Write ``OUT``: the GeoJSON ``IN`` with every position converted ``--from`` ``--to``."""
    document = read_json(args.file)
    converted = convert_geojson(document, args.source, args.target)
    if isinstance(converted, dict) and args.target is not CoordinateSystem.WGS84:
        converted["coordinate_system"] = str(args.target)
    args.out.write_text(json.dumps(converted, ensure_ascii=False), encoding="utf-8")
    print(json.dumps({"file": str(args.out), "from": args.source, "to": args.target}))
    return 0


def run_matrix(args: argparse.Namespace) -> int:
    """Print the load / snap / matrix benchmark of ``--points`` generated points as JSON."""
    size = SizeClass[args.profile.upper()]
    report = matrix_benchmark(args.osm_file, args.points, args.seed, size_class=size)
    print(json.dumps(report, indent=1))
    return 0


def run_calibrate(args: argparse.Namespace) -> int:
    """Print (and with ``--out`` write) the estimated-travel figures fitted on an OSM extract."""
    estimate = calibrate(args.osm_file, samples=args.samples, seed=args.seed)
    text = json.dumps(estimate.to_dict(), indent=1)
    if args.out is not None:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0
