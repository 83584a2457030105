"""What the pages stand on: their files (served and packaged) and the road map of a district."""

from __future__ import annotations

import os
import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

from api.routes.web import WEB_DIR, RoadLayer, read_road_layer, road_sources, roads_geojson
from gis_data.demo import helsinki_extract
from tests.web.conftest import Published, Server

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def helsinki() -> RoadLayer:
    """The demo extract's roads."""
    return read_road_layer(helsinki_extract())


def test_every_page_file_is_packaged() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["api"]
    files = [p.relative_to(WEB_DIR.parent).as_posix() for p in WEB_DIR.rglob("*") if p.is_file()]
    assert files
    unpackaged = [f for f in files if not any(fnmatch(f, pattern) for pattern in patterns)]
    assert unpackaged == []
    assert (WEB_DIR / "vendor" / "leaflet" / "LICENSE").is_file()


def test_pages_load_only_files_that_exist(server: Server) -> None:
    for page in ("/web/", "/web/dispatcher", "/web/planner", "/web/driver"):
        response = server.call("GET", page, user=None)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "default-src 'self'" in response.headers["content-security-policy"]
        refs = re.findall(r'(?:src|href)="(/web/assets/[^"]+)"', response.text)
        assert refs
        for ref in refs:
            assert server.call("GET", ref, user=None).status_code == 200, ref


def test_assets_outside_the_web_folder_are_not_served(server: Server) -> None:
    for path in ("/web/assets/../routes/web.py", "/web/assets/%2e%2e/core/config.py", "/web/nope"):
        assert server.call("GET", path, user=None).status_code == 404, path
    assert server.call("GET", "/", user=None, follow_redirects=False).headers["location"] == "/web/"


def test_district_roads_are_the_extract_around_its_points(
    server: Server, published: Published
) -> None:
    path = f"/districts/{server.district_id}/roads"
    assert server.call("GET", path, user=None).status_code == 401
    response = server.call("GET", path, user="planner")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    body = response.json()
    assert body["source"] == helsinki_extract().name
    assert body["attribution"] == "© OpenStreetMap contributors"
    assert body["features"] and not body["truncated"]
    assert all(f["geometry"]["type"] == "LineString" for f in body["features"])
    assert server.call("GET", path, user="driver-a").status_code == 200  # the driver's district
    assert server.call("GET", "/districts/99999/roads", user="driver-a").status_code == 403
    assert server.call("GET", "/districts/99999/roads", user="planner").status_code == 404


def test_roads_are_cut_to_the_box_with_a_margin(helsinki: RoadLayer) -> None:
    west, south, east, north = helsinki.bounds
    box = (west, south, (west + east) / 2, (south + north) / 2)
    part = roads_geojson([helsinki], box)
    whole = roads_geojson([helsinki], helsinki.bounds)
    assert 0 < len(part["features"]) < len(whole["features"])
    margin = 0.15 * max(box[2] - box[0], box[3] - box[1])
    for feature in part["features"]:
        lons = [c[0] for c in feature["geometry"]["coordinates"]]
        lats = [c[1] for c in feature["geometry"]["coordinates"]]
        # a piece is kept when it touches the box; it may run on past the margin
        assert min(lons) <= box[2] + margin and max(lons) >= box[0] - margin
        assert min(lats) <= box[3] + margin and max(lats) >= box[1] - margin


def test_a_district_off_every_extract_gets_no_roads(helsinki: RoadLayer) -> None:
    beijing = (116.30, 39.85, 116.45, 39.95)
    body = roads_geojson([helsinki], beijing)
    assert body["features"] == [] and body["source"] is None
    assert roads_geojson([helsinki], None)["features"] == []


def test_road_sources_come_from_the_environment(tmp_path: Path) -> None:
    assert road_sources({}) == (helsinki_extract(),)
    two = os.pathsep.join([str(tmp_path / "a.osm.pbf"), str(tmp_path / "b.osm")])
    assert road_sources({"HUANWEI_ROAD_OSM": two}) == (tmp_path / "a.osm.pbf", tmp_path / "b.osm")
    assert road_sources({"HUANWEI_ROAD_OSM": ""}) == ()
