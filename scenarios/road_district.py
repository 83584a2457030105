"""The district baseline on a real road network (OpenStreetMap).

Points stand on streets (drawn along roads in proportion to their length), the old town is the
densest core of the network, travel is road distance and time per vehicle size class
(:func:`routing.network.road_matrix`), and the landfill lies off the map, joined by an external
road link from the network's southern edge.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from routing.domain import Location, SizeClass
from routing.fleet import VehicleType, Zone
from routing.network import ExternalLink, RoadNetwork, load_network, random_road_points, road_matrix
from routing.problem import Problem
from routing.travel import TravelMatrix, haversine_m
from scenarios.district import DistrictSpec, generate_district

#: Side of the grid cells in which the densest core is sought, and of the old-town square (m).
CORE_CELL_M = 400.0
OLD_TOWN_SIDE_M = 900.0
#: The road from the map's edge to the landfill: detour over the straight line, and its speed.
LINK_DETOUR = 1.25
LINK_KMH = 50.0


@dataclass(slots=True)
class RoadSampler:
    """Positions on the streets of ``network``; the old town is a square round its densest core."""

    network: RoadNetwork
    _ring: tuple[tuple[float, float], ...] = field(default=(), init=False)

    def __post_init__(self) -> None:
        self._ring = _densest_square(self.network, OLD_TOWN_SIDE_M)

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
        ring = shapely.Polygon(self._ring)
        size = SizeClass.CART if old_town else SizeClass.LARGE
        out: list[Location] = []
        while len(out) < n:
            batch = random_road_points(
                self.network,
                max(64, 4 * (n - len(out))),
                seed=rng.randrange(2**31),
                size_class=size,
            )
            for location in batch.values():
                inside = bool(ring.covers(shapely.Point(location.lon, location.lat)))
                if inside == old_town:
                    out.append(location)
                    if len(out) == n:
                        break
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


@dataclass(frozen=True, slots=True)
class RoadTravel:
    """Builds road matrices per size class; locations off the map join by an external link."""

    network: RoadNetwork
    off_map: frozenset[str] = frozenset({"landfill"})

    def __call__(
        self,
        locations: Mapping[str, Location],
        types: tuple[VehicleType, ...],
        zones: tuple[Zone, ...],
    ) -> dict[str, TravelMatrix]:
        links = [self._link(i, locations[i]) for i in sorted(self.off_map) if i in locations]
        matrices: dict[str, TravelMatrix] = {}
        for vtype in sorted(types, key=lambda t: t.size_class):
            if vtype.profile in matrices:
                continue
            # A class a zone admits may drive through it in its open hours; the validator checks
            # that stops inside the zone fall in them. Every other class never enters.
            band = next(
                (z.open_windows[0] for z in zones if vtype.size_class in z.allowed_size_classes),
                None,
            )
            matrices[vtype.profile] = road_matrix(
                self.network,
                locations,
                size_class=vtype.size_class,
                zones=zones,
                band=band,
                external_links=links,
                profile=vtype.profile,
            )
        return matrices

    def _link(self, location_id: str, where: Location) -> ExternalLink:
        # Leave the map from a junction every class can reach: the heaviest class's main network.
        n = self.network
        nodes = np.unique(n.edge_u[n.view(SizeClass.HEAVY).routable])
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
) -> Problem:
    """The district baseline (DISTRICT.md) on the roads of an OSM extract, for a ``seed``."""
    network = osm if isinstance(osm, RoadNetwork) else load_network(osm)
    return generate_district(
        RoadSampler(network), seed=seed, spec=spec, travel=RoadTravel(network), name=name
    )
