"""A driver's assignment: the crew's routes of a published plan, with ETAs and links.

Built from the plan version's stored plan and problem snapshot (no travel matrices needed), and
written out as GPX or iCalendar. What a driver's request depends on, under which a built
assignment is cached, is read by :mod:`api.repositories.driver_days`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Protocol
from xml.sax.saxutils import escape

from api.db import models as m
from api.schemas.plans import Assignment, NavPublic, RouteAssignment, StopPublic
from gis_data.navigation import nav_links
from routing.domain import SizeClass
from routing.plan import Route, Trip, Unload, VisitStop
from routing.plan_file import plan_from_dict
from routing.plan_geojson import LegDrawer, road_line
from routing.units import format_clock


class StopReportLike(Protocol):
    """A stop's report as an assignment shows it: a stored row, or a
    :class:`~api.repositories.driver_days.StopState`."""

    @property
    def status(self) -> str: ...

    @property
    def reason(self) -> str: ...


def _places(problem: dict[str, Any]) -> dict[str, dict[str, Any]]:
    places: dict[str, dict[str, Any]] = {}
    for key in ("points", "depots", "facilities"):
        for record in problem.get(key, []):
            places[record["id"]] = record
    return places


def build_assignment(
    row: m.PlanRow,
    crew_code: str,
    statuses: Mapping[tuple[str, int], StopReportLike],
    *,
    legs: LegDrawer | None = None,
) -> Assignment:
    """The crew's routes in the plan version ``row``: stops in order with ETAs and links; with
    ``legs`` (the district's roads) each route's line follows the streets."""
    plan = plan_from_dict(row.plan, source=f"plan {row.id}")
    sizes = {t["id"]: t.get("size_class", "heavy") for t in row.problem.get("vehicle_types", [])}
    places = _places(row.problem)
    shifts = {s["id"]: s for s in row.problem.get("shifts", [])}
    vehicles = {v["id"]: v for v in row.problem.get("vehicles", [])}
    routes: list[RouteAssignment] = []
    features: list[dict[str, Any]] = []
    for route in sorted(plan.routes, key=lambda r: r.start_s):
        if route.crew_id != crew_code:
            continue
        vehicle = vehicles.get(route.vehicle_id, {})
        stops = _route_stops(route, places, statuses)
        features += [_stop_feature(stop) for stop in stops]
        line = _route_line(route, stops, places.get(vehicle.get("depot_id", "")))
        if legs is not None and line:
            size = SizeClass[str(sizes.get(vehicle.get("type_id", ""), "heavy")).upper()]
            line = [_along(feature, legs, size) for feature in line]
        features += line
        routes.append(_route_assignment(route, stops, shifts.get(route.shift_id, {}), vehicle))
    return Assignment(
        date=row.plan_date,
        district_id=row.district_id,
        plan_id=row.id,
        version=row.version,
        crew=crew_code,
        routes=routes,
        geojson={"type": "FeatureCollection", "features": features},
    )


def _along(feature: dict[str, Any], legs: LegDrawer, size: SizeClass) -> dict[str, Any]:
    """A route line redrawn leg by leg along the streets."""
    places = [(float(c[0]), float(c[1])) for c in feature["geometry"]["coordinates"]]
    coordinates = [[round(x, 6), round(y, 6)] for x, y in road_line(places, legs, size)]
    return {**feature, "geometry": {"type": "LineString", "coordinates": coordinates}}


def _route_stops(
    route: Route,
    places: dict[str, dict[str, Any]],
    statuses: Mapping[tuple[str, int], StopReportLike],
) -> list[StopPublic]:
    in_order: list[tuple[Trip, VisitStop | Unload]] = [
        (trip, stop) for trip in route.trips for stop in _stops(trip)
    ]
    return [
        _stop(seq, stop, trip.stream.value, places, statuses)
        for seq, (trip, stop) in enumerate(in_order, start=1)
    ]


def _route_line(
    route: Route, stops: list[StopPublic], depot: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """The route's line from its depot through its stops and back, if it has two points."""
    line = [[p.lon, p.lat] for p in stops]
    if depot:
        line = [[depot["lon"], depot["lat"]], *line, [depot["lon"], depot["lat"]]]
    if len(line) < 2:
        return []
    return [
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": line},
            "properties": {"kind": "route", "vehicle": route.vehicle_id, "shift": route.shift_id},
        }
    ]


def _route_assignment(
    route: Route, stops: list[StopPublic], shift: dict[str, Any], vehicle: dict[str, Any]
) -> RouteAssignment:
    return RouteAssignment(
        shift=route.shift_id,
        shift_start=str(shift.get("start_s", "")),
        shift_end=str(shift.get("end_s", "")),
        vehicle=route.vehicle_id,
        vehicle_type=str(vehicle.get("type_id", "")),
        depot=str(vehicle.get("depot_id", "")),
        start=format_clock(route.start_s),
        end=format_clock(route.end_s),
        trips=len(route.trips),
        stops=stops,
    )


def _stops(trip: Trip) -> tuple[VisitStop | Unload, ...]:
    return trip.visits if trip.unload is None else (*trip.visits, trip.unload)


def _stop_feature(stop: StopPublic) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [stop.lon, stop.lat]},
        "properties": {
            "seq": stop.seq,
            "kind": stop.kind,
            "id": stop.id,
            "eta": stop.eta,
            "status": stop.status,
            "geo_uri": stop.geo_uri,
        },
    }


def _stop(
    seq: int,
    stop: VisitStop | Unload,
    stream: str,
    places: dict[str, dict[str, Any]],
    statuses: Mapping[tuple[str, int], StopReportLike],
) -> StopPublic:
    if isinstance(stop, VisitStop):
        place_id, visit, kg = stop.point_id, stop.visit, stop.load_kg
        report = statuses.get((place_id, visit))
    else:
        place_id, visit, kg, report = stop.facility_id, None, stop.kg, None
    place = places.get(place_id, {"lon": 0.0, "lat": 0.0, "name": ""})
    lon, lat = float(place["lon"]), float(place["lat"])
    links = nav_links(lon, lat, str(place.get("name", "")) or place_id)
    return StopPublic(
        seq=seq,
        kind="visit" if visit is not None else "unload",
        id=place_id,
        name=str(place.get("name", "")),
        address=str(place.get("address", "")),
        note=str(place.get("note", "")),
        stream=stream,
        visit=visit,
        eta=format_clock(stop.arrival_s),
        eta_s=stop.arrival_s,
        departure=format_clock(stop.departure_s),
        departure_s=stop.departure_s,
        kg=kg,
        lon=lon,
        lat=lat,
        geo_uri=links.geo,
        osm_url=links.osm,
        nav=NavPublic(
            in_china=links.in_china, amap=links.amap, baidu=links.baidu, tencent=links.tencent
        ),
        status=report.status if report else "planned",  # type: ignore[arg-type]
        reason=report.reason if report else "",
    )


#: The words of the exports, by language.
EXPORT_WORDS = {
    "zh": {
        "visit": "收运",
        "unload": "卸车",
        "shift": "班次",
        "vehicle": "车辆",
        "eta": "预计到达",
    },
    "en": {
        "visit": "collect at",
        "unload": "unload at",
        "shift": "shift",
        "vehicle": "vehicle",
        "eta": "ETA",
    },
}


def to_gpx(assignment: Assignment, lang: str = "zh") -> str:
    """The assignment as GPX 1.1: a waypoint per stop and a route per shift, named in ``lang``."""
    w = EXPORT_WORDS[lang]
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<gpx version="1.1" creator="Huanwei" xmlns="http://www.topografix.com/GPX/1/1">',
    ]
    for route in assignment.routes:
        for stop in route.stops:
            desc = (
                f"{w['shift']} {route.shift} {w['vehicle']} {route.vehicle} {w['eta']} {stop.eta}"
            )
            parts.append(
                f'<wpt lat="{stop.lat:.6f}" lon="{stop.lon:.6f}"><name>{escape(_title(stop, lang))}'
                f"</name><desc>{escape(desc)}</desc></wpt>"
            )
    for route in assignment.routes:
        name = f"{w['shift']} {route.shift} {route.vehicle}"
        parts.append(f"<rte><name>{escape(name)}</name>")
        for stop in route.stops:
            parts.append(
                f'<rtept lat="{stop.lat:.6f}" lon="{stop.lon:.6f}">'
                f"<name>{escape(_title(stop, lang))}</name></rtept>"
            )
        parts.append("</rte>")
    parts.append("</gpx>")
    return "\n".join(parts) + "\n"


def _title(stop: StopPublic, lang: str) -> str:
    w = EXPORT_WORDS[lang]
    what = w["unload"] if stop.kind == "unload" else w["visit"]
    place = f"{stop.name} {stop.id}" if stop.name else stop.id
    return f"{stop.seq}. {what} {place}"


def _ics_time(day: dt.date, seconds: int) -> str:
    moment = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)
    return moment.strftime("%Y%m%dT%H%M%S")


def _ics_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def to_icalendar(assignment: Assignment, lang: str = "zh") -> str:
    """The assignment as iCalendar: an event per stop (floating local times of the district),
    named in ``lang``."""
    w = EXPORT_WORDS[lang]
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Huanwei//assignment//EN"]
    for route in assignment.routes:
        for stop in route.stops:
            end_s = max(stop.departure_s, stop.eta_s)
            uid = f"{assignment.plan_id}-{route.vehicle}-{route.shift}-{stop.seq}@huanwei"
            lines += [
                "BEGIN:VEVENT",
                f"UID:{uid}",
                f"DTSTAMP:{stamp}",
                f"DTSTART:{_ics_time(assignment.date, stop.eta_s)}",
                f"DTEND:{_ics_time(assignment.date, end_s)}",
                f"SUMMARY:{_ics_text(_title(stop, lang))}",
                "DESCRIPTION:"
                + _ics_text(
                    f"{w['shift']} {route.shift} {w['vehicle']} {route.vehicle} {stop.osm_url}"
                ),
                f"GEO:{stop.lat:.6f};{stop.lon:.6f}",
                "END:VEVENT",
            ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"
