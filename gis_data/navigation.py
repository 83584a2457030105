"""Links that hand a stop to a phone's navigation app, each in the datum the app expects.

Positions are WGS84 in the product. Amap (高德) and Tencent (腾讯) maps take GCJ-02, Baidu (百度)
BD-09: given WGS84 they put the pin 300–600 m off in China. Each link below carries the position
converted for its app, and opens the app where it is installed or its web page otherwise. A
``geo:`` URI (WGS84, RFC 5870) serves every other phone, and OpenStreetMap the rest of the world
(it is often unreachable from China).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from gis_data.coords import gcj02_to_bd09, outside_china, wgs84_to_gcj02

#: Who the apps are told the request comes from (their URI APIs ask for it).
SOURCE = "huanwei"


@dataclass(frozen=True, slots=True)
class NavLinks:
    """Navigation links for one place; ``in_china``: whether the Chinese apps are the ones to
    offer first (the position lies where GCJ-02 applies)."""

    in_china: bool
    amap: str
    baidu: str
    tencent: str
    geo: str
    osm: str


def nav_links(lon: float, lat: float, name: str = "") -> NavLinks:
    """Links to drive to the WGS84 position ``lon``, ``lat`` named ``name``."""
    label = quote(name or f"{lat:.6f},{lon:.6f}")
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    b_lon, b_lat = gcj02_to_bd09(g_lon, g_lat)
    return NavLinks(
        in_china=not outside_china(lon, lat),
        amap=(
            f"https://uri.amap.com/navigation?to={g_lon:.6f},{g_lat:.6f},{label}"
            f"&mode=car&coordinate=gaode&callnative=1&src={SOURCE}"
        ),
        baidu=(
            f"https://api.map.baidu.com/direction?destination=latlng:{b_lat:.6f},{b_lon:.6f}"
            f"|name:{label}&coord_type=bd09ll&mode=driving&output=html&src={SOURCE}"
        ),
        tencent=(
            f"https://apis.map.qq.com/uri/v1/routeplan?type=drive&to={label}"
            f"&tocoord={g_lat:.6f},{g_lon:.6f}&referer={SOURCE}"
        ),
        geo=f"geo:{lat:.6f},{lon:.6f}?q={lat:.6f},{lon:.6f}({label})",
        osm=(
            f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}"
            f"#map=18/{lat:.6f}/{lon:.6f}"
        ),
    )
