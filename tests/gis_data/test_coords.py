"""WGS84 / GCJ-02 / BD-09: published reference pairs, round trips within a metre, China's edge."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gis_data.coords import (
    CoordinateSystem,
    bd09_to_gcj02,
    convert,
    convert_geojson,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    outside_china,
    parse_crs,
    to_wgs84,
    wgs84_to_gcj02,
)
from routing.domain import Location
from routing.errors import FieldError
from routing.travel import haversine_m

C = CoordinateSystem

# WGS84 -> GCJ-02 pairs from googollee/eviltransform (MIT), go/transform_test.go (lon, lat order).
EVILTRANSFORM = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),  # Shanghai
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),  # Shenzhen
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),  # Beijing
]
# wandergis/coordtransform (MIT), test/app.js: every transform of (116.404, 39.915).
COORDTRANSFORM_INPUT = (116.404, 39.915)
COORDTRANSFORM_WGS84_TO_GCJ02 = (116.41024449916938, 39.91640428150164)
COORDTRANSFORM_GCJ02_TO_BD09 = (116.41036949371029, 39.92133699351021)
# The two inverses there are one-step approximations; ours iterate, so they agree within a metre.
COORDTRANSFORM_BD09_TO_GCJ02 = (116.39762729119315, 39.90865673957631)
COORDTRANSFORM_GCJ02_TO_WGS84 = (116.39775550083061, 39.91359571849836)


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    return haversine_m(Location(*a), Location(*b))


@pytest.mark.parametrize(("wgs", "gcj"), EVILTRANSFORM)
def test_published_wgs84_to_gcj02_pairs(wgs: tuple[float, float], gcj: tuple[float, float]) -> None:
    assert wgs84_to_gcj02(*wgs) == pytest.approx(gcj, abs=1e-9)
    assert metres(gcj02_to_wgs84(*gcj), wgs) < 0.01
    assert 300 < metres(wgs, gcj) < 800  # the offset is hundreds of metres


def test_coordtransform_reference_values() -> None:
    here = COORDTRANSFORM_INPUT
    assert wgs84_to_gcj02(*here) == pytest.approx(COORDTRANSFORM_WGS84_TO_GCJ02, abs=1e-9)
    assert gcj02_to_bd09(*here) == pytest.approx(COORDTRANSFORM_GCJ02_TO_BD09, abs=1e-9)
    assert metres(bd09_to_gcj02(*here), COORDTRANSFORM_BD09_TO_GCJ02) < 1.0
    assert metres(gcj02_to_wgs84(*here), COORDTRANSFORM_GCJ02_TO_WGS84) < 1.0
    # Ours are exact inverses of the forward transforms.
    assert metres(gcj02_to_bd09(*bd09_to_gcj02(*here)), here) < 0.001
    assert metres(wgs84_to_gcj02(*gcj02_to_wgs84(*here)), here) < 0.001


china_lon = st.floats(min_value=73.5, max_value=135.0, allow_nan=False)
china_lat = st.floats(min_value=18.0, max_value=53.5, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(china_lon, china_lat, st.sampled_from([C.GCJ02, C.BD09]))
def test_round_trips_within_a_metre_over_china(lon: float, lat: float, crs: C) -> None:
    there = from_wgs84(lon, lat, crs)
    assert there != (lon, lat) and metres((lon, lat), there) < 2000  # moved, by a map offset
    back = to_wgs84(*there, crs)
    assert metres(back, (lon, lat)) < 1.0
    # and the other way: a position read off the map, to WGS84 and back to the map.
    assert metres(from_wgs84(*to_wgs84(lon, lat, crs), crs), (lon, lat)) < 1.0


@settings(max_examples=100, deadline=None)
@given(china_lon, china_lat)
def test_gcj02_and_bd09_convert_into_each_other(lon: float, lat: float) -> None:
    bd = convert(lon, lat, C.GCJ02, C.BD09)
    assert metres(bd, gcj02_to_bd09(lon, lat)) < 0.01
    assert metres(convert(*bd, C.BD09, C.GCJ02), (lon, lat)) < 1.0


@pytest.mark.parametrize("where", [(2.35, 48.85), (-74.0, 40.7), (24.94, 60.17), (151.2, -33.9)])
def test_outside_china_gcj02_is_the_identity(where: tuple[float, float]) -> None:
    assert outside_china(*where)
    assert wgs84_to_gcj02(*where) == where
    assert to_wgs84(*where, C.GCJ02) == where
    assert from_wgs84(*where, C.WGS84) == where


def test_crs_names_in_chinese_and_english() -> None:
    assert parse_crs("GCJ-02") is C.GCJ02 and parse_crs("高德") is C.GCJ02
    assert parse_crs("bd_09") is C.BD09 and parse_crs("百度") is C.BD09
    assert parse_crs("WGS 84") is C.WGS84
    with pytest.raises(FieldError, match=r"无法识别.*unknown coordinate system 'utm'"):
        parse_crs("utm", "crs")


def test_geojson_positions_are_converted_and_other_members_kept() -> None:
    document: dict[str, Any] = {
        "type": "FeatureCollection",
        "bbox": [120.0, 35.9, 120.2, 36.0],
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[120.0, 35.9], [120.2, 36.0]]},
                "properties": {"route": "r1", "coordinates": "left alone"},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [120.1, 35.95, 12.0]},
                "properties": {},
            },
        ],
    }
    out = convert_geojson(document, C.WGS84, C.GCJ02)
    assert "bbox" not in out
    line = out["features"][0]["geometry"]["coordinates"]
    assert line[0] == pytest.approx(list(wgs84_to_gcj02(120.0, 35.9)))
    assert out["features"][0]["properties"] == {"route": "r1", "coordinates": "left alone"}
    point = out["features"][1]["geometry"]["coordinates"]
    assert point[2] == 12.0 and point[:2] == pytest.approx(list(wgs84_to_gcj02(120.1, 35.95)))
    assert document["features"][0]["geometry"]["coordinates"][0] == [120.0, 35.9]  # a copy
    assert convert_geojson(document, C.GCJ02, C.GCJ02) is document
