"""A GeoJSON export of a plan for maps: one LineString per trip and one Point per stop with its ETA.

Coordinates are WGS84 ``[lon, lat]``; times are clock texts of the plan's day. Given a road
network's :class:`~routing.network.paths.LegPaths`, every leg is drawn along the streets it
drives; without one, straight from stop to stop (each trip's ``legs`` property says which).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import shapely

from routing.domain import SizeClass
from routing.plan import Plan, Route, Trip, Unload, VisitStop
from routing.problem import Problem
from routing.units import format_clock

#: Draws a leg: the vehicle's size class, the places it leaves and reaches (lon, lat) → the
#: polyline from the one to the other (both included).
LegDrawer = Callable[
    [SizeClass, tuple[float, float], tuple[float, float]], list[tuple[float, float]]
]
#: Drawn lines are thinned to this many degrees (about a metre) for the wire.
SIMPLIFY_DEG = 1e-5


def plan_to_geojson(
    problem: Problem, plan: Plan, *, legs: LegDrawer | None = None
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the plan: one LineString per trip (depot to depot: along
    the roads with ``legs``, straight between stops without) and one Point per stop with its
    ETA, for maps.

    Stops whose record is unknown to the problem are left out (the validator reports them).
    """
    features: list[dict[str, Any]] = []
    for route in plan.routes:
        vehicle = problem.vehicle_by_id.get(route.vehicle_id)
        depot = vehicle.depot_id if vehicle else None
        for number, trip in enumerate(route.trips, start=1):
            features += _trip_features(problem, route, number, trip, depot)
    if legs is not None:
        sizes = _sizes(problem, plan)
        features = [_along_roads(f, legs, sizes) for f in features]
    return {"type": "FeatureCollection", "features": features}


def road_line(
    places: list[tuple[float, float]], legs: LegDrawer, size: SizeClass
) -> list[tuple[float, float]]:
    """The line through ``places`` (lon, lat) in order, each leg as ``legs`` draws it for a
    vehicle of ``size`` (along the streets)."""
    line = [places[0]]
    for a, b in itertools.pairwise(places):
        line.extend(legs(size, a, b)[1:])
    return line


def _sizes(problem: Problem, plan: Plan) -> dict[str, SizeClass]:
    """Each route's vehicle's size class, by vehicle id."""
    out = {}
    for route in plan.routes:
        vehicle = problem.vehicle_by_id.get(route.vehicle_id)
        vtype = problem.vehicle_type_by_id.get(vehicle.type_id) if vehicle else None
        out[route.vehicle_id] = vtype.size_class if vtype else SizeClass.HEAVY
    return out


def _along_roads(
    feature: dict[str, Any], legs: LegDrawer, sizes: dict[str, SizeClass]
) -> dict[str, Any]:
    """A trip's straight line redrawn leg by leg along the roads (other features unchanged)."""
    if feature["properties"].get("kind") != "trip":
        return feature
    places = [(float(c[0]), float(c[1])) for c in feature["geometry"]["coordinates"]]
    line = road_line(places, legs, sizes[feature["properties"]["vehicle"]])
    thin = shapely.simplify(shapely.LineString(line), SIMPLIFY_DEG, preserve_topology=False)
    coordinates = [[round(x, 6), round(y, 6)] for x, y in thin.coords]
    return {
        **feature,
        "geometry": {"type": "LineString", "coordinates": coordinates},
        "properties": {**feature["properties"], "legs": "road"},
    }


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
                    "legs": "straight",
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
