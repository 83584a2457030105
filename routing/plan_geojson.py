"""A GeoJSON export of a plan for maps: one LineString per trip and one Point per stop with its ETA.

Coordinates are WGS84 ``[lon, lat]``; times are clock texts of the plan's day.
"""

from __future__ import annotations

from typing import Any

from routing.plan import Plan, Route, Trip, Unload, VisitStop
from routing.problem import Problem
from routing.units import format_clock


def plan_to_geojson(problem: Problem, plan: Plan) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the plan: one LineString per trip (straight legs between
    stops, depot to depot) and one Point per stop with its ETA, for maps.

    Stops whose record is unknown to the problem are left out (the validator reports them).
    """
    features: list[dict[str, Any]] = []
    for route in plan.routes:
        vehicle = problem.vehicle_by_id.get(route.vehicle_id)
        depot = vehicle.depot_id if vehicle else None
        for number, trip in enumerate(route.trips, start=1):
            features += _trip_features(problem, route, number, trip, depot)
    return {"type": "FeatureCollection", "features": features}


def _coords(problem: Problem, location_id: str) -> list[float] | None:
    try:
        loc = problem.location_of(location_id)
    except KeyError:
        return None
    return [loc.lon, loc.lat]


def _trip_features(
    problem: Problem, route: Route, number: int, trip: Trip, depot: str | None
) -> list[dict[str, Any]]:
    """Trip ``number`` of ``route``: a Point per known stop, then the trip's LineString.

    The first trip's line starts at the depot and the last one's ends there; a line of fewer than
    two known places is left out.
    """
    features: list[dict[str, Any]] = []
    line: list[list[float]] = []
    if number == 1 and depot and (c := _coords(problem, depot)):
        line.append(c)
    for seq, stop in enumerate(trip.visits, start=1):
        c = _coords(problem, stop.point_id)
        if c is None:
            continue
        line.append(c)
        features.append(_visit_feature(c, route, number, seq, stop, trip))
    if trip.unload is not None and (c := _coords(problem, trip.unload.facility_id)):
        line.append(c)
        features.append(_unload_feature(c, route, number, trip, trip.unload))
    if number == len(route.trips) and depot and (c := _coords(problem, depot)):
        line.append(c)
    if len(line) >= 2:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": line},
                "properties": {
                    "kind": "trip",
                    "vehicle": route.vehicle_id,
                    "shift": route.shift_id,
                    "crew": route.crew_id,
                    "trip": number,
                    "stream": trip.stream.value,
                },
            }
        )
    return features


def _visit_feature(
    c: list[float], route: Route, number: int, seq: int, stop: VisitStop, trip: Trip
) -> dict[str, Any]:
    return _point_feature(
        c,
        kind="visit",
        vehicle=route.vehicle_id,
        shift=route.shift_id,
        trip=number,
        seq=seq,
        id=stop.point_id,
        visit=stop.visit,
        stream=trip.stream.value,
        eta=format_clock(stop.arrival_s),
        start=format_clock(stop.start_s),
        load_kg=stop.load_kg,
    )


def _unload_feature(
    c: list[float], route: Route, number: int, trip: Trip, unload: Unload
) -> dict[str, Any]:
    return _point_feature(
        c,
        kind="unload",
        vehicle=route.vehicle_id,
        shift=route.shift_id,
        trip=number,
        id=unload.facility_id,
        stream=trip.stream.value,
        eta=format_clock(unload.arrival_s),
        kg=unload.kg,
    )


def _point_feature(coords: list[float], **props: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": coords},
        "properties": props,
    }
