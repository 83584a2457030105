"""The streets a leg drives along, for maps: the fastest path between two places on a road
network, as the polyline of the way pieces it uses.

Travel matrices (:mod:`routing.network.matrix`) keep only each leg's metres and seconds; a map
that joins the stops with straight lines cuts across blocks. :class:`LegPaths` finds the path
again, leg by leg, with the same edge times for the vehicle's size class: each place goes to its
nearest junction of the class's main network, then Dijkstra runs from there, bounded by a
generous multiple of the straight-line time so that a leg of a few hundred metres searches only
its neighbourhood. Legs are kept by junction pair, so a plan's many legs between the same
places are found once.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from routing.domain import SizeClass
from routing.network.graph import RoadNetwork

#: A leg's search stops at this many times its straight-line time at SLOW_M_PER_MS, plus
#: BOUND_EXTRA_MS; beyond that the whole network is searched.
BOUND_FACTOR = 4.0
BOUND_EXTRA_MS = 120_000
SLOW_M_PER_MS = 15 / 3600  # 15 km/h, in metres per millisecond
#: Metres per degree of latitude.
M_PER_DEG = 111_320.0

Coordinate = tuple[float, float]


class _ClassGraph:
    """One size class's main network as a weighted graph, its junctions' index and each
    junction pair's lightest edge."""

    def __init__(self, network: RoadNetwork, size: SizeClass) -> None:
        view = network.view(size)
        keep = np.flatnonzero(view.routable & (network.edge_u != network.edge_v))
        src, dst = network.edge_u[keep], network.edge_v[keep]
        weight = np.maximum(view.time_ms[keep], 1).astype(np.float64)
        order = np.lexsort((weight, dst, src))  # the lightest of parallel edges first
        src, dst, weight, keep = src[order], dst[order], weight[order], keep[order]
        lead = np.ones(len(src), dtype=bool)
        lead[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
        n = network.node_count
        self.graph = csr_matrix((weight[lead], (src[lead], dst[lead])), shape=(n, n))
        self.edge_of = {
            (int(u), int(v)): int(e)
            for u, v, e in zip(src[lead], dst[lead], keep[lead], strict=True)
        }
        nodes = np.unique(np.concatenate([src, dst]))
        self.nodes: NDArray[np.int64] = nodes
        self.cos = math.cos(math.radians(float(np.mean(network.node_lat)))) if n else 1.0
        self.tree = cKDTree(
            np.column_stack([network.node_lon[nodes] * self.cos, network.node_lat[nodes]])
        )

    def nearest(self, place: Coordinate) -> int:
        """The junction of the main network nearest ``place`` (lon, lat)."""
        _, k = self.tree.query([place[0] * self.cos, place[1]])
        return int(self.nodes[int(k)])


class LegPaths:
    """Road paths of legs on ``network`` (see the module's description)."""

    def __init__(self, network: RoadNetwork) -> None:
        self.network = network
        self._graphs: dict[SizeClass, _ClassGraph] = {}
        self._legs: dict[tuple[SizeClass, int, int], list[Coordinate]] = {}

    def _graph(self, size: SizeClass) -> _ClassGraph:
        if size not in self._graphs:
            self._graphs[size] = _ClassGraph(self.network, size)
        return self._graphs[size]

    def path(self, size: SizeClass, start: Coordinate, end: Coordinate) -> list[Coordinate]:
        """The polyline a vehicle of ``size`` drives from ``start`` to ``end`` (lon, lat): the
        two places and the streets between them; the straight leg if either lies off the
        network or no path joins them."""
        graph = self._graph(size)
        if not graph.edge_of:
            return [start, end]
        a, b = graph.nearest(start), graph.nearest(end)
        key = (size, a, b)
        if key not in self._legs:
            self._legs[key] = self._junctions_path(graph, a, b, start, end)
        middle = self._legs[key]
        return [start, *middle, end] if middle or a == b else [start, end]

    def _junctions_path(
        self, graph: _ClassGraph, a: int, b: int, start: Coordinate, end: Coordinate
    ) -> list[Coordinate]:
        if a == b:
            return []
        straight_m = _metres(start, end)
        bound = BOUND_FACTOR * straight_m / SLOW_M_PER_MS + BOUND_EXTRA_MS
        for limit in (bound, np.inf):
            _, previous = dijkstra(
                graph.graph, directed=True, indices=a, return_predecessors=True, limit=limit
            )
            if previous[b] >= 0:
                break
        else:
            return []
        nodes = [b]
        while nodes[-1] != a:
            nodes.append(int(previous[nodes[-1]]))
        nodes.reverse()
        return self._geometry(graph, nodes)

    def _geometry(self, graph: _ClassGraph, nodes: Sequence[int]) -> list[Coordinate]:
        """The way pieces' shape between consecutive junctions of ``nodes``."""
        net = self.network
        line: list[Coordinate] = []
        for u, v in itertools.pairwise(nodes):
            edge = graph.edge_of[(u, v)]
            g = int(net.edge_geom[edge])
            lo, hi = int(net.geom_offsets[g]), int(net.geom_offsets[g + 1])
            lons, lats = net.geom_lon[lo:hi], net.geom_lat[lo:hi]
            piece = list(zip(lons.tolist(), lats.tolist(), strict=True))
            if net.edge_reversed[edge]:
                piece.reverse()
            line.extend(piece[1:] if line else piece)
        return line


def _metres(a: Coordinate, b: Coordinate) -> float:
    """Approximate ground distance between two places (equirectangular; fine for a bound)."""
    cos = math.cos(math.radians((a[1] + b[1]) / 2))
    return math.hypot((a[0] - b[0]) * cos, a[1] - b[1]) * M_PER_DEG
