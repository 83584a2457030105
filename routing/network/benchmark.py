"""Generated points along the roads, and the load / snap / matrix benchmark on a real OSM file."""

from __future__ import annotations

import os
import resource
import sys
import time

import numpy as np
import shapely

from routing.domain import Location, SizeClass
from routing.network.graph import RoadNetwork
from routing.network.loading import load_network
from routing.network.matrix import matrix_from_snapped
from routing.network.snapping import snap_locations


def random_road_points(
    network: RoadNetwork,
    count: int,
    *,
    seed: int,
    size_class: SizeClass = SizeClass.LARGE,
    prefix: str = "P",
) -> dict[str, Location]:
    """``count`` positions on roads of the class's main network, the same for the same seed.

    Roads are drawn in proportion to their length, then a uniform position along the road.
    Ids are ``prefix`` + a number from 1.
    """
    if count < 0:
        raise ValueError(f"count must be 0 or more, got {count}")
    rng = np.random.default_rng(seed)
    view = network.view(size_class)
    pieces = np.unique(network.edge_geom[view.routable])
    lines = network.metric_lines()[pieces]
    weights = shapely.length(lines)
    pick = rng.choice(len(pieces), size=count, p=weights / weights.sum())
    points = shapely.line_interpolate_point(lines[pick], rng.random(count), normalized=True)
    lon, lat = network.to_metric().transform(
        shapely.get_x(points), shapely.get_y(points), direction="INVERSE"
    )
    return {
        f"{prefix}{i + 1}": Location(round(float(x), 7), round(float(y), 7))
        for i, (x, y) in enumerate(zip(lon, lat, strict=True))
    }


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kibibytes, macOS bytes.
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def matrix_benchmark(
    osm_path: str | os.PathLike[str],
    n_points: int,
    seed: int,
    *,
    size_class: SizeClass = SizeClass.LARGE,
) -> dict[str, object]:
    """Time loading, snapping and an ``n_points`` × ``n_points`` road matrix on one OSM file.

    Returns
    -------
    dict
        JSON-ready: ``points``, ``profile``, ``graph_nodes``, ``graph_edges``, ``load_s``,
        ``snap_s``, ``matrix_s``, ``seconds`` (the three together), ``peak_memory_mb`` (peak
        resident memory of the whole process, MiB) and ``islands`` (points whose nearest road is
        cut off from the main network; 0 for generated points).
    """
    started = time.perf_counter()
    network = load_network(osm_path)
    loaded = time.perf_counter()
    locations = random_road_points(network, n_points, seed=seed, size_class=size_class)
    generated = time.perf_counter()
    snapped = snap_locations(network, locations, size_class=size_class)
    snapped_at = time.perf_counter()
    distance, _ = matrix_from_snapped(network, snapped)
    finished = time.perf_counter()
    return {
        "file": str(osm_path),
        "points": len(distance),
        "profile": size_class.name.lower(),
        "seed": seed,
        "graph_nodes": network.node_count,
        "graph_edges": network.edge_count,
        "load_s": round(loaded - started, 3),
        "snap_s": round(snapped_at - generated, 3),
        "matrix_s": round(finished - snapped_at, 3),
        "seconds": round(loaded - started + finished - generated, 3),
        "peak_memory_mb": peak_memory_mb(),
        "islands": len(snapped.islands),
    }
