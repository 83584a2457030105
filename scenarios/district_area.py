"""Where a district's things stand: samplers of positions in its area, and places offset in km.

A :class:`Sampler` gives positions in the town or in its old town: :class:`BoxSampler` spreads
them over a lon/lat box (straight-line travel); the road-network sampler of
:mod:`scenarios.road_district` puts them on real streets.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Protocol

from routing.domain import Location


class Sampler(Protocol):
    """Where things stand: ``n`` positions in the town or in the old town, and the town's box."""

    def positions(self, rng: random.Random, n: int, *, old_town: bool) -> list[Location]: ...

    @property
    def box(self) -> tuple[float, float, float, float]: ...  # west, south, east, north

    @property
    def old_town_ring(self) -> tuple[tuple[float, float], ...]: ...


@dataclass(frozen=True, slots=True)
class BoxSampler:
    """Uniform positions in a lon/lat box; the old town is a square at its centre."""

    west: float
    south: float
    east: float
    north: float
    old_town_fraction: float = 0.2  # side of the old-town square, as a share of the box

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (self.west, self.south, self.east, self.north)

    @property
    def old_town_ring(self) -> tuple[tuple[float, float], ...]:
        cx, cy = (self.west + self.east) / 2, (self.south + self.north) / 2
        hx = (self.east - self.west) * self.old_town_fraction / 2
        hy = (self.north - self.south) * self.old_town_fraction / 2
        return ((cx - hx, cy - hy), (cx + hx, cy - hy), (cx + hx, cy + hy), (cx - hx, cy + hy))

    def positions(self, rng: random.Random, n: int, *, old_town: bool) -> list[Location]:
        ring = self.old_town_ring
        out: list[Location] = []
        while len(out) < n:
            if old_town:
                lon = rng.uniform(ring[0][0], ring[1][0])
                lat = rng.uniform(ring[0][1], ring[2][1])
            else:
                lon = rng.uniform(self.west, self.east)
                lat = rng.uniform(self.south, self.north)
                if ring[0][0] <= lon <= ring[1][0] and ring[0][1] <= lat <= ring[2][1]:
                    continue  # the old town's lanes are sampled separately
            out.append(Location(round(lon, 6), round(lat, 6)))
        return out


def offset_location(origin: Location, east_km: float, north_km: float) -> Location:
    """The place ``east_km`` east and ``north_km`` north of ``origin`` (km; flat earth, 111.32 km
    per degree)."""
    lat = origin.lat + north_km / 111.32
    lon = origin.lon + east_km / (111.32 * math.cos(math.radians(origin.lat)))
    return Location(round(lon, 6), round(lat, 6))
