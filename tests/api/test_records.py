"""District records through the API: GeoJSON in and out, paging, filters, references."""

from __future__ import annotations

from api.db import models as m
from tests.api.conftest import Api

GEOJSON = "application/geo+json"


def point(point_id: str, lon: float = 24.93, lat: float = 60.17, **props: object) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"id": point_id, "stream": "residual", "kg_per_day": 300, **props},
    }


def test_a_district_is_created_empty_and_listed(api: Api) -> None:
    created = api.call("POST", "/districts", json={"name": "Old town"})
    assert created.status_code == 201
    assert created.json()["counts"]["points"] == 0
    listed = api.call("GET", "/districts").json()
    assert [d["name"] for d in listed["items"]] == ["Old town"]


def test_points_round_trip_as_geojson(api: Api, district: int) -> None:
    url = f"/districts/{district}/points"
    created = api.call(
        "POST",
        url,
        json=point("NEW1", time_windows=["06:00-09:00"]),
        headers={"Content-Type": GEOJSON},
    )
    assert created.status_code == 201, created.text
    assert created.headers["content-type"].startswith(GEOJSON)
    body = api.call("GET", f"{url}/NEW1").json()
    assert body["geometry"]["coordinates"] == [24.93, 60.17]
    assert body["properties"]["time_windows"] == ["06:00-09:00"]
    assert body["properties"]["litres_per_day"] == 1500  # 300 kg of residual at 200 kg/m³


def test_points_page_and_filter_by_stream_and_box(api: Api, district: int) -> None:
    url = f"/districts/{district}/points"
    everything = api.call("GET", url, params={"limit": 1000}).json()
    page = api.call("GET", url, params={"limit": 5, "offset": 5}).json()
    assert page["numberMatched"] == everything["numberMatched"] > 10
    assert page["numberReturned"] == 5
    assert [f["id"] for f in page["features"]] == [f["id"] for f in everything["features"][5:10]]
    kitchen = api.call("GET", url, params={"stream": "kitchen", "limit": 1000}).json()
    assert kitchen["numberMatched"] > 0
    assert {f["properties"]["stream"] for f in kitchen["features"]} == {"kitchen"}
    west = api.call("GET", url, params={"bbox": "24.90,60.15,24.94,60.19", "limit": 1000}).json()
    lons = [f["geometry"]["coordinates"][0] for f in west["features"]]
    assert 0 < len(lons) < everything["numberMatched"]
    assert all(lon <= 24.94 for lon in lons)


def test_point_replaced_and_deleted(api: Api, district: int) -> None:
    url = f"/districts/{district}/points"
    api.call("POST", url, json=point("NEW1"))
    replaced = api.call("PUT", f"{url}/NEW1", json=point("NEW1", kg_per_day=900))
    assert replaced.json()["properties"]["kg_per_day"] == 900
    assert api.call("DELETE", f"{url}/NEW1").status_code == 204
    assert api.call("GET", f"{url}/NEW1").status_code == 404


def test_depots_facilities_and_zones_are_geojson(api: Api, district: int) -> None:
    for resource in ("depots", "facilities", "zones"):
        response = api.call("GET", f"/districts/{district}/{resource}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(GEOJSON)
        assert response.json()["type"] == "FeatureCollection"
        assert response.json()["numberMatched"] >= 1
    stations = api.call(
        "GET", f"/districts/{district}/facilities", params={"kind": "transfer_station"}
    ).json()
    assert {f["properties"]["kind"] for f in stations["features"]} == {"transfer_station"}
    zone = api.call("GET", f"/districts/{district}/zones").json()["features"][0]
    ring = zone["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1]


def test_a_zone_round_trips(api: Api, district: int) -> None:
    ring = [[24.95, 60.16], [24.96, 60.16], [24.96, 60.17], [24.95, 60.17], [24.95, 60.16]]
    zone = {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "properties": {
            "id": "market",
            "allowed_size_classes": ["cart", "small"],
            "open_windows": ["05:00-09:00"],
        },
    }
    created = api.call("POST", f"/districts/{district}/zones", json=zone)
    assert created.status_code == 201, created.text
    assert created.json()["geometry"]["coordinates"] == [ring]


def test_fleet_crews_and_shifts_are_paged_json(api: Api, district: int) -> None:
    for resource in ("vehicle-types", "vehicles", "crews", "shifts"):
        page = api.call("GET", f"/districts/{district}/{resource}", params={"limit": 2}).json()
        assert len(page["items"]) <= 2 and page["total"] >= len(page["items"])
    shifts = api.call("GET", f"/districts/{district}/shifts").json()["items"]
    assert shifts[0] == {"id": "S1", "start_s": "04:30", "end_s": "10:30"}


def test_a_vehicle_must_name_an_existing_type_and_depot(api: Api, district: int) -> None:
    before = api.count(m.VehicleRow)
    response = api.call(
        "POST",
        f"/districts/{district}/vehicles",
        json={"id": "V-new", "type_id": "no-such-type", "depot_id": "depot"},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["vehicle V-new", "type_id"]
    assert api.count(m.VehicleRow) == before


def test_a_depot_in_use_cannot_be_deleted(api: Api, district: int) -> None:
    response = api.call("DELETE", f"/districts/{district}/depots/depot")
    assert response.status_code == 409
    assert {d["loc"][1] for d in response.json()["detail"]} == {"depot_id"}
    assert api.call("GET", f"/districts/{district}/depots/depot").status_code == 200


def test_a_vehicle_type_renamed_under_its_vehicles_is_refused(api: Api, district: int) -> None:
    types = api.call("GET", f"/districts/{district}/vehicle-types").json()["items"]
    renamed = {**types[0], "id": "renamed"}
    response = api.call(
        "PUT", f"/districts/{district}/vehicle-types/{types[0]['id']}", json=renamed
    )
    assert response.status_code == 409


def test_the_district_exports_as_a_problem_file(api: Api, district: int) -> None:
    document = api.call("GET", f"/districts/{district}/problem").json()
    assert document["format"] == "huanwei-problem/1"
    assert document["travel"]["cart"] == {
        "method": "straight-line",
        "speed_kmh": 15.0,
        "detour_factor": 1.3,
    }
    assert len(document["points"]) == api.count(m.CollectionPointRow)
