"""Road travel matrices: checked against networkx, one-way streets, classes, zones, links, cache."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest

from routing.domain import Location, SizeClass, TimeWindow
from routing.errors import ProblemError
from routing.fleet import Zone
from routing.network import (
    CACHE_DIR_ENV,
    UNREACHABLE,
    ExternalLink,
    RoadIslandWarning,
    RoadNetwork,
    matrix_benchmark,
    matrix_cache_dir,
    random_road_points,
    road_matrix,
    snap_locations,
)
from routing.travel import haversine_m
from routing.units import HOUR

Place = Callable[[RoadNetwork, int, float], Location]
BIG = 10**9  # networkx weight: milliseconds, then metres, summed exactly as Python ints


def _junction(network: RoadNetwork, node: int) -> Location:
    return Location(float(network.node_lon[node]), float(network.node_lat[node]))


def _nx_weight(network: RoadNetwork, size: SizeClass) -> Callable[[Any, Any, Any], int | None]:
    view = network.view(size)

    def weight(u: Any, v: Any, parallel: dict[int, dict[str, Any]]) -> int | None:
        options = [
            int(view.time_ms[key]) * BIG + data["length_m"]
            for key, data in parallel.items()
            if view.routable[key]
        ]
        return min(options) if options else None

    return weight


@pytest.mark.parametrize("size", [SizeClass.LARGE, SizeClass.CART])
def test_csgraph_matrix_equals_networkx_dijkstra_on_sampled_pairs(
    aguascalientes: RoadNetwork, size: SizeClass, tmp_path: Path
) -> None:
    network = aguascalientes
    view = network.view(size)
    main = np.unique(network.edge_u[view.routable])
    rng = np.random.default_rng(7)
    nodes = rng.choice(main, size=12, replace=False)
    locations = {f"J{n}": _junction(network, int(n)) for n in nodes}
    matrix = road_matrix(network, locations, size_class=size, cache_dir=tmp_path)
    graph = network.graph()
    weight = _nx_weight(network, size)
    pairs = [(a, b) for a in nodes[:6] for b in nodes[6:]][:30]
    assert len(pairs) == 30
    for a, b in pairs:
        best = nx.dijkstra_path_length(graph, int(a), int(b), weight=weight)
        millis, metres = divmod(best, BIG)
        assert matrix.distance(f"J{a}", f"J{b}") == metres
        assert matrix.time(f"J{a}", f"J{b}") == (millis + 500) // 1000


def test_one_way_street_is_driven_only_forwards(helsinki: RoadNetwork, on_piece: Place) -> None:
    view = helsinki.view(SizeClass.LARGE)
    candidates = view.routable & helsinki.edge_oneway & (helsinki.edge_length_m > 80)
    edge = int(np.flatnonzero(candidates & ~helsinki.edge_reversed)[0])
    piece, length = int(helsinki.edge_geom[edge]), int(helsinki.edge_length_m[edge])
    a, b = on_piece(helsinki, piece, 0.25), on_piece(helsinki, piece, 0.75)
    matrix = road_matrix(helsinki, {"A": a, "B": b}, size_class=SizeClass.LARGE, use_cache=False)
    assert abs(matrix.distance("A", "B") - length / 2) <= 2
    assert matrix.distance("B", "A") > matrix.distance("A", "B") + length / 2  # round the block


def test_a_point_in_a_service_lane_is_reached_by_cart_but_not_by_large_truck(
    helsinki: RoadNetwork, on_piece: Place
) -> None:
    cart, large = helsinki.view(SizeClass.CART), helsinki.view(SizeClass.LARGE)
    lane = cart.routable & ~large.allowed & (helsinki.edge_length_m > 60)
    piece = int(helsinki.edge_geom[np.flatnonzero(lane)[0]])
    point = {"P": on_piece(helsinki, piece, 0.5)}
    by_cart = snap_locations(helsinki, point, size_class=SizeClass.CART)
    by_truck = snap_locations(helsinki, point, size_class=SizeClass.LARGE)
    assert by_cart.geom[0] == piece and by_cart.distance_m[0] < 0.01
    assert by_truck.geom[0] != piece and by_truck.distance_m[0] > 1.0


def test_a_zone_closed_in_a_band_changes_the_route(
    aguascalientes: RoadNetwork, on_piece: Place
) -> None:
    network, size = aguascalientes, SizeClass.LARGE
    view = network.view(size)
    main = np.unique(network.edge_u[view.routable])
    a, b = int(main[0]), int(main[len(main) // 2])
    path = nx.dijkstra_path(network.graph(), a, b, weight=_nx_weight(network, size))
    middle = path[len(path) // 2]
    centre = _junction(network, middle)
    d = 0.0003  # about 30 m: a small old-town square around one junction of the route
    ring = tuple((centre.lon + x, centre.lat + y) for x, y in ((-d, -d), (d, -d), (d, d), (-d, d)))
    morning = (TimeWindow(5 * HOUR, 9 * HOUR),)
    zone = Zone("old-town", ring, frozenset({SizeClass.CART, SizeClass.SMALL}), morning)
    places = {"A": _junction(network, a), "B": _junction(network, b)}

    def trip(vehicle: SizeClass, band: TimeWindow | None, zones: tuple[Zone, ...] = (zone,)) -> int:
        matrix = road_matrix(
            network, places, size_class=vehicle, zones=zones, band=band, use_cache=False
        )
        return matrix.time("A", "B")

    free = trip(size, None, ())
    assert trip(size, TimeWindow(10 * HOUR, 11 * HOUR)) > free  # closed to large trucks
    small_free = trip(SizeClass.SMALL, None, ())
    assert trip(SizeClass.SMALL, TimeWindow(6 * HOUR, 7 * HOUR)) == small_free  # open hours
    assert trip(SizeClass.SMALL, TimeWindow(10 * HOUR, 11 * HOUR)) > small_free  # closed hours


def test_a_location_inside_a_closed_zone_is_unreachable(
    helsinki: RoadNetwork, on_piece: Place
) -> None:
    view = helsinki.view(SizeClass.LARGE)
    piece = int(helsinki.edge_geom[np.flatnonzero(view.routable)[10]])
    inside = on_piece(helsinki, piece, 0.5)
    d = 0.0002
    ring = tuple((inside.lon + x, inside.lat + y) for x, y in ((-d, -d), (d, -d), (d, d), (-d, d)))
    zone = Zone("yard", ring, frozenset({SizeClass.CART}))
    outside = _junction(helsinki, int(np.unique(helsinki.edge_u[view.routable])[-1]))
    matrix = road_matrix(
        helsinki,
        {"IN": inside, "OUT": outside},
        size_class=SizeClass.LARGE,
        zones=[zone],
        use_cache=False,
    )
    assert matrix.distance("OUT", "IN") == UNREACHABLE
    assert matrix.time("IN", "OUT") == UNREACHABLE


def test_an_external_link_adds_its_length_and_time(helsinki: RoadNetwork) -> None:
    points = random_road_points(helsinki, 3, seed=3)
    landfill = Location(25.2, 60.3)  # about 20 km out of town, off the map
    link = ExternalLink("LF", via=points["P3"], length_m=18_500, speed_kmh=60.0)
    matrix = road_matrix(
        helsinki,
        {**points, "LF": landfill},
        size_class=SizeClass.LARGE,
        external_links=[link],
        use_cache=False,
    )
    for origin in ("P1", "P2"):
        assert matrix.distance(origin, "LF") == matrix.distance(origin, "P3") + 18_500
        assert matrix.distance("LF", origin) == matrix.distance("P3", origin) + 18_500
        expected = matrix.time(origin, "P3") + 1110  # 18.5 km at 60 km/h
        assert abs(matrix.time(origin, "LF") - expected) <= 1


def test_links_must_name_a_location_once(helsinki: RoadNetwork) -> None:
    link = ExternalLink("nowhere", via=Location(24.94, 60.17), length_m=10, speed_kmh=30.0)
    with pytest.raises(ProblemError, match="external link nowhere: location_id"):
        road_matrix(helsinki, {}, size_class=SizeClass.LARGE, external_links=[link])


def test_points_far_from_every_road_are_all_named_in_one_error(helsinki: RoadNetwork) -> None:
    near = random_road_points(helsinki, 2, seed=1)
    far = {"LAKE": Location(24.80, 60.10), "ISLAND": Location(25.00, 60.12)}
    with pytest.raises(ProblemError) as caught:
        road_matrix(helsinki, {**near, **far}, size_class=SizeClass.LARGE, use_cache=False)
    records = {defect.record for defect in caught.value.defects}
    assert records == {"location LAKE", "location ISLAND"}
    assert all(defect.field == "location" for defect in caught.value.defects)
    assert "500 m" in str(caught.value)


def test_a_point_whose_nearest_road_is_an_island_is_reported(
    helsinki: RoadNetwork, on_piece: Place
) -> None:
    view = helsinki.view(SizeClass.LARGE)
    island = view.allowed & ~view.routable & (helsinki.edge_length_m > 30)
    piece = int(helsinki.edge_geom[np.flatnonzero(island)[0]])
    snapped = snap_locations(
        helsinki, {"ON-ISLAND": on_piece(helsinki, piece, 0.5)}, size_class=SizeClass.LARGE
    )
    assert snapped.islands == ("ON-ISLAND",)
    assert snapped.geom[0] != piece  # snapped to the main network instead, not dropped


def test_a_matrix_warns_of_island_points_also_from_the_cache(
    helsinki: RoadNetwork, on_piece: Place, tmp_path: Path
) -> None:
    view = helsinki.view(SizeClass.LARGE)
    island = view.allowed & ~view.routable & (helsinki.edge_length_m > 30)
    piece = int(helsinki.edge_geom[np.flatnonzero(island)[0]])
    places = {
        "ON-ISLAND": on_piece(helsinki, piece, 0.5),
        **random_road_points(helsinki, 2, seed=2),
    }
    for _ in ("computed", "cached"):
        with pytest.warns(RoadIslandWarning, match="ON-ISLAND") as caught:
            road_matrix(helsinki, places, size_class=SizeClass.LARGE, cache_dir=tmp_path)
        assert caught[0].message.location_ids == ("ON-ISLAND",)  # type: ignore[union-attr]


def test_road_distances_are_at_least_the_straight_line(helsinki: RoadNetwork) -> None:
    points = random_road_points(helsinki, 40, seed=5)
    matrix = road_matrix(helsinki, points, size_class=SizeClass.MEDIUM, use_cache=False)
    assert (np.diag(matrix.distance_m) == 0).all() and (np.diag(matrix.time_s) == 0).all()
    ids = list(points)
    for i in ids[:10]:
        for j in ids[10:20]:
            assert matrix.distance(i, j) >= haversine_m(points[i], points[j]) - 2


def test_the_cache_returns_identical_arrays_faster(
    aguascalientes: RoadNetwork, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "matrices"))
    assert matrix_cache_dir() == tmp_path / "matrices"
    points = random_road_points(aguascalientes, 600, seed=11)
    started = time.perf_counter()
    first = road_matrix(aguascalientes, points, size_class=SizeClass.LARGE)
    computed = time.perf_counter() - started
    assert len(list((tmp_path / "matrices").glob("*.npz"))) == 1
    started = time.perf_counter()
    second = road_matrix(aguascalientes, points, size_class=SizeClass.LARGE)
    cached = time.perf_counter() - started
    assert np.array_equal(first.distance_m, second.distance_m)
    assert np.array_equal(first.time_s, second.time_s)
    assert first.location_ids == second.location_ids and second.method == "road"
    assert cached < computed / 2
    other = road_matrix(aguascalientes, points, size_class=SizeClass.CART)
    assert len(list((tmp_path / "matrices").glob("*.npz"))) == 2  # another class, another key
    assert not np.array_equal(other.time_s, first.time_s)


def test_the_benchmark_reports_its_figures_and_is_deterministic(osm_dir: Path) -> None:
    path = osm_dir / "aguascalientes.osm.pbf"
    report = matrix_benchmark(path, 200, seed=4)
    assert report["points"] == 200 and report["graph_nodes"] > 500
    for key in ("load_s", "snap_s", "matrix_s", "seconds", "peak_memory_mb"):
        assert isinstance(report[key], float) and report[key] >= 0
    assert report["islands"] == 0
