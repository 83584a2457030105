"""The routing graph of one matrix: the class's open edges, split where locations sit on them.

Every snapped location becomes a node of its own. An edge carrying locations is replaced by a
chain ``u → p1 → p2 → … → v`` in the order the locations lie along it, so that a truck reaches a
point from either end of its street (both directions of a two-way street get the chain) and the
distance counts only the part of the street driven. Offsets are rounded to whole metres and
milliseconds once, cumulatively, so the pieces of an edge add up to the edge exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely import STRtree

from routing.domain import WHOLE_DAY, SizeClass, TimeWindow
from routing.fleet import Zone
from routing.network.graph import RoadNetwork
from routing.network.snapping import Snapped

IntArray = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Edges:
    """Directed edges of a routing graph: from, to, metres, milliseconds."""

    src: IntArray
    dst: IntArray
    length_m: IntArray
    time_ms: IntArray

    def select(self, keep: NDArray[np.bool_]) -> Edges:
        """The edges where ``keep`` is true."""
        return Edges(self.src[keep], self.dst[keep], self.length_m[keep], self.time_ms[keep])

    @staticmethod
    def concat(parts: Sequence[Edges]) -> Edges:
        """All edges of ``parts`` in one set."""
        return Edges(
            np.concatenate([p.src for p in parts]),
            np.concatenate([p.dst for p in parts]),
            np.concatenate([p.length_m for p in parts]),
            np.concatenate([p.time_ms for p in parts]),
        )


def zone_closed(
    network: RoadNetwork,
    zones: Sequence[Zone],
    size: SizeClass,
    band: TimeWindow | None,
) -> NDArray[np.bool_]:
    """Per edge: whether a restricted zone closed to ``size`` during ``band`` touches it (CT6).

    ``band=None`` means the whole day: a zone not open to the class all day long closes its edges.
    """
    window = band or WHOLE_DAY
    closed = np.zeros(network.edge_count, dtype=bool)
    shut = [z for z in zones if not z.allows(size, window.start_s, window.end_s)]
    if not shut:
        return closed

    def build() -> STRtree:
        piece = np.repeat(np.arange(network.geom_count), np.diff(network.geom_offsets))
        coords = np.column_stack([network.geom_lon, network.geom_lat])
        return STRtree(shapely.linestrings(coords, indices=piece))

    tree = network.memo("wgs84-tree", build)
    pieces = np.zeros(network.geom_count, dtype=bool)
    for zone in shut:
        pieces[tree.query(zone.polygon, predicate="intersects")] = True
    closed[pieces[network.edge_geom]] = True
    return closed


def split_edges(
    network: RoadNetwork,
    snapped: Snapped,
    *,
    first_node: int,
    open_edges: NDArray[np.bool_],
) -> Edges:
    """The class's open edges with every snapped location inserted as node ``first_node + k``.

    Parameters
    ----------
    network
        The road network.
    snapped
        Snapped locations, all on routable edges of ``snapped.size_class``.
    first_node
        Node number of the first location (the network's junctions come before it).
    open_edges
        Per edge: whether it is routable for the class and not closed by a zone.
    """
    view = network.view(snapped.size_class)
    cuts = _cuts(network, snapped, first_node=first_node)
    edge, node = cuts.edge, cuts.node
    first = np.ones(len(edge), dtype=bool)
    first[1:] = edge[1:] != edge[:-1]
    last = np.ones(len(edge), dtype=bool)
    last[:-1] = first[1:]
    previous_node = np.where(first, network.edge_u[edge], np.roll(node, 1))
    previous_m = np.where(first, 0, np.roll(cuts.offset_m, 1))
    previous_ms = np.where(first, 0, np.roll(cuts.offset_ms, 1))
    into = Edges(previous_node, node, cuts.offset_m - previous_m, cuts.offset_ms - previous_ms)
    out = Edges(
        node[last],
        network.edge_v[edge[last]],
        (cuts.length_m - cuts.offset_m)[last],
        (cuts.time_ms - cuts.offset_ms)[last],
    )
    pieces = [into.select(open_edges[edge]), out.select(open_edges[edge[last]])]
    pieces.append(_junction_joins(network, cuts, open_edges))
    untouched = open_edges.copy()
    untouched[edge] = False
    base = Edges(
        network.edge_u[untouched],
        network.edge_v[untouched],
        network.edge_length_m[untouched],
        view.time_ms[untouched],
    )
    return Edges.concat([base, *pieces])


@dataclass(frozen=True, slots=True)
class _Cuts:
    """Where the snapped locations cut the edges: by edge, then along it (then by node).

    An edge is cut once per location on its way piece, in the edge's own direction.
    """

    edge: IntArray
    node: IntArray
    offset_m: IntArray  # from the edge's start, rounded once
    offset_ms: IntArray
    length_m: IntArray  # of the whole edge
    time_ms: IntArray


def _cuts(network: RoadNetwork, snapped: Snapped, *, first_node: int) -> _Cuts:
    """Location ``k`` as node ``first_node + k`` on every routable edge of its way piece."""
    view = network.view(snapped.size_class)
    routable = np.flatnonzero(view.routable)
    by_geom = routable[np.argsort(network.edge_geom[routable], kind="stable")]
    geoms = network.edge_geom[by_geom]
    low = np.searchsorted(geoms, snapped.geom, side="left")
    count = np.searchsorted(geoms, snapped.geom, side="right") - low
    item = np.repeat(np.arange(len(snapped.geom)), count)
    within = np.arange(len(item)) - np.repeat(np.cumsum(count) - count, count)
    edge = by_geom[np.repeat(low, count) + within]
    along = snapped.fraction[item]
    along = np.where(network.edge_reversed[edge], 1.0 - along, along)
    node = first_node + item

    order = np.lexsort((node, along, edge))
    edge, along, node = edge[order], along[order], node[order]
    length, time = network.edge_length_m[edge], view.time_ms[edge]
    offset_m = np.floor(along * length + 0.5).astype(np.int64)
    offset_ms = np.floor(along * time + 0.5).astype(np.int64)
    return _Cuts(edge, node, offset_m, offset_ms, length, time)


def _junction_joins(network: RoadNetwork, cuts: _Cuts, open_edges: NDArray[np.bool_]) -> Edges:
    """Free edges both ways between each location at an end of its (open) edge and that junction.

    The location is at the junction: it is reached from there even when the edge only leads in.
    """
    edge, node = cuts.edge, cuts.node
    at_u = open_edges[edge] & (cuts.offset_m == 0) & (cuts.offset_ms == 0)
    at_v = open_edges[edge] & (cuts.offset_m == cuts.length_m) & (cuts.offset_ms == cuts.time_ms)
    ends = np.concatenate([network.edge_u[edge[at_u]], network.edge_v[edge[at_v]]])
    here = np.concatenate([node[at_u], node[at_v]])
    zero = np.zeros(2 * len(ends), dtype=np.int64)
    return Edges(np.concatenate([ends, here]), np.concatenate([here, ends]), zero, zero)
