"""Road paths of legs, for maps: the streets a leg drives, as long as the matrix says."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely

from routing.domain import Location, SizeClass
from routing.network import RoadNetwork, road_matrix
from routing.network.paths import LegPaths


def _length_m(network: RoadNetwork, line: list[tuple[float, float]]) -> float:
    x, y = network.to_metric().transform([p[0] for p in line], [p[1] for p in line])
    return float(shapely.LineString(np.column_stack([x, y])).length)


def test_a_path_runs_on_the_streets_as_long_as_the_matrix_leg(
    aguascalientes: RoadNetwork, tmp_path: Path
) -> None:
    network, size = aguascalientes, SizeClass.MEDIUM
    main = np.unique(network.edge_u[network.view(size).routable])
    nodes = np.random.default_rng(3).choice(main, size=10, replace=False)
    places = {
        f"J{n}": Location(float(network.node_lon[n]), float(network.node_lat[n])) for n in nodes
    }
    matrix = road_matrix(network, places, size_class=size, cache_dir=tmp_path)
    paths = LegPaths(network)
    roads = shapely.MultiLineString(list(network.metric_lines()))
    for a in list(places)[:5]:
        for b in list(places)[5:]:
            start, end = (places[a].lon, places[a].lat), (places[b].lon, places[b].lat)
            line = paths.path(size, start, end)
            assert line[0] == start and line[-1] == end
            assert len(line) > 2  # not the straight leg
            # As long as the matrix's leg (its ties may be broken by other streets of the
            # same time), and every vertex on a street.
            assert _length_m(network, line) == pytest.approx(matrix.distance(a, b), rel=0.05)
            x, y = network.to_metric().transform([p[0] for p in line], [p[1] for p in line])
            assert max(shapely.Point(p).distance(roads) for p in zip(x, y, strict=True)) < 0.5


def test_a_path_keeps_to_one_way_streets(aguascalientes: RoadNetwork) -> None:
    # There and back between the same places: on a grid of one-way streets the two differ.
    network, size = aguascalientes, SizeClass.MEDIUM
    main = np.unique(network.edge_u[network.view(size).routable])
    a, b = (int(n) for n in np.random.default_rng(11).choice(main, size=2, replace=False))
    start = (float(network.node_lon[a]), float(network.node_lat[a]))
    end = (float(network.node_lon[b]), float(network.node_lat[b]))
    paths = LegPaths(network)
    there, back = paths.path(size, start, end), paths.path(size, end, start)
    assert there != list(reversed(back))


def test_a_place_off_the_network_still_gets_a_line(helsinki: RoadNetwork) -> None:
    paths = LegPaths(helsinki)
    far = (24.0, 59.0)  # the sea, far from the extract
    near = (float(helsinki.node_lon[0]), float(helsinki.node_lat[0]))
    line = paths.path(SizeClass.MEDIUM, far, near)
    assert line[0] == far and line[-1] == near
