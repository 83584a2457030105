"""What a change to the day is judged by: the routes' cost plus what the dispatcher weighs.

:class:`Objective` adds to each route's cost (km and working hours, the factors of
:mod:`routing.kpi`) the weights of :class:`~routing.dispatch.requests.Weights`: visits moved off
their reference vehicle or time, routes' working time away from the mean, visits far from their
route's centre.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from routing.dispatch.draft import Timed
from routing.dispatch.requests import VisitKey, Weights
from routing.domain import CollectionPoint
from routing.units import HOUR, KILOMETRE

METRES_PER_DEGREE = 111_320.0
EPSILON = 1e-6  # fen: a change must lower the objective by more than this to be kept


def local_xy(points: Iterable[CollectionPoint]) -> dict[str, tuple[float, float]]:
    """Points in metres on a local plane (equirectangular round the points' mean latitude)."""
    points = list(points)
    if not points:
        return {}
    lat0 = math.radians(sum(p.location.lat for p in points) / len(points))
    return {
        p.id: (
            p.location.lon * METRES_PER_DEGREE * math.cos(lat0),
            p.location.lat * METRES_PER_DEGREE,
        )
        for p in points
    }


@dataclass(slots=True)
class Objective:
    """Cost plus weighed disruption, balance and compactness, in fen (see :class:`Weights`).

    ``reference``: visit → (vehicle, shift, service start) in the plan the change is measured
    against; ``mean_work_s``: the working time routes are balanced round.
    """

    weights: Weights
    reference: Mapping[VisitKey, tuple[str, str, int]]
    mean_work_s: float = 0.0
    xy: Mapping[str, tuple[float, float]] | None = None

    def score(self, timed: Timed) -> float:
        """The objective's value for one timed draft."""
        value = timed.cost_fen
        route = timed.route
        if route is None:
            return value
        w = self.weights
        if w.moved_fen or w.late_fen:
            for trip in route.trips:
                for stop in trip.visits:
                    ref = self.reference.get((stop.point_id, stop.visit))
                    if ref is None:
                        continue
                    if ref[0] != route.vehicle_id or ref[1] != route.shift_id:
                        value += w.moved_fen
                    elif abs(stop.start_s - ref[2]) > w.tolerance_s:
                        value += w.late_fen
        if w.balance_fen:
            value += w.balance_fen * ((timed.work_s - self.mean_work_s) / HOUR) ** 2
        if w.compact_fen_per_km and self.xy is not None:
            spots = [self.xy[s.point_id] for t in route.trips for s in t.visits]
            if spots:
                cx = sum(x for x, _ in spots) / len(spots)
                cy = sum(y for _, y in spots) / len(spots)
                spread = sum(math.hypot(x - cx, y - cy) for x, y in spots)
                value += w.compact_fen_per_km * spread / KILOMETRE
        return value


def reference_of(routes: Iterable[object]) -> dict[VisitKey, tuple[str, str, int]]:
    """visit → (vehicle, shift, service start) of the routes of a plan."""
    out: dict[VisitKey, tuple[str, str, int]] = {}
    for route in routes:
        for trip in route.trips:  # type: ignore[attr-defined]
            for stop in trip.visits:
                out[(stop.point_id, stop.visit)] = (
                    route.vehicle_id,  # type: ignore[attr-defined]
                    route.shift_id,  # type: ignore[attr-defined]
                    stop.start_s,
                )
    return out
