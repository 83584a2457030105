"""Read an OpenStreetMap file (``.osm.pbf``, ``.osm``, ``.osm.gz``) into a :class:`RoadNetwork`.

The file is parsed by pyosmium (libosmium); this module only decides which ways are drivable
(:func:`routing.network.profiles.way_rule`) and cuts them into edges at junctions: a way is split
at every node that another drivable way shares, and at its ends. Lengths are geodesic on the
WGS84 ellipsoid.
"""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import osmium
from pyproj import Geod

from routing.errors import Defect, ProblemError
from routing.network.graph import RoadNetwork
from routing.network.profiles import Direction, WayRule, class_mask, way_rule

_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True, slots=True)
class _Way:
    """A run of a drivable way whose nodes all have known positions."""

    way_id: int
    rule: WayRule
    refs: list[int]
    lons: list[float]
    lats: list[float]


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's content."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_network(path: str | os.PathLike[str]) -> RoadNetwork:
    """Read the drivable road network of an OSM file.

    Parameters
    ----------
    path
        An ``.osm.pbf``, ``.osm`` or ``.osm.gz`` file.

    Returns
    -------
    RoadNetwork
        Junctions and directed edges with length (m), speed (km/h) and allowed size classes.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ProblemError
        If the file is not readable OSM data (empty, truncated, another format), or holds no
        drivable road; the error names the file.
    """
    source = Path(path)
    with reading_osm(source):
        ways = _read_ways(source)
    if not ways:
        message = "holds no drivable road (no way with a drivable highway tag and node positions)"
        raise ProblemError([Defect(str(source), "highway", message)], source=str(source))
    return _build(source, file_sha256(source), ways)


@contextmanager
def reading_osm(source: Path) -> Iterator[None]:
    """Read an OSM file inside this block: libosmium's errors become one naming the file.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ProblemError
        If the file is not readable OSM data (empty, truncated, another format).
    """
    if not source.is_file():
        raise FileNotFoundError(errno.ENOENT, "no such OSM file", str(source))
    try:
        yield
    except RuntimeError as error:
        message = f"is not a readable OSM file (.osm.pbf, .osm, .osm.gz): {error}"
        raise ProblemError([Defect(str(source), "file", message)], source=str(source)) from error


def _read_ways(source: Path) -> list[_Way]:
    processor = (
        osmium.FileProcessor(str(source), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(osmium.filter.KeyFilter("highway"))
    )
    ways: list[_Way] = []
    for item in processor:
        if not isinstance(item, osmium.osm.Way):
            continue
        rule = way_rule(dict(item.tags))
        if rule is None:
            continue
        run: tuple[list[int], list[float], list[float]] = ([], [], [])
        for node in item.nodes:
            if node.location.valid():
                run[0].append(node.ref)
                run[1].append(node.location.lon)
                run[2].append(node.location.lat)
                continue
            # A node outside the extract: keep the parts of the way on either side of it.
            if len(run[0]) >= 2:
                ways.append(_Way(item.id, rule, *run))
            run = ([], [], [])
        if len(run[0]) >= 2:
            ways.append(_Way(item.id, rule, *run))
    return ways


def _build(source: Path, digest: str, ways: list[_Way]) -> RoadNetwork:
    refs = np.concatenate([np.asarray(way.refs, dtype=np.int64) for way in ways])
    unique, counts = np.unique(refs, return_counts=True)
    shared = set(unique[counts >= 2].tolist())
    junctions: dict[int, int] = {}
    junction_lon: list[float] = []
    junction_lat: list[float] = []
    pieces: list[tuple[_Way, int, int]] = []
    for way in ways:
        last = len(way.refs) - 1
        start = 0
        for position in range(1, last + 1):
            if position == last or way.refs[position] in shared:
                pieces.append((way, start, position))
                start = position
        for position in range(last + 1):
            ref = way.refs[position]
            if (position in (0, last) or ref in shared) and ref not in junctions:
                junctions[ref] = len(junctions)
                junction_lon.append(way.lons[position])
                junction_lat.append(way.lats[position])

    offsets = np.zeros(len(pieces) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([end - start + 1 for _, start, end in pieces])
    lon = np.concatenate([way.lons[start : end + 1] for way, start, end in pieces])
    lat = np.concatenate([way.lats[start : end + 1] for way, start, end in pieces])
    lengths = _piece_lengths(lon, lat, offsets)

    edges: list[tuple[int, int, int, bool, float, int, bool]] = []
    for g, (way, start, end) in enumerate(pieces):
        a, b = junctions[way.refs[start]], junctions[way.refs[end]]
        rule, mask = way.rule, class_mask(way.rule.allowed)
        if rule.direction in (Direction.FORWARD, Direction.BOTH):
            edges.append((a, b, g, False, rule.forward_kmh, mask, rule.oneway))
        if rule.direction in (Direction.BACKWARD, Direction.BOTH):
            edges.append((b, a, g, True, rule.backward_kmh, mask, rule.oneway))
    columns = list(zip(*edges, strict=True))
    geom = np.asarray(columns[2], dtype=np.int64)
    return RoadNetwork(
        source=str(source),
        source_sha256=digest,
        node_osm_id=np.fromiter(junctions, dtype=np.int64, count=len(junctions)),
        node_lon=np.asarray(junction_lon, dtype=np.float64),
        node_lat=np.asarray(junction_lat, dtype=np.float64),
        geom_offsets=offsets,
        geom_lon=lon,
        geom_lat=lat,
        geom_way_id=np.asarray([way.way_id for way, _, _ in pieces], dtype=np.int64),
        geom_highway=tuple(way.rule.highway for way, _, _ in pieces),
        edge_u=np.asarray(columns[0], dtype=np.int64),
        edge_v=np.asarray(columns[1], dtype=np.int64),
        edge_geom=geom,
        edge_reversed=np.asarray(columns[3], dtype=bool),
        edge_length_m=np.floor(lengths[geom] + 0.5).astype(np.int64),
        edge_speed_kmh=np.asarray(columns[4], dtype=np.float64),
        edge_allowed=np.asarray(columns[5], dtype=np.int64),
        edge_oneway=np.asarray(columns[6], dtype=bool),
    )


def _piece_lengths(
    lon: np.ndarray[tuple[int], np.dtype[np.float64]],
    lat: np.ndarray[tuple[int], np.dtype[np.float64]],
    offsets: np.ndarray[tuple[int], np.dtype[np.int64]],
) -> np.ndarray[tuple[int], np.dtype[np.float64]]:
    """Geodesic length in metres of each polyline ``offsets[g]:offsets[g + 1]``."""
    _, _, step = _GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    step = np.asarray(step, dtype=np.float64)
    step[offsets[1:-1] - 1] = 0.0  # the step from one piece's last point to the next's first
    along = np.concatenate([[0.0], np.cumsum(step)])
    result: np.ndarray[tuple[int], np.dtype[np.float64]] = (
        along[offsets[1:] - 1] - along[offsets[:-1]]
    )
    return result
