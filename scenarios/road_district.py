"""The district baseline on a real road network (OpenStreetMap).

Points stand on streets (drawn along roads in proportion to their length), the old town is the
densest core of the network, travel is road distance and time per vehicle size class
(:func:`routing.network.road_matrix`), and the landfill lies off the map, joined by an external
road link from the network's southern edge.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from routing.domain import CollectionPoint, Location, SizeClass
from routing.fleet import VehicleType, Zone
from routing.network import (
    ExternalLink,
    RoadNetwork,
    load_network,
    road_matrix_from_spec,
    road_spec,
)
from routing.network.augment import zone_closed
from routing.problem import Problem
from routing.travel import TravelMatrix, haversine_m
from scenarios.district import generate_district
from scenarios.district_figures import DistrictSpec

#: Side of the grid cells in which the densest core is sought, and of the old-town square (m).
CORE_CELL_M = 400.0
OLD_TOWN_SIDE_M = 900.0
OLD_TOWN_SHARE = 0.3  # at most this share of the map's width or height
#: The road from the map's edge to the landfill: detour over the straight line, and its speed.
LINK_DETOUR = 1.25
LINK_KMH = 50.0


@dataclass(slots=True)
class RoadSampler:
    """Positions on the streets of ``network``; the old town is a square round its densest core.

    Town positions lie on the large trucks' main network with the old town closed to them (the
    zone the district gives it), so every facility and ordinary point is reachable by the trucks
    that serve it; old-town positions lie on the carts' streets inside the square.
    """

    network: RoadNetwork
    _ring: tuple[tuple[float, float], ...] = field(default=(), init=False)
    _town: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64), init=False)
    _old: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64), init=False)

    def __post_init__(self) -> None:
        n = self.network
        x, y = n.to_metric().transform(n.node_lon, n.node_lat)
        side = min(OLD_TOWN_SIDE_M, OLD_TOWN_SHARE * min(np.ptp(x), np.ptp(y)))
        self._ring = _densest_square(n, side)
        zone = Zone("old-town", self._ring, frozenset({SizeClass.CART}))
        town = n.view(SizeClass.LARGE).routable & ~zone_closed(n, (zone,), SizeClass.LARGE, None)
        self._town = np.unique(n.edge_geom[main_component(n, town)])
        polygon = shapely.Polygon(self._ring)
        lanes = np.unique(n.edge_geom[n.view(SizeClass.CART).routable])
        inside = shapely.intersects(_wgs84_lines(n)[lanes], polygon)
        self._old = lanes[inside]

    @property
    def box(self) -> tuple[float, float, float, float]:
        n = self.network
        return (
            float(n.node_lon.min()),
            float(n.node_lat.min()),
            float(n.node_lon.max()),
            float(n.node_lat.max()),
        )

    @property
    def old_town_ring(self) -> tuple[tuple[float, float], ...]:
        return self._ring

    def positions(self, rng: random.Random, n: int, *, old_town: bool) -> list[Location]:
        pieces = self._old if old_town else self._town
        ring = shapely.Polygon(self._ring)
        gen = np.random.default_rng(rng.randrange(2**32))
        lines = self.network.metric_lines()[pieces]
        weights = shapely.length(lines)
        out: list[Location] = []
        while len(out) < n and len(pieces):
            pick = gen.choice(
                len(pieces), size=max(64, 2 * (n - len(out))), p=weights / weights.sum()
            )
            points = shapely.line_interpolate_point(
                lines[pick], gen.random(len(pick)), normalized=True
            )
            lon, lat = self.network.to_metric().transform(
                shapely.get_x(points), shapely.get_y(points), direction="INVERSE"
            )
            for a, b in zip(lon, lat, strict=True):
                where = Location(round(float(a), 7), round(float(b), 7))
                if bool(ring.covers(shapely.Point(where.lon, where.lat))) == old_town:
                    out.append(where)
                    if len(out) == n:
                        break
        if len(out) < n:
            raise ValueError(f"no {'old-town' if old_town else 'town'} streets to place points on")
        return out


def _densest_square(network: RoadNetwork, side_m: float) -> tuple[tuple[float, float], ...]:
    x, y = network.to_metric().transform(network.node_lon, network.node_lat)
    cells = np.floor(np.column_stack([x, y]) / CORE_CELL_M).astype(np.int64)
    keys, counts = np.unique(cells, axis=0, return_counts=True)
    cx, cy = (keys[int(np.argmax(counts))] + 0.5) * CORE_CELL_M
    h = side_m / 2
    corners = [(cx - h, cy - h), (cx + h, cy - h), (cx + h, cy + h), (cx - h, cy + h)]
    lon, lat = network.to_metric().transform(
        [c[0] for c in corners], [c[1] for c in corners], direction="INVERSE"
    )
    return tuple((round(float(a), 6), round(float(b), 6)) for a, b in zip(lon, lat, strict=True))


def _wgs84_lines(network: RoadNetwork) -> NDArray[np.object_]:
    piece = np.repeat(np.arange(network.geom_count), np.diff(network.geom_offsets))
    coords = np.column_stack([network.geom_lon, network.geom_lat])
    lines: NDArray[np.object_] = shapely.linestrings(coords, indices=piece)
    return lines


def main_component(network: RoadNetwork, edges: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """The edges of ``edges`` in its largest strongly connected component."""
    u, v, size = network.edge_u[edges], network.edge_v[edges], network.node_count
    graph = csr_matrix((np.ones(len(u)), (u, v)), shape=(size, size))
    _, labels = connected_components(graph, directed=True, connection="strong")
    sizes = np.bincount(labels[np.concatenate([u, v])])
    main = int(np.argmax(sizes))
    keep: NDArray[np.bool_] = (
        edges & (labels[network.edge_u] == main) & (labels[network.edge_v] == main)
    )
    return keep


@dataclass(frozen=True, slots=True)
class RoadTravel:
    """Road matrices per size class; locations off the map join by an external link.

    :meth:`specs` states them as a problem file's travel section, and the matrices are built from
    those same specs and state them as their recipes, so a problem written to a file reads back
    with identical travel.
    """

    network: RoadNetwork
    off_map: frozenset[str] = frozenset({"landfill"})

    def specs(
        self,
        locations: Mapping[str, Location],
        types: tuple[VehicleType, ...],
        zones: tuple[Zone, ...],
    ) -> dict[str, dict[str, Any]]:
        """The travel section of a problem file, per profile."""
        links = [self._link(i, locations[i], zones) for i in sorted(self.off_map) if i in locations]
        specs: dict[str, dict[str, Any]] = {}
        for vtype in sorted(types, key=lambda t: t.size_class):
            # A class a zone admits may drive through it in its open hours; the validator checks
            # that stops inside the zone fall in them. Every other class never enters.
            band = next(
                (z.open_windows[0] for z in zones if vtype.size_class in z.allowed_size_classes),
                None,
            )
            specs.setdefault(
                vtype.profile,
                road_spec(self.network.source, vtype.size_class, band=band, external_links=links),
            )
        return specs

    def __call__(
        self,
        locations: Mapping[str, Location],
        types: tuple[VehicleType, ...],
        zones: tuple[Zone, ...],
    ) -> dict[str, TravelMatrix]:
        return {
            profile: road_matrix_from_spec(
                profile, spec, locations, zones, network=self.network
            ).described_by(spec)
            for profile, spec in self.specs(locations, types, zones).items()
        }

    def _link(self, location_id: str, where: Location, zones: tuple[Zone, ...]) -> ExternalLink:
        # Leave the map from a junction every class can reach: the heaviest class's main network
        # outside the zones closed to it.
        n = self.network
        open_heavy = n.view(SizeClass.HEAVY).routable & ~zone_closed(
            n, zones, SizeClass.HEAVY, None
        )
        nodes = np.unique(n.edge_u[main_component(n, open_heavy)])
        gap = (n.node_lon[nodes] - where.lon) ** 2 + (n.node_lat[nodes] - where.lat) ** 2
        nearest = int(nodes[int(np.argmin(gap))])
        via = Location(float(n.node_lon[nearest]), float(n.node_lat[nearest]))
        length = math.ceil(haversine_m(via, where) * LINK_DETOUR)
        return ExternalLink(location_id, via, length, LINK_KMH)


def road_district(
    osm: str | Path | RoadNetwork,
    *,
    seed: int = 0,
    spec: DistrictSpec | None = None,
    name: str = "district-baseline",
    fixed_points: Sequence[CollectionPoint] = (),
) -> Problem:
    """The district baseline (:mod:`scenarios.district`) on the roads of an OSM extract, for a ``seed``.

    ``fixed_points`` are real points that take the places of generated ones (see
    :func:`~scenarios.district.generate_district`); the demo passes the extract's waste baskets.
    """
    network = osm if isinstance(osm, RoadNetwork) else load_network(osm)
    return generate_district(
        RoadSampler(network),
        seed=seed,
        spec=spec,
        travel=RoadTravel(network),
        name=name,
        fixed_points=fixed_points,
    )
