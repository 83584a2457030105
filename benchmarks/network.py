"""Road network benchmark: load time, snap + matrix time and peak memory on real OSM extracts.

Usage::

    python benchmarks/network.py --osm ../shared/data/osm/andorra.osm.pbf \\
        ../shared/data/osm/campo-grande.osm.gz --points 1400 10000

Each (file, points) run is a fresh process, so the peak memory reported is that run's own.
Prints one JSON line per run, then a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from routing.domain import SizeClass
from routing.network import matrix_benchmark


def _one(osm: str, points: int, seed: int, profile: str) -> dict[str, object]:
    command = [
        sys.executable,
        __file__,
        "--single",
        "--osm",
        osm,
        "--points",
        str(points),
        "--seed",
        str(seed),
        "--profile",
        profile,
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, object] = json.loads(done.stdout)
    return result


def main() -> int:
    """Run the benchmark grid and print JSON lines and a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--osm", nargs="+", required=True, help="OSM files")
    parser.add_argument("--points", nargs="+", type=int, default=[1400, 10000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", default="large", choices=[s.name.lower() for s in SizeClass])
    parser.add_argument("--single", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.single:
        size = SizeClass[args.profile.upper()]
        report = matrix_benchmark(args.osm[0], args.points[0], args.seed, size_class=size)
        print(json.dumps(report))
        return 0
    rows = []
    for osm in args.osm:
        for points in args.points:
            report = _one(osm, points, args.seed, args.profile)
            print(json.dumps(report), flush=True)
            rows.append(report)
    print()
    print("| extract | points | graph nodes / edges | load s | snap s | matrix s | peak MiB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {Path(str(r['file'])).name} | {r['points']:,} | "
            f"{r['graph_nodes']:,} / {r['graph_edges']:,} | {r['load_s']} | {r['snap_s']} | "
            f"{r['matrix_s']} | {r['peak_memory_mb']:,} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
