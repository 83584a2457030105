"""The drivable road network: arrays for fast matrix work, a networkx view, and per-class views.

A :class:`RoadNetwork` holds junctions (nodes) and directed edges. Each edge follows one piece of an
OSM way between two junctions; a two-way street is two edges sharing one geometry (the one walked
backwards has ``edge_reversed`` set). The arrays are the source of truth; :meth:`RoadNetwork.graph`
builds the networkx :class:`~networkx.MultiDiGraph` from them on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import networkx as nx
import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import CRS, Transformer
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from routing.domain import SizeClass
from routing.network.profiles import travel_ms_array

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ClassView:
    """The part of a network that one vehicle size class may drive on.

    Parameters
    ----------
    size_class
        The vehicle size.
    allowed
        Per edge: whether the class may use it at all (tags, limits).
    routable
        Per edge: allowed and inside the largest strongly connected component, where every
        junction can reach every other; the rest are islands.
    components
        Number of strongly connected components among the allowed edges' junctions.
    time_ms
        Per edge: milliseconds to drive it at the class's speed.
    """

    size_class: SizeClass
    allowed: NDArray[np.bool_]
    routable: NDArray[np.bool_]
    components: int
    time_ms: NDArray[np.int64]


@dataclass(frozen=True, slots=True, eq=False)
class RoadNetwork:
    """A drivable road network read from one OSM file.

    Parameters
    ----------
    source
        Path of the OSM file it was read from.
    source_sha256
        Content hash of that file (travel matrices are cached under it).
    node_osm_id, node_lon, node_lat
        Per junction: OSM node id and WGS84 position in degrees.
    geom_offsets, geom_lon, geom_lat
        Way pieces as polylines: piece ``g`` has the coordinates
        ``geom_lon[geom_offsets[g]:geom_offsets[g + 1]]`` (and ``geom_lat``), in degrees.
    geom_way_id, geom_highway
        Per piece: OSM way id and ``highway`` value.
    edge_u, edge_v
        Per directed edge: junction indices it leaves and enters.
    edge_geom, edge_reversed
        Per edge: its piece, and whether the edge runs against the piece's node order.
    edge_length_m
        Per edge: geodesic length in metres (WGS84 ellipsoid).
    edge_speed_kmh
        Per edge: speed in km/h (``maxspeed`` or the class default).
    edge_allowed
        Per edge: bit mask of the size classes allowed (bit ``int(size)``).
    edge_oneway
        Per edge: whether its way is one-way.
    """

    source: str
    source_sha256: str
    node_osm_id: NDArray[np.int64]
    node_lon: NDArray[np.float64]
    node_lat: NDArray[np.float64]
    geom_offsets: NDArray[np.int64]
    geom_lon: NDArray[np.float64]
    geom_lat: NDArray[np.float64]
    geom_way_id: NDArray[np.int64]
    geom_highway: tuple[str, ...]
    edge_u: NDArray[np.int64]
    edge_v: NDArray[np.int64]
    edge_geom: NDArray[np.int64]
    edge_reversed: NDArray[np.bool_]
    edge_length_m: NDArray[np.int64]
    edge_speed_kmh: NDArray[np.float64]
    edge_allowed: NDArray[np.int64]
    edge_oneway: NDArray[np.bool_]
    _memo: dict[Any, Any] = field(default_factory=dict, init=False, repr=False)

    @property
    def node_count(self) -> int:
        """Number of junctions."""
        return len(self.node_osm_id)

    @property
    def edge_count(self) -> int:
        """Number of directed edges."""
        return len(self.edge_u)

    @property
    def geom_count(self) -> int:
        """Number of way pieces (a two-way piece carries two edges)."""
        return len(self.geom_way_id)

    def memo(self, key: Any, build: Callable[[], T]) -> T:
        """The value stored under ``key``, built once by ``build`` (derived data of the network)."""
        if key not in self._memo:
            self._memo[key] = build()
        value: T = self._memo[key]
        return value

    def allows(self, size: SizeClass) -> NDArray[np.bool_]:
        """Per edge: whether vehicles of ``size`` may use it."""
        result: NDArray[np.bool_] = (self.edge_allowed >> int(size)) & 1 == 1
        return result

    def view(self, size: SizeClass) -> ClassView:
        """The part of the network ``size`` may drive on, with its largest component marked."""
        key = ("view", size)
        if key not in self._memo:
            allowed = self.allows(size)
            u, v = self.edge_u[allowed], self.edge_v[allowed]
            n = self.node_count
            adjacency = csr_matrix((np.ones(len(u)), (u, v)), shape=(n, n))
            count, labels = connected_components(adjacency, directed=True, connection="strong")
            touched = np.zeros(n, dtype=bool)
            touched[u] = touched[v] = True
            sizes = np.bincount(labels[touched], minlength=count)
            main = int(np.argmax(sizes)) if len(u) else -1
            routable = allowed & (labels[self.edge_u] == main) & (labels[self.edge_v] == main)
            time_ms = travel_ms_array(self.edge_length_m, self.edge_speed_kmh, size)
            components = int(np.count_nonzero(sizes))
            self._memo[key] = ClassView(size, allowed, routable, components, time_ms)
        view: ClassView = self._memo[key]
        return view

    def to_metric(self) -> Transformer:
        """A transformer from WGS84 to a local azimuthal equidistant CRS (metres) at the centre."""
        if "metric" not in self._memo:
            lon0 = float((self.node_lon.min() + self.node_lon.max()) / 2)
            lat0 = float((self.node_lat.min() + self.node_lat.max()) / 2)
            crs = CRS.from_proj4(f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m")
            self._memo["metric"] = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        transformer: Transformer = self._memo["metric"]
        return transformer

    def metric_lines(self) -> NDArray[np.object_]:
        """Every way piece as a shapely LineString in the metric CRS (metres)."""
        if "lines" not in self._memo:
            x, y = self.to_metric().transform(self.geom_lon, self.geom_lat)
            piece = np.repeat(np.arange(self.geom_count), np.diff(self.geom_offsets))
            coords = np.column_stack([x, y])
            self._memo["lines"] = shapely.linestrings(coords, indices=piece)
        lines: NDArray[np.object_] = self._memo["lines"]
        return lines

    def graph(self) -> nx.MultiDiGraph:
        """The network as a networkx MultiDiGraph.

        Nodes are junction indices with ``x`` (lon), ``y`` (lat) and ``osmid``; edges carry
        ``length_m`` (int, m), ``speed_kmh``, ``highway``, ``osm_way_id``, ``oneway``, ``geom``
        (piece index), ``reversed`` and ``allowed`` (size-class bit mask).
        """
        if "graph" not in self._memo:
            graph = nx.MultiDiGraph(source=self.source)
            for i in range(self.node_count):
                graph.add_node(
                    i,
                    x=float(self.node_lon[i]),
                    y=float(self.node_lat[i]),
                    osmid=int(self.node_osm_id[i]),
                )
            for e in range(self.edge_count):
                g = int(self.edge_geom[e])
                graph.add_edge(
                    int(self.edge_u[e]),
                    int(self.edge_v[e]),
                    key=e,
                    length_m=int(self.edge_length_m[e]),
                    speed_kmh=float(self.edge_speed_kmh[e]),
                    highway=self.geom_highway[g],
                    osm_way_id=int(self.geom_way_id[g]),
                    oneway=bool(self.edge_oneway[e]),
                    geom=g,
                    reversed=bool(self.edge_reversed[e]),
                    allowed=int(self.edge_allowed[e]),
                )
            self._memo["graph"] = graph
        result: nx.MultiDiGraph = self._memo["graph"]
        return result
