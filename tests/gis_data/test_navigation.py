"""Navigation links: each app gets the position in its own datum."""

from __future__ import annotations

import re
from urllib.parse import unquote

from gis_data.coords import gcj02_to_bd09, wgs84_to_gcj02
from gis_data.navigation import nav_links

QINGDAO = (120.3826, 36.0671)  # WGS84, a street corner in Shinan district


def _pair(url: str, pattern: str) -> tuple[float, float]:
    found = re.search(pattern, url)
    assert found, url
    return float(found.group(1)), float(found.group(2))


def test_amap_and_tencent_get_gcj02_and_baidu_gets_bd09() -> None:
    lon, lat = QINGDAO
    links = nav_links(lon, lat, "菜市场")
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    b_lon, b_lat = gcj02_to_bd09(g_lon, g_lat)
    assert links.in_china
    assert _pair(links.amap, r"to=([\d.]+),([\d.]+),") == (round(g_lon, 6), round(g_lat, 6))
    tencent_lat, tencent_lon = _pair(links.tencent, r"tocoord=([\d.]+),([\d.]+)")
    assert (tencent_lon, tencent_lat) == (round(g_lon, 6), round(g_lat, 6))
    baidu_lat, baidu_lon = _pair(links.baidu, r"latlng:([\d.]+),([\d.]+)")
    assert (baidu_lon, baidu_lat) == (round(b_lon, 6), round(b_lat, 6))
    # The offsets are real: hundreds of metres, which is why WGS84 pins land off the street.
    assert abs(g_lon - lon) > 0.003 and abs(b_lat - lat) > 0.003
    assert "coord_type=bd09ll" in links.baidu and "coordinate=gaode" in links.amap
    assert "菜市场" in unquote(links.amap) and "菜市场" in unquote(links.tencent)
    geo_lat, geo_lon = _pair(links.geo, r"^geo:([\d.]+),([\d.]+)")
    assert (geo_lon, geo_lat) == (round(lon, 6), round(lat, 6))


def test_outside_china_the_position_is_unchanged_and_geo_comes_first() -> None:
    links = nav_links(24.9384, 60.1699, "Kamppi")  # Helsinki
    assert not links.in_china
    assert _pair(links.amap, r"to=([\d.]+),([\d.]+),") == (24.9384, 60.1699)
    assert links.geo.startswith("geo:60.169900,24.938400")
