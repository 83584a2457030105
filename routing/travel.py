"""Travel matrices: distance (m) and time (s) between every pair of locations, per vehicle profile.

A matrix is keyed by location ids (points, depots and facilities share one id space). Matrices from
real roads come from :mod:`routing.network`; :func:`straight_line_matrix` builds one from
great-circle distance times a detour factor, for tests and for districts without a road network.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from routing._checks import checked, identifier, require
from routing.domain import Location
from routing.units import round_int

EARTH_RADIUS_M = 6_371_008.8

IntArray = NDArray[np.int64] | NDArray[np.int32]


#: Metres and seconds stored for a pair with no open route (a road matrix's closed pairs).
UNREACHABLE = 1_000_000_000


@dataclass(frozen=True, slots=True, eq=False)
class TravelMatrix:
    """Distances and travel times between locations, for one vehicle profile.

    Parameters
    ----------
    profile
        Name of the profile (vehicle types name the profile they drive on).
    location_ids
        Row and column order of the matrices.
    distance_m, time_s
        Square integer arrays: ``distance_m[i, j]`` metres and ``time_s[i, j]`` seconds from
        ``location_ids[i]`` to ``location_ids[j]``. int32 arrays are kept as they are (half the
        memory for large districts); other integer types are widened to int64.
    method
        How the matrix was made (``"road"``, ``"straight-line"``, ``"estimated"``, ``"given"``),
        shown with plans.
    recipe
        The travel section (a problem file's form, e.g. ``{"method": "straight-line",
        "speed_kmh": 25}``) that computes this matrix from the locations, when one did: a problem
        file then states it instead of the numbers, and what-ifs compute new locations' rows with
        it. None: the numbers are the matrix (written out in full).
    """

    profile: str
    location_ids: tuple[str, ...]
    distance_m: IntArray
    time_s: IntArray
    method: str = "given"
    recipe: Mapping[str, Any] | None = field(default=None, repr=False)
    index: Mapping[str, int] = field(init=False, repr=False)

    @checked
    def __post_init__(self) -> None:
        identifier(self.profile, "profile")
        size = len(self.location_ids)
        require(len(set(self.location_ids)) == size, "location_ids", "lists an id twice")
        for name in ("distance_m", "time_s"):
            array = np.asarray(getattr(self, name))
            require(array.shape == (size, size), name, f"must be {size} x {size}")
            require(np.issubdtype(array.dtype, np.integer), name, "must hold integers")
            require(bool((array >= 0).all()), name, "must not hold negative values")
            keep = array.dtype in (np.dtype(np.int32), np.dtype(np.int64))
            array = array.copy() if keep else array.astype(np.int64)
            array.setflags(write=False)
            object.__setattr__(self, name, array)
        object.__setattr__(self, "index", {loc: i for i, loc in enumerate(self.location_ids)})

    def described_by(self, recipe: Mapping[str, Any] | None) -> TravelMatrix:
        """This matrix, stating ``recipe`` as the travel section that computes it."""
        return TravelMatrix(
            self.profile, self.location_ids, self.distance_m, self.time_s, self.method, recipe
        )

    def __contains__(self, location_id: object) -> bool:
        return location_id in self.index

    def distance(self, origin: str, destination: str) -> int:
        """Metres from ``origin`` to ``destination``."""
        return int(self.distance_m[self.index[origin], self.index[destination]])

    def time(self, origin: str, destination: str) -> int:
        """Seconds from ``origin`` to ``destination``."""
        return int(self.time_s[self.index[origin], self.index[destination]])

    def drives(self, origin: str, destination: str) -> bool:
        """Whether the matrix holds the leg and an open route for it."""
        return (
            origin in self.index
            and destination in self.index
            and self.time(origin, destination) < UNREACHABLE
        )


def haversine_m(a: Location, b: Location) -> float:
    """Great-circle distance in metres between two WGS84 positions."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlon = math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def straight_line_matrix(
    locations: Mapping[str, Location],
    *,
    profile: str = "default",
    speed_kmh: float = 25.0,
    detour_factor: float = 1.3,
    method: str = "straight-line",
) -> TravelMatrix:
    """A matrix from great-circle distance × ``detour_factor`` at a constant ``speed_kmh``.

    Plans made on such a matrix are estimates: the matrix says so in :attr:`TravelMatrix.method`
    (``method``: ``"straight-line"``, or ``"estimated"`` for :mod:`routing.travel_estimate`).
    """
    require(speed_kmh > 0, "speed_kmh", "must be more than 0")
    require(detour_factor >= 1.0, "detour_factor", "must be at least 1")
    ids = tuple(locations)
    lon = np.radians(np.array([locations[i].lon for i in ids], dtype=float))
    lat = np.radians(np.array([locations[i].lat for i in ids], dtype=float))
    dlat = lat[None, :] - lat[:, None]
    dlon = lon[None, :] - lon[:, None]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    metres = 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h))) * detour_factor
    seconds = metres / (speed_kmh / 3.6)
    return TravelMatrix(
        profile=profile,
        location_ids=ids,
        distance_m=np.floor(metres + 0.5).astype(np.int64),
        time_s=np.floor(seconds + 0.5).astype(np.int64),
        method=method,
    )


def matrix_from_rows(
    profile: str,
    location_ids: Sequence[str],
    distance_m: Iterable[Iterable[float]],
    time_s: Iterable[Iterable[float]],
) -> TravelMatrix:
    """A matrix from nested lists (as read from a file), rounding once to integers."""
    dist = np.array([[round_int(v) for v in row] for row in distance_m], dtype=np.int64)
    secs = np.array([[round_int(v) for v in row] for row in time_s], dtype=np.int64)
    return TravelMatrix(profile, tuple(location_ids), dist, secs)
