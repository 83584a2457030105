"""A district created through the API plans on its own road network (an OSM extract named or
uploaded), and says so: the district, the plan's map and figures name the travel method."""

from __future__ import annotations

from pathlib import Path

import pytest

from gis_data.demo import helsinki_extract
from tests.api.conftest import DAY, Api, plan_day, road_document

OSM_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "osm"


@pytest.fixture
def road_district_id(api: Api) -> int:
    response = api.call("POST", "/districts/import", json={"problem": road_document()})
    assert response.status_code == 201, response.text
    assert response.json()["travel_method"] == "straight-line"
    return int(response.json()["id"])


def test_a_district_plans_on_a_named_extract_and_says_so(api: Api, road_district_id: int) -> None:
    d = road_district_id
    extracts = api.call("GET", "/road-extracts").json()
    assert helsinki_extract().name in {e["name"] for e in extracts}
    straight = plan_day(api, d, publish=False)
    assert api.call("GET", f"/plans/{straight}/geojson").json()["travel"] == ["straight-line"]

    unknown = api.call("PUT", f"/districts/{d}/road-network", json={"extract": "nowhere.osm"})
    assert unknown.status_code == 404 and "extract" in unknown.text
    chosen = api.call(
        "PUT", f"/districts/{d}/road-network", json={"extract": helsinki_extract().name}
    )
    assert chosen.status_code == 200, chosen.text
    network = chosen.json()
    assert network["method"] == "road" and network["junctions"] > 500
    assert network["linked"] == ["landfill"]  # the landfill lies beyond the extract
    district = api.call("GET", f"/districts/{d}").json()
    assert district["travel_method"] == "road"
    assert district["road_network"] == helsinki_extract().name

    road = plan_day(api, d, publish=False)
    geo = api.call("GET", f"/plans/{road}/geojson").json()
    assert geo["travel"] == ["road"]
    legs = [
        f["properties"].get("legs") for f in geo["features"] if f["properties"]["kind"] == "trip"
    ]
    assert legs and set(legs) == {"road"}
    assert api.call("GET", f"/plans/{road}/kpis").json()["travel_method"] == "road"
    # Road km differ from the straight-line estimate's: the same day, timed another way.
    km = [api.call("GET", f"/plans/{p}/kpis").json()["km"] for p in (straight, road)]
    assert km[0] != km[1]

    back = api.call("DELETE", f"/districts/{d}/road-network")
    assert back.status_code == 200 and back.json()["method"] == "straight-line"
    assert api.call("GET", f"/districts/{d}").json()["road_network"] is None


def test_an_uploaded_extract_is_kept_or_refused_with_the_record_named(
    api: Api, road_district_id: int, tmp_path: Path
) -> None:
    d = road_district_id
    url = f"/districts/{d}/road-network"
    garbage = api.call("POST", url, files={"file": ("roads.osm.pbf", b"not osm", "application/x")})
    assert garbage.status_code == 422 and "roads.osm.pbf" in garbage.text
    wrong_kind = api.call("POST", url, files={"file": ("roads.txt", b"x", "text/plain")})
    assert wrong_kind.status_code == 422 and "filename" in wrong_kind.text
    # Another city's roads: the district's collection points lie off them, and are named.
    elsewhere = (OSM_DIR / "andorra.osm.pbf").read_bytes()
    off = api.call("POST", url, files={"file": ("andorra.osm.pbf", elsewhere, "application/x")})
    assert off.status_code == 422 and "andorra.osm.pbf" in off.text, off.text
    assert "covers none of the district's" in off.text
    assert api.call("GET", url).json()["method"] == "straight-line"  # nothing attached

    own = helsinki_extract().read_bytes()
    kept = api.call("POST", url, files={"file": ("centre.osm.pbf", own, "application/x")})
    assert kept.status_code == 200, kept.text
    assert kept.json()["method"] == "road" and kept.json()["source"].endswith(".osm.pbf")


def test_a_point_off_the_roads_fails_the_job_naming_it(api: Api, road_district_id: int) -> None:
    d = road_district_id
    name = helsinki_extract().name
    assert (
        api.call("PUT", f"/districts/{d}/road-network", json={"extract": name}).status_code == 200
    )
    point = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [24.935, 60.135]},  # in the sea
        "properties": {"id": "SEA-1", "stream": "residual", "kg_per_day": 10},
    }
    added = api.call("POST", f"/districts/{d}/points", json=point)
    assert added.status_code == 201, added.text
    queued = api.call("POST", f"/districts/{d}/plan-jobs", json={"date": DAY, "time_limit_s": 1})
    assert queued.status_code == 202
    assert api.run_jobs() == ["failed"]
    job = api.call("GET", f"/plan-jobs/{queued.json()['id']}").json()
    assert "SEA-1" in job["error"]
