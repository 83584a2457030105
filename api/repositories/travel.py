"""How travel is estimated for a district held by the API — the one place that chooses.

A district without a road network gets a straight-line matrix per vehicle profile (great-circle ×
detour factor at the profile's speed). A district with one (an OSM extract attached through
``/districts/{id}/road-network``) plans on its roads: road distance and time per vehicle size
class, as the demo district does (:class:`scenarios.road_district.RoadTravel`); a depot or
facility outside the extract (a landfill beyond the city) joins it by a road link from the
nearest junction, and a collection point must lie on it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from routing.domain import Location
from routing.fleet import VehicleType, Zone
from routing.network import RoadNetwork, load_network
from routing.travel import TravelMatrix, straight_line_matrix
from scenarios.road_district import RoadTravel

DEFAULT_SPEED_KMH = 25.0
DETOUR_FACTOR = 1.3
STRAIGHT_LINE = "straight-line"
ROAD = "road"


def travel_section(
    vehicle_types: Iterable[VehicleType], speeds_kmh: Mapping[str, float]
) -> dict[str, dict[str, Any]]:
    """The travel section (problem-file form) for the profiles ``vehicle_types`` drive on.

    Parameters
    ----------
    speeds_kmh
        Speed per profile in km/h; :data:`DEFAULT_SPEED_KMH` for a profile not listed.
    """
    return {
        profile: {
            "method": STRAIGHT_LINE,
            "speed_kmh": float(speeds_kmh.get(profile, DEFAULT_SPEED_KMH)),
            "detour_factor": DETOUR_FACTOR,
        }
        for profile in sorted({vtype.profile for vtype in vehicle_types})
    }


def build_travel(
    locations: Mapping[str, Location], section: Mapping[str, Mapping[str, Any]]
) -> dict[str, TravelMatrix]:
    """The matrices a :func:`travel_section` describes, over ``locations``; each states its
    section as its recipe."""
    return {
        profile: straight_line_matrix(
            locations,
            profile=profile,
            speed_kmh=float(spec["speed_kmh"]),
            detour_factor=float(spec["detour_factor"]),
        ).described_by(spec)
        for profile, spec in section.items()
    }


@functools.lru_cache(maxsize=4)
def _network(path: str, mtime_ns: int) -> RoadNetwork:
    return load_network(path)


def road_network(osm: str | Path) -> RoadNetwork:
    """The road network of an extract, read once per process (again if the file changes).

    Raises
    ------
    FileNotFoundError, ProblemError
        As :func:`routing.network.load_network`.
    """
    path = Path(osm)
    return _network(str(path), path.stat().st_mtime_ns)


def off_map(
    network: RoadNetwork, locations: Mapping[str, Location], places: Iterable[str]
) -> frozenset[str]:
    """The ``places`` (depots, facilities) that lie outside the extract's bounds."""
    west, east = float(network.node_lon.min()), float(network.node_lon.max())
    south, north = float(network.node_lat.min()), float(network.node_lat.max())
    return frozenset(
        i
        for i in places
        if not (west <= locations[i].lon <= east and south <= locations[i].lat <= north)
    )


def build_road_travel(
    osm: str | Path,
    locations: Mapping[str, Location],
    vehicle_types: tuple[VehicleType, ...],
    zones: tuple[Zone, ...],
    *,
    places: Iterable[str],
) -> dict[str, TravelMatrix]:
    """Road matrices per profile on the extract ``osm``; each states its road section.

    Raises
    ------
    ProblemError
        Naming every location that cannot be placed on the roads (too far from any).
    """
    network = road_network(osm)
    travel = RoadTravel(network, off_map=off_map(network, locations, places))
    return travel(locations, vehicle_types, zones)
