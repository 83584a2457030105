"""Snap collection points, depots and facilities onto the nearest road a vehicle class may use.

Locations are snapped to the edge, not to its nearest junction: the position along the way piece
splits the edge, so a matrix counts only the part of the street actually driven. Distances are
measured in a local metric CRS (azimuthal equidistant, see :meth:`RoadNetwork.to_metric`) with a
shapely STRtree over the pieces in the class's main network (its largest strongly connected
component). A location whose nearest allowed road lies on an island (cut off from the main
network) is snapped to the main network and listed in :attr:`Snapped.islands`, never dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NoReturn

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely import STRtree

from routing.domain import Location, SizeClass
from routing.errors import Defect, ProblemError
from routing.network.graph import RoadNetwork

#: Default largest distance (m) from a location to the road it is snapped to.
MAX_SNAP_M = 500.0


@dataclass(frozen=True, slots=True, eq=False)
class Snapped:
    """Where each location meets the road network, for one vehicle class.

    Parameters
    ----------
    size_class
        The vehicle class whose roads were used.
    location_ids
        The locations, in input order.
    geom
        Per location: the way piece it was snapped to.
    fraction
        Per location: position along the piece, 0 at its first node and 1 at its last (by length).
    distance_m
        Per location: straight-line distance to the road, in metres.
    islands
        Locations whose nearest allowed road is on an island; they were snapped to the main
        network, farther away.
    """

    size_class: SizeClass
    location_ids: tuple[str, ...]
    geom: NDArray[np.int64]
    fraction: NDArray[np.float64]
    distance_m: NDArray[np.float64]
    islands: tuple[str, ...]


def _trees(network: RoadNetwork, size: SizeClass) -> tuple[NDArray[np.int64], STRtree, STRtree]:
    """Pieces of the main network, and STRtrees over them and over the island pieces."""

    def build() -> tuple[NDArray[np.int64], STRtree, STRtree]:
        view = network.view(size)
        main = np.zeros(network.geom_count, dtype=bool)
        main[network.edge_geom[view.routable]] = True
        island = np.zeros(network.geom_count, dtype=bool)
        island[network.edge_geom[view.allowed]] = True
        island &= ~main
        lines = network.metric_lines()
        main_ids = np.flatnonzero(main)
        return main_ids, STRtree(lines[main_ids]), STRtree(lines[np.flatnonzero(island)])

    return network.memo(("trees", size), build)


def snap_locations(
    network: RoadNetwork,
    locations: Mapping[str, Location],
    *,
    size_class: SizeClass,
    max_snap_m: float = MAX_SNAP_M,
) -> Snapped:
    """Snap every location onto the nearest road of the class's main network.

    Parameters
    ----------
    network
        The road network.
    locations
        Location id to WGS84 position.
    size_class
        Vehicle class: only roads it may use count.
    max_snap_m
        Largest allowed distance (m) from a location to its road.

    Raises
    ------
    ProblemError
        Listing every location farther than ``max_snap_m`` from any road the class may use.
    """
    ids = tuple(locations)
    main_ids, main_tree, island_tree = _trees(network, size_class)
    if not ids:
        empty = np.zeros(0)
        return Snapped(size_class, ids, empty.astype(np.int64), empty, empty, ())
    lon = np.array([locations[i].lon for i in ids], dtype=np.float64)
    lat = np.array([locations[i].lat for i in ids], dtype=np.float64)
    x, y = network.to_metric().transform(lon, lat)
    points = shapely.points(x, y)
    if len(main_ids) == 0:
        gaps = np.full(len(ids), np.inf)
        _raise_far(ids, gaps, np.ones(len(ids), dtype=bool), size_class, max_snap_m, network)
    pairs, gaps = main_tree.query_nearest(points, return_distance=True, all_matches=False)
    order = np.argsort(pairs[0], kind="stable")
    geom = main_ids[pairs[1][order]]
    gaps = np.asarray(gaps, dtype=np.float64)[order]
    too_far = gaps > max_snap_m
    if too_far.any():
        _raise_far(ids, gaps, too_far, size_class, max_snap_m, network)
    islands: tuple[str, ...] = ()
    if len(island_tree):
        near_pairs, near = island_tree.query_nearest(
            points, return_distance=True, all_matches=False
        )
        island_gap = np.full(len(ids), np.inf)
        island_gap[near_pairs[0]] = near
        islands = tuple(ids[i] for i in np.flatnonzero(island_gap < gaps))
    lines = network.metric_lines()
    fraction = shapely.line_locate_point(lines[geom], points, normalized=True)
    fraction = np.nan_to_num(np.asarray(fraction, dtype=np.float64), nan=0.0)
    return Snapped(size_class, ids, geom, np.clip(fraction, 0.0, 1.0), gaps, islands)


def _raise_far(
    ids: tuple[str, ...],
    gaps: NDArray[np.float64],
    too_far: NDArray[np.bool_],
    size: SizeClass,
    max_snap_m: float,
    network: RoadNetwork,
) -> NoReturn:
    defects = []
    for i in np.flatnonzero(too_far):
        gap = "no" if not np.isfinite(gaps[i]) else f"{gaps[i]:.0f} m to the nearest"
        message = (
            f"has {gap} road open to {size.name} vehicles in the main network; "
            f"at most {max_snap_m:g} m is allowed"
        )
        defects.append(Defect(f"location {ids[i]}", "location", message))
    raise ProblemError(defects, source=f"snapping to {network.source}")
