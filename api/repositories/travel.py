"""How travel is estimated for a district held by the API — the one place that chooses.

Today every vehicle profile gets a straight-line matrix (great-circle × detour factor at the
profile's speed); when a district gets a road network attached, this is where road matrices
(:mod:`routing.network`) take over.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from routing.domain import Location
from routing.fleet import VehicleType
from routing.travel import TravelMatrix, straight_line_matrix

DEFAULT_SPEED_KMH = 25.0
DETOUR_FACTOR = 1.3


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
            "method": "straight-line",
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
