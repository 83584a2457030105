"""The ``huanwei gis`` commands, through their own parser (as ``huanwei.cli`` registers them)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from huanwei.commands import gis

OSM_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "osm"


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    if not OSM_DIR.is_dir():
        pytest.fail(f"real OSM data missing: {OSM_DIR.resolve()}")
    parser = argparse.ArgumentParser(prog="huanwei")
    gis.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    assert args.run(args) == 0
    report: dict[str, object] = json.loads(capsys.readouterr().out)
    return report


def test_gis_import_reports_the_network_and_its_waste_features(
    capsys: pytest.CaptureFixture[str],
) -> None:
    report = _run(["gis", "import", str(OSM_DIR / "Helsinki.osm.pbf")], capsys)
    assert report["nodes"] == 952 and report["edges"] == 1604
    assert report["oneway_edges"] == 480
    assert isinstance(report["restricted_edges"], dict) and report["restricted_edges"]["cart"] == 0
    assert report["waste_features"] == {
        "points": 52,
        "by_stream": {"residual": 50, "recyclable": 2},
        "kg_per_day": 1940,
    }


def test_gis_matrix_prints_the_benchmark(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["gis", "matrix", str(OSM_DIR / "andorra.osm.pbf"), "--points", "150", "--seed", "3"]
    report = _run([*argv, "--profile", "medium"], capsys)
    assert report["points"] == 150 and report["profile"] == "medium"
    assert {"graph_nodes", "graph_edges", "seconds", "peak_memory_mb"} <= set(report)
