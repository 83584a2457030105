"""Conversions of the district records that have a place: API features, routing records, rows.

Collection points, depots, facilities and restricted zones, kind by kind. Feature → record goes
through the routing classes' own checks, so a bad value raises a
:class:`~routing.errors.FieldError` naming the field. Rows hold the problem file's spelling
(windows as ``"HH:MM-HH:MM"``, sizes by name) and geometries in SRID 4326.
"""

from __future__ import annotations

from typing import Any

from geoalchemy2.shape import from_shape, to_shape
from geojson_pydantic import Point, Polygon
from geojson_pydantic.types import Position2D, Position3D
from shapely.geometry import Point as ShapelyPoint
from shapely.geometry import Polygon as ShapelyPolygon

from api.db import models as m
from api.schemas import records as s
from api.schemas.fields import size_class, size_name, window_texts, windows_of
from gis_data.point_fields import litres_for
from routing.domain import CollectionPoint, Depot, Facility, FacilityKind, Location, WasteStream
from routing.errors import FieldError
from routing.fleet import Zone

SRID = m.SRID


def location_of(coordinates: Any) -> Location:
    """A location from GeoJSON ``[lon, lat]``; a bad one is an error on ``geometry``."""
    try:
        return Location(float(coordinates[0]), float(coordinates[1]))
    except FieldError as error:
        raise FieldError("geometry", f"coordinates: {error}") from None


def _point_geom(location: Location) -> Any:
    return from_shape(ShapelyPoint(location.lon, location.lat), srid=SRID)


def _location_of_geom(geom: Any) -> Location:
    shape = to_shape(geom)
    return Location(float(shape.x), float(shape.y))


def _position(location: Location) -> Position2D:
    return Position2D(location.lon, location.lat)


# ---------------------------------------------------------------- collection points


def point_from_feature(feature: s.PointFeature) -> CollectionPoint:
    """The collection point a feature describes."""
    props = _props(feature)
    assert isinstance(props, s.PointProperties)
    return CollectionPoint(
        id=props.id,
        location=location_of(_geometry(feature).coordinates),
        stream=props.stream,
        kg_per_day=props.kg_per_day,
        litres_per_day=(
            props.litres_per_day
            if props.litres_per_day is not None
            else litres_for(props.stream, props.kg_per_day)
        ),
        service_s=props.service_s,
        time_windows=windows_of(props.time_windows, "time_windows"),
        visits_per_day=props.visits_per_day,
        max_size_class=size_class(props.max_size_class),
        name=props.name,
        address=props.address,
        note=props.note,
    )


def point_values(point: CollectionPoint) -> dict[str, Any]:
    """Column values of a point's row."""
    return {
        "code": point.id,
        "name": point.name,
        "geom": _point_geom(point.location),
        "stream": point.stream.value,
        "kg_per_day": point.kg_per_day,
        "litres_per_day": point.litres_per_day,
        "service_s": point.service_s,
        "time_windows": window_texts(point.time_windows),
        "visits_per_day": point.visits_per_day,
        "max_size_class": size_name(point.max_size_class),
        "address": point.address,
        "note": point.note,
    }


def point_from_row(row: m.CollectionPointRow) -> CollectionPoint:
    """The routing record of a row."""
    return CollectionPoint(
        id=row.code,
        location=_location_of_geom(row.geom),
        stream=WasteStream(row.stream),
        kg_per_day=row.kg_per_day,
        litres_per_day=row.litres_per_day,
        service_s=row.service_s,
        time_windows=windows_of(list(row.time_windows), "time_windows"),
        visits_per_day=row.visits_per_day,
        max_size_class=size_class(row.max_size_class),
        name=row.name,
        address=row.address,
        note=row.note,
    )


def point_feature(point: CollectionPoint) -> s.PointFeature:
    """The feature of a point."""
    return s.PointFeature(
        type="Feature",
        id=point.id,
        geometry=Point(type="Point", coordinates=_position(point.location)),
        properties=s.PointProperties(
            id=point.id,
            stream=point.stream,
            kg_per_day=point.kg_per_day,
            litres_per_day=point.litres_per_day,
            service_s=point.service_s,
            time_windows=window_texts(point.time_windows),
            visits_per_day=point.visits_per_day,
            max_size_class=size_name(point.max_size_class),
            name=point.name,
            address=point.address,
            note=point.note,
        ),
    )


# ---------------------------------------------------------------- depots


def depot_from_feature(feature: s.DepotFeature) -> Depot:
    """The depot a feature describes."""
    props = _props(feature)
    assert isinstance(props, s.DepotProperties)
    return Depot(props.id, location_of(_geometry(feature).coordinates), props.name)


def depot_values(depot: Depot) -> dict[str, Any]:
    """Column values of a depot's row."""
    return {"code": depot.id, "name": depot.name, "geom": _point_geom(depot.location)}


def depot_from_row(row: m.DepotRow) -> Depot:
    """The routing record of a row."""
    return Depot(row.code, _location_of_geom(row.geom), row.name)


def depot_feature(depot: Depot) -> s.DepotFeature:
    """The feature of a depot."""
    return s.DepotFeature(
        type="Feature",
        id=depot.id,
        geometry=Point(type="Point", coordinates=_position(depot.location)),
        properties=s.DepotProperties(id=depot.id, name=depot.name),
    )


# ---------------------------------------------------------------- facilities


def facility_from_feature(feature: s.FacilityFeature) -> Facility:
    """The facility a feature describes."""
    props = _props(feature)
    assert isinstance(props, s.FacilityProperties)
    return Facility(
        id=props.id,
        kind=props.kind,
        location=location_of(_geometry(feature).coordinates),
        accepts=frozenset(props.accepts),
        opening=windows_of(props.opening, "opening"),
        tipping_s=props.tipping_s,
        daily_capacity_kg=props.daily_capacity_kg,
        storage_kg=props.storage_kg,
        container_kg=props.container_kg,
        initial_storage_kg=props.initial_storage_kg,
        name=props.name,
    )


def facility_values(facility: Facility) -> dict[str, Any]:
    """Column values of a facility's row."""
    return {
        "code": facility.id,
        "name": facility.name,
        "geom": _point_geom(facility.location),
        "kind": facility.kind.value,
        "accepts": sorted(stream.value for stream in facility.accepts),
        "opening": window_texts(facility.opening),
        "tipping_s": facility.tipping_s,
        "daily_capacity_kg": facility.daily_capacity_kg,
        "storage_kg": facility.storage_kg,
        "container_kg": facility.container_kg,
        "initial_storage_kg": facility.initial_storage_kg,
    }


def facility_from_row(row: m.FacilityRow) -> Facility:
    """The routing record of a row."""
    return Facility(
        id=row.code,
        kind=FacilityKind(row.kind),
        location=_location_of_geom(row.geom),
        accepts=frozenset(WasteStream(v) for v in row.accepts),
        opening=windows_of(list(row.opening), "opening"),
        tipping_s=row.tipping_s,
        daily_capacity_kg=row.daily_capacity_kg,
        storage_kg=row.storage_kg,
        container_kg=row.container_kg,
        initial_storage_kg=row.initial_storage_kg,
        name=row.name,
    )


def facility_feature(facility: Facility) -> s.FacilityFeature:
    """The feature of a facility."""
    return s.FacilityFeature(
        type="Feature",
        id=facility.id,
        geometry=Point(type="Point", coordinates=_position(facility.location)),
        properties=s.FacilityProperties(
            id=facility.id,
            kind=facility.kind,
            accepts=sorted(facility.accepts),
            opening=window_texts(facility.opening),
            tipping_s=facility.tipping_s,
            daily_capacity_kg=facility.daily_capacity_kg,
            storage_kg=facility.storage_kg,
            container_kg=facility.container_kg,
            initial_storage_kg=facility.initial_storage_kg,
            name=facility.name,
        ),
    )


# ---------------------------------------------------------------- zones


def zone_from_feature(feature: s.ZoneFeature) -> Zone:
    """The zone a feature describes (exterior ring; holes are refused)."""
    props = _props(feature)
    assert isinstance(props, s.ZoneProperties)
    rings = _geometry(feature).coordinates
    if len(rings) != 1:
        raise FieldError("geometry", "must be a polygon without holes")
    ring = tuple((float(c[0]), float(c[1])) for c in rings[0][:-1])
    return Zone(
        id=props.id,
        ring=ring,
        allowed_size_classes=frozenset(size_class(n) for n in props.allowed_size_classes),
        open_windows=windows_of(props.open_windows, "open_windows"),
        name=props.name,
    )


def zone_values(zone: Zone) -> dict[str, Any]:
    """Column values of a zone's row."""
    return {
        "code": zone.id,
        "name": zone.name,
        "geom": from_shape(ShapelyPolygon(zone.ring), srid=SRID),
        "allowed_size_classes": sorted(size_name(c) for c in zone.allowed_size_classes),
        "open_windows": window_texts(zone.open_windows),
    }


def zone_from_row(row: m.ZoneRow) -> Zone:
    """The routing record of a row."""
    shape = to_shape(row.geom)
    assert isinstance(shape, ShapelyPolygon)
    ring = tuple((float(x), float(y)) for x, y in list(shape.exterior.coords)[:-1])
    return Zone(
        id=row.code,
        ring=ring,
        allowed_size_classes=frozenset(size_class(n) for n in row.allowed_size_classes),
        open_windows=windows_of(list(row.open_windows), "open_windows"),
        name=row.name,
    )


def zone_feature(zone: Zone) -> s.ZoneFeature:
    """The feature of a zone (its ring closed, as GeoJSON requires)."""
    ring: list[Position2D | Position3D] = [Position2D(lon, lat) for lon, lat in zone.ring]
    ring.append(ring[0])
    return s.ZoneFeature(
        type="Feature",
        id=zone.id,
        geometry=Polygon(type="Polygon", coordinates=[ring]),
        properties=s.ZoneProperties(
            id=zone.id,
            allowed_size_classes=sorted(
                (size_name(c) for c in zone.allowed_size_classes),
                key=lambda n: size_class(n).value,
            ),
            open_windows=window_texts(zone.open_windows),
            name=zone.name,
        ),
    )


def _props(feature: Any) -> Any:
    if feature.properties is None:
        raise FieldError("properties", "is required")
    return feature.properties


def _geometry(feature: Any) -> Any:
    if feature.geometry is None:
        raise FieldError("geometry", "is required")
    return feature.geometry
