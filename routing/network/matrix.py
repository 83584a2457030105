"""Many-to-many road distances (m) and times (s) per vehicle class, with scipy's csgraph Dijkstra.

Routes are time-optimal; the distance reported is that of the fastest route. Both come out of one
Dijkstra pass: each edge weighs ``time_units * 2**K + metres`` as an exact integer in float64, so
the shortest weight is the fastest route, ties broken by the shorter one, and its time and length
are the high and low bits of the sum. ``K`` is the bit length of the graph's total length (no simple
path is longer) and the time unit is the finest of 1 ms, 10 ms, 100 ms, 1 s for which the graph's
total time still fits in the other ``53 - K`` bits. Dijkstra runs from the locations only, in
chunks, so memory stays bounded; results are kept as int32 until the :class:`TravelMatrix` is made.

A pair with no open route (a zone closes every way in) holds :data:`UNREACHABLE`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from routing._checks import identifier, non_negative, require
from routing.domain import Location, SizeClass, TimeWindow
from routing.errors import Defect, ProblemError
from routing.fleet import Zone
from routing.network.augment import Edges, split_edges, zone_closed
from routing.network.cache import (
    CachedMatrix,
    cache_key,
    matrix_cache_dir,
    read_cached,
    write_cached,
)
from routing.network.graph import RoadNetwork
from routing.network.snapping import MAX_SNAP_M, Snapped, snap_locations
from routing.travel import UNREACHABLE as UNREACHABLE
from routing.travel import TravelMatrix

_TIME_UNITS_MS = (1, 10, 100, 1000)
_FLOAT_BITS = 53
_CHUNK_CELLS = 16_000_000  # float64 cells per Dijkstra chunk: 128 MB


@dataclass(frozen=True, slots=True)
class ExternalLink:
    """A road to a facility off the map (a landfill 20 km out of town).

    Travel to the facility is travel to ``via`` (snapped onto the map) plus the link, both ways.

    Parameters
    ----------
    location_id
        The off-map location; it is not snapped.
    via
        Where the link leaves the mapped network (WGS84).
    length_m
        Length of the link in metres.
    speed_kmh
        Average speed on the link in km/h.
    """

    location_id: str
    via: Location
    length_m: int
    speed_kmh: float

    def __post_init__(self) -> None:
        identifier(self.location_id, "location_id")
        require(isinstance(self.via, Location), "via", "must be a location")
        non_negative(self.length_m, "length_m")
        require(0 < self.speed_kmh < 200, "speed_kmh", "must be between 0 and 200 km/h")

    @property
    def time_ms(self) -> int:
        """Milliseconds to drive the link."""
        return int(self.length_m * 3600.0 / self.speed_kmh + 0.5)


def road_matrix(
    network: RoadNetwork,
    locations: Mapping[str, Location],
    *,
    size_class: SizeClass,
    zones: Sequence[Zone] = (),
    band: TimeWindow | None = None,
    external_links: Sequence[ExternalLink] = (),
    max_snap_m: float = MAX_SNAP_M,
    profile: str | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
) -> TravelMatrix:
    """Road distances and times between every pair of ``locations`` for one vehicle class.

    Parameters
    ----------
    network
        The road network (:func:`routing.network.load_network`).
    locations
        Location id to WGS84 position; rows and columns follow this order.
    size_class
        Vehicle class: only roads it may use, at its speed.
    zones, band
        Restricted zones (CT6) and the clock band the matrix is for; a zone that does not allow
        the class for the whole band closes every edge it touches. ``band=None``: the whole day.
    external_links
        Links to off-map locations; each link's ``location_id`` must be in ``locations``.
    max_snap_m
        Largest distance (m) from a location to its road.
    profile
        Name of the matrix's profile; the class name in lower case by default.
    cache_dir, use_cache
        Where matrices are cached (:func:`matrix_cache_dir` by default), and whether to.

    Raises
    ------
    ProblemError
        Listing every location (or link) too far from the class's roads, and every link naming
        an unknown or repeated location.
    """
    links = {link.location_id: link for link in external_links}
    _check_links(locations, external_links)
    name = profile or size_class.name.lower()
    options = _Options(size_class, tuple(zones), band, links, max_snap_m)
    key = _matrix_key(network, locations, options)
    directory = cache_dir or matrix_cache_dir()
    cached = read_cached(directory, key) if use_cache else None
    if cached is None:
        cached = _compute(network, locations, options)
        if use_cache:
            write_cached(directory, key, cached)
    if cached.islands:
        warnings.warn(RoadIslandWarning(network.source, size_class, cached.islands), stacklevel=2)
    return TravelMatrix(name, cached.location_ids, cached.distance_m, cached.time_s, method="road")


@dataclass(frozen=True, slots=True)
class _Options:
    """What :func:`road_matrix` computes a matrix with besides the network and the locations."""

    size_class: SizeClass
    zones: tuple[Zone, ...]
    band: TimeWindow | None
    links: Mapping[str, ExternalLink]  # by location id, each link once (_check_links)
    max_snap_m: float


def _matrix_key(network: RoadNetwork, locations: Mapping[str, Location], options: _Options) -> str:
    """The cache key of a matrix: everything it is computed from."""
    band = options.band
    return cache_key(
        {
            "network": network.source_sha256,
            "size_class": int(options.size_class),
            "band": None if band is None else [band.start_s, band.end_s],
            "max_snap_m": options.max_snap_m,
            "locations": [[i, loc.lon, loc.lat] for i, loc in locations.items()],
            "zones": [_zone_key(z) for z in options.zones],
            "links": [
                [k.location_id, k.via.lon, k.via.lat, k.length_m, k.speed_kmh]
                for k in options.links.values()
            ],
        }
    )


def _compute(
    network: RoadNetwork, locations: Mapping[str, Location], options: _Options
) -> CachedMatrix:
    """Snap and route: the matrix :func:`road_matrix` computes when it is not in the cache."""
    links = options.links
    on_map = {i: loc for i, loc in locations.items() if i not in links}
    snapped = _snap_with_links(network, on_map, links, options.size_class, options.max_snap_m)
    ids = tuple(locations)
    distance, time = matrix_from_snapped(
        network,
        snapped,
        location_ids=ids,
        zones=options.zones,
        band=options.band,
        external_links=tuple(links.values()),
    )
    return CachedMatrix(ids, distance, time, snapped.islands)


class RoadIslandWarning(UserWarning):
    """Some locations' nearest road is cut off from the main network; they were snapped farther.

    ``location_ids`` lists them, so that a dispatcher can check those points on the map.
    """

    def __init__(self, source: str, size: SizeClass, location_ids: tuple[str, ...]) -> None:
        self.location_ids = location_ids
        shown = ", ".join(location_ids[:20]) + (", ..." if len(location_ids) > 20 else "")
        super().__init__(
            f"{source}: {len(location_ids)} location(s) have their nearest {size.name} road on "
            f"an island cut off from the main network and were snapped to the main network: "
            f"{shown}"
        )


def matrix_from_snapped(
    network: RoadNetwork,
    snapped: Snapped,
    *,
    location_ids: Sequence[str] | None = None,
    zones: Sequence[Zone] = (),
    band: TimeWindow | None = None,
    external_links: Sequence[ExternalLink] = (),
) -> tuple[NDArray[np.int32], NDArray[np.int32]]:
    """Distances (m) and times (s) between snapped locations, as int32 arrays.

    Parameters
    ----------
    snapped
        Snapped locations; an external link's anchor is snapped under the link's location id.
    location_ids
        Row order; by default ``snapped.location_ids``.
    zones, band, external_links
        As for :func:`road_matrix`.
    """
    size = snapped.size_class
    first = network.node_count
    node = {loc: first + k for k, loc in enumerate(snapped.location_ids)}
    open_edges = network.view(size).routable & ~zone_closed(network, zones, size, band)
    parts = [split_edges(network, snapped, first_node=first, open_edges=open_edges)]
    off_map = first + len(node)
    for link in external_links:
        anchor, node[link.location_id] = node[link.location_id], off_map
        pair = np.array([anchor, off_map], dtype=np.int64)
        both = np.ones(2, dtype=np.int64)
        parts.append(Edges(pair, pair[::-1].copy(), both * link.length_m, both * link.time_ms))
        off_map += 1
    rows = np.array([node[i] for i in (location_ids or snapped.location_ids)], dtype=np.int64)
    return _shortest(Edges.concat(parts), off_map, rows)


def _shortest(
    edges: Edges, nodes: int, rows: NDArray[np.int64]
) -> tuple[NDArray[np.int32], NDArray[np.int32]]:
    length_bits = max(1, int(edges.length_m.sum()).bit_length())
    unit_ms = next(
        (
            unit
            for unit in _TIME_UNITS_MS
            if int(((edges.time_ms + unit // 2) // unit).sum()) < 2 ** (_FLOAT_BITS - length_bits)
        ),
        None,
    )
    if unit_ms is None:
        message = "is too large for one travel matrix (total road length and time overflow)"
        raise ProblemError([Defect("road network", "edges", message)])
    units = (edges.time_ms + unit_ms // 2) // unit_ms
    weight = (units * (1 << length_bits) + edges.length_m).astype(np.float64)
    keep = edges.src != edges.dst
    src, dst, weight = edges.src[keep], edges.dst[keep], weight[keep]
    # Parallel edges would be summed by the sparse constructor: keep the lightest of each pair.
    order = np.lexsort((weight, dst, src))
    src, dst, weight = src[order], dst[order], weight[order]
    lead = np.ones(len(src), dtype=bool)
    lead[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
    graph = csr_matrix((weight[lead], (src[lead], dst[lead])), shape=(nodes, nodes))

    count = len(rows)
    distance = np.empty((count, count), dtype=np.int32)
    time = np.empty((count, count), dtype=np.int32)
    chunk = max(1, _CHUNK_CELLS // max(1, nodes))
    mask = (1 << length_bits) - 1
    for start in range(0, count, chunk):
        block = dijkstra(graph, directed=True, indices=rows[start : start + chunk])[:, rows]
        reached = np.isfinite(block)
        total = np.where(reached, block, 0).astype(np.int64)
        metres = np.where(reached, total & mask, UNREACHABLE)
        seconds = np.where(reached, ((total >> length_bits) * unit_ms + 500) // 1000, UNREACHABLE)
        distance[start : start + chunk] = metres
        time[start : start + chunk] = seconds
    return distance, time


def _check_links(locations: Mapping[str, Location], links: Sequence[ExternalLink]) -> None:
    defects = []
    seen: set[str] = set()
    for link in links:
        record = f"external link {link.location_id}"
        if link.location_id not in locations:
            defects.append(Defect(record, "location_id", "is not one of the locations"))
        if link.location_id in seen:
            defects.append(Defect(record, "location_id", "has more than one external link"))
        seen.add(link.location_id)
    if defects:
        raise ProblemError(defects, source="external links")


def _snap_with_links(
    network: RoadNetwork,
    on_map: Mapping[str, Location],
    links: Mapping[str, ExternalLink],
    size: SizeClass,
    max_snap_m: float,
) -> Snapped:
    """Snap the on-map locations and the links' anchors (under the links' ids) in one pass."""
    everything = {**on_map, **{i: link.via for i, link in links.items()}}
    try:
        return snap_locations(network, everything, size_class=size, max_snap_m=max_snap_m)
    except ProblemError as error:
        defects = [
            Defect(f"external link {d.record.removeprefix('location ')}", "via", d.message)
            if d.record.removeprefix("location ") in links
            else d
            for d in error.defects
        ]
        raise ProblemError(defects, source=error.source) from None


def _zone_key(zone: Zone) -> list[object]:
    return [
        zone.id,
        [list(corner) for corner in zone.ring],
        sorted(int(s) for s in zone.allowed_size_classes),
        [[w.start_s, w.end_s] for w in zone.open_windows],
    ]
