"""Chinese map coordinates: WGS84, GCJ-02 (Amap, Tencent) and BD-09 (Baidu), converted both ways.

Maps published in China shift WGS84 positions by an obfuscating offset of a few hundred metres:
GCJ-02 (国测局坐标, "Mars coordinates", used by Amap/高德 and Tencent/腾讯) and BD-09 (百度坐标,
Baidu's further offset of GCJ-02). OpenStreetMap and everything in :mod:`routing` use WGS84, so
positions read from such a map are converted on import (:func:`to_wgs84`) and back on export
(:func:`from_wgs84`) for a user's own maps.

The forward transforms are the standard ones (the GCJ-02 polynomial with Krasovsky's ellipsoid,
``a = 6378245.0``, ``ee = 0.00669342162296594323``; BD-09 from GCJ-02 with ``x_pi = π·3000/180``).
They have no closed inverse: the inverses here start from the usual one-step approximation and
iterate to 1e-10 degrees (about 0.01 mm), so a round trip returns within far less than a metre.

Outside China (the usual bounding box, :func:`outside_china`) GCJ-02 is the identity, as the
published algorithm defines it; BD-09's own offset is applied everywhere, as Baidu's is.
"""

from __future__ import annotations

import enum
import math
import unicodedata
from collections.abc import Callable
from typing import Any

from routing.errors import FieldError

KRASOVSKY_A = 6378245.0  # semi-major axis (m) of the ellipsoid the GCJ-02 offset is scaled on
KRASOVSKY_EE = 0.00669342162296594323  # its first eccentricity squared
X_PI = math.pi * 3000.0 / 180.0  # BD-09's angular constant
BD_DLON, BD_DLAT = 0.0065, 0.006  # BD-09's constant shift (degrees)
INVERSE_TOLERANCE_DEG = 1e-10
INVERSE_MAX_STEPS = 30

#: The box outside which GCJ-02 leaves positions unchanged: west, south, east, north (degrees).
CHINA_BOX = (72.004, 0.8293, 137.8347, 55.8271)


class CoordinateSystem(enum.StrEnum):
    """The datum of positions in a user's file."""

    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09"


#: How files and command lines may name a coordinate system (normalised: lower case, no blanks,
#: ``-`` and ``_`` removed). Extend it to accept more names.
CRS_ALIASES: dict[str, CoordinateSystem] = {
    "wgs84": CoordinateSystem.WGS84,
    "epsg4326": CoordinateSystem.WGS84,
    "gps": CoordinateSystem.WGS84,
    "osm": CoordinateSystem.WGS84,
    "gcj02": CoordinateSystem.GCJ02,
    "gcj": CoordinateSystem.GCJ02,
    "mars": CoordinateSystem.GCJ02,
    "火星": CoordinateSystem.GCJ02,
    "火星坐标": CoordinateSystem.GCJ02,
    "国测局": CoordinateSystem.GCJ02,
    "高德": CoordinateSystem.GCJ02,
    "amap": CoordinateSystem.GCJ02,
    "腾讯": CoordinateSystem.GCJ02,
    "tencent": CoordinateSystem.GCJ02,
    "bd09": CoordinateSystem.BD09,
    "bd09ll": CoordinateSystem.BD09,
    "baidu": CoordinateSystem.BD09,
    "百度": CoordinateSystem.BD09,
    "百度坐标": CoordinateSystem.BD09,
}


def _key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    return "".join(ch for ch in folded if ch not in " -_")


def parse_crs(value: Any, name: str = "crs") -> CoordinateSystem:
    """The coordinate system a text names (``"GCJ-02"``, ``"高德"``, ``"bd09"``, …).

    Raises
    ------
    FieldError
        Naming ``name``, in Chinese and English, if the text names none.
    """
    if isinstance(value, CoordinateSystem):
        return value
    found = CRS_ALIASES.get(_key(value)) if isinstance(value, str) else None
    if found is None:
        raise FieldError(
            name,
            f"坐标系 {value!r} 无法识别，可用 WGS84、GCJ-02（高德/腾讯）、BD-09（百度） / "
            f"unknown coordinate system {value!r}: use wgs84, gcj02 or bd09",
        )
    return found


def outside_china(lon: float, lat: float) -> bool:
    """Whether the position lies outside the box in which GCJ-02 applies its offset."""
    west, south, east, north = CHINA_BOX
    return not (west <= lon <= east and south <= lat <= north)


def _offset_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _offset_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 position of a WGS84 one (degrees; unchanged outside China)."""
    if outside_china(lon, lat):
        return lon, lat
    dlat = _offset_lat(lon - 105.0, lat - 35.0)
    dlon = _offset_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1.0 - KRASOVSKY_EE * math.sin(radlat) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (magic * sqrt_magic) * math.pi)
    dlon = (dlon * 180.0) / (KRASOVSKY_A / sqrt_magic * math.cos(radlat) * math.pi)
    return lon + dlon, lat + dlat


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """BD-09 position of a GCJ-02 one (degrees)."""
    z = math.hypot(lon, lat) + 0.00002 * math.sin(lat * X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * X_PI)
    return z * math.cos(theta) + BD_DLON, z * math.sin(theta) + BD_DLAT


def _bd09_to_gcj02_approx(lon: float, lat: float) -> tuple[float, float]:
    x, y = lon - BD_DLON, lat - BD_DLAT
    z = math.hypot(x, y) - 0.00002 * math.sin(y * X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def _invert(
    forward: Callable[[float, float], tuple[float, float]],
    lon: float,
    lat: float,
    start: tuple[float, float],
) -> tuple[float, float]:
    """The position that ``forward`` sends to ``(lon, lat)``, by fixed-point steps from ``start``.

    The offsets change slowly with position, so each step cuts the error by a factor of about a
    thousand; three or four steps reach the tolerance.
    """
    x, y = start
    for _ in range(INVERSE_MAX_STEPS):
        fx, fy = forward(x, y)
        dx, dy = lon - fx, lat - fy
        x, y = x + dx, y + dy
        if abs(dx) < INVERSE_TOLERANCE_DEG and abs(dy) < INVERSE_TOLERANCE_DEG:
            break
    return x, y


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """WGS84 position of a GCJ-02 one (degrees; unchanged outside China)."""
    if outside_china(lon, lat):
        return lon, lat
    fx, fy = wgs84_to_gcj02(lon, lat)
    return _invert(wgs84_to_gcj02, lon, lat, (2 * lon - fx, 2 * lat - fy))


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 position of a BD-09 one (degrees)."""
    return _invert(gcj02_to_bd09, lon, lat, _bd09_to_gcj02_approx(lon, lat))


def to_wgs84(lon: float, lat: float, crs: CoordinateSystem) -> tuple[float, float]:
    """WGS84 position of a position given in ``crs`` (degrees)."""
    if crs is CoordinateSystem.GCJ02:
        return gcj02_to_wgs84(lon, lat)
    if crs is CoordinateSystem.BD09:
        return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))
    return lon, lat


def from_wgs84(lon: float, lat: float, crs: CoordinateSystem) -> tuple[float, float]:
    """The position in ``crs`` of a WGS84 position (degrees)."""
    if crs is CoordinateSystem.GCJ02:
        return wgs84_to_gcj02(lon, lat)
    if crs is CoordinateSystem.BD09:
        return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))
    return lon, lat


def convert(
    lon: float, lat: float, source: CoordinateSystem, target: CoordinateSystem
) -> tuple[float, float]:
    """A position in ``source`` expressed in ``target`` (through WGS84)."""
    if source is target:
        return lon, lat
    return from_wgs84(*to_wgs84(lon, lat, source), target)


def convert_geojson(document: Any, source: CoordinateSystem, target: CoordinateSystem) -> Any:
    """A copy of a GeoJSON object (any geometry, feature or collection) with every position
    converted from ``source`` to ``target``; other members are kept as they are (``bbox``
    members are dropped).

    A plan's GeoJSON (WGS84, :func:`routing.plan_file.plan_to_geojson`) goes back to GCJ-02 this
    way to be laid over an Amap or Tencent map.
    """
    if source is target:
        return document

    def positions(value: Any) -> Any:
        if isinstance(value, list) and len(value) >= 2 and all(_is_number(v) for v in value[:2]):
            return [*convert(float(value[0]), float(value[1]), source, target), *value[2:]]
        if isinstance(value, list):
            return [positions(item) for item in value]
        return value

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                key: positions(item) if key == "coordinates" else walk(item)
                for key, item in value.items()
                if key != "bbox"  # a bounding box would no longer bound the converted positions
            }
        if isinstance(value, list):
            return [walk(item) for item in value]
        return value

    return walk(document)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
