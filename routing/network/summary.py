"""What a loaded road network holds, in figures a dispatcher can check against the map."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass

import numpy as np

from routing.domain import SizeClass
from routing.network.graph import RoadNetwork


@dataclass(frozen=True, slots=True)
class NetworkSummary:
    """Figures of a road network.

    Parameters
    ----------
    source
        The OSM file.
    nodes, edges
        Junctions and directed edges.
    km
        Length of road in kilometres, each way of a two-way street counted once.
    km_by_highway
        The same, per OSM ``highway`` class.
    oneway_edges
        Directed edges of one-way streets.
    restricted_edges
        Per size class (lower-case name): edges it may not use (tags, weight, width, height).
    components
        Per size class: strongly connected components of the roads it may use.
    routable_edges
        Per size class: edges in its largest strongly connected component (the rest are islands).
    """

    source: str
    nodes: int
    edges: int
    km: float
    km_by_highway: dict[str, float]
    oneway_edges: int
    restricted_edges: dict[str, int]
    components: dict[str, int]
    routable_edges: dict[str, int]

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict of the figures."""
        return asdict(self)


def summarize(network: RoadNetwork) -> NetworkSummary:
    """The figures of ``network`` (see :class:`NetworkSummary`)."""
    piece_length = np.zeros(network.geom_count, dtype=np.int64)
    piece_length[network.edge_geom] = network.edge_length_m
    by_highway: Counter[str] = Counter()
    for highway, metres in zip(network.geom_highway, piece_length.tolist(), strict=True):
        by_highway[highway] += metres
    views = {size.name.lower(): network.view(size) for size in SizeClass}
    return NetworkSummary(
        source=network.source,
        nodes=network.node_count,
        edges=network.edge_count,
        km=round(int(piece_length.sum()) / 1000, 3),
        km_by_highway={h: round(m / 1000, 3) for h, m in by_highway.most_common()},
        oneway_edges=int(np.count_nonzero(network.edge_oneway)),
        restricted_edges={k: int(np.count_nonzero(~v.allowed)) for k, v in views.items()},
        components={k: v.components for k, v in views.items()},
        routable_edges={k: int(np.count_nonzero(v.routable)) for k, v in views.items()},
    )
