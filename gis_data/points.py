"""Collection points from a user's files: sheets (.xlsx, CSV), GeoJSON, and OSM waste features.

GeoJSON: a FeatureCollection of Point features (``[lon, lat]``). CSV and ``.xlsx``: one point per
row under a header row, read by :mod:`gis_data.sheets`, which also takes Chinese headers, units
and values (docs/point-sheets.md). Coordinates are WGS84 unless the file is declared GCJ-02 or
BD-09 (:mod:`gis_data.coords`); they are converted to WGS84. The English fields (GeoJSON
properties, or columns):

=================  ========  ==========================================================
field              required  meaning
=================  ========  ==========================================================
id                 yes       unique id of the point
stream             yes       residual, kitchen, recyclable, bulky, night_soil, special
kg_per_day         yes       kilograms a day (rounded to whole kg)
litres_per_day     no        litres a day; default from the stream's density
                             (:data:`~gis_data.point_fields.DENSITY_KG_PER_M3`)
service_s          no        seconds per visit; default :data:`~gis_data.point_fields.DEFAULT_SERVICE_S`
time_windows       no        ``"HH:MM-HH:MM"``, several separated by ``;`` (GeoJSON: or a
                             list); default the whole day
visits_per_day     no        1 to 3; default 1
max_size_class     no        cart, small, medium, large, heavy; default heavy
name               no        a label
=================  ========  ==========================================================

Every record is checked before anything is returned; all bad records are reported together in one
:class:`~routing.errors.ProblemError` naming the record (CSV ``row N`` is line N of the file, the
header being row 1; a workbook's rows are named with their sheet; GeoJSON ``feature N`` counts
from 1) and the field.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import osmium

from gis_data.coords import CoordinateSystem, to_wgs84
from gis_data.point_fields import collect_points, litres_for
from gis_data.sheets import SHEET_SUFFIXES, SheetOptions, read_point_table
from routing.domain import CollectionPoint, Location, SizeClass, WasteStream
from routing.errors import Defect, DefectCollector, ProblemError
from routing.network.loading import reading_osm


def read_points_csv(
    path: str | os.PathLike[str], options: SheetOptions | None = None
) -> tuple[CollectionPoint, ...]:
    """Collection points from a CSV file with a header row, English or Chinese headers
    (:func:`gis_data.sheets.read_point_table`; the module's field table for English ones).

    Raises
    ------
    ProblemError
        Naming every bad row (its line number), column and field; nothing is returned then.
    """
    return read_point_table(path, options).points


def read_points_geojson(
    path: str | os.PathLike[str], *, crs: CoordinateSystem = CoordinateSystem.WGS84
) -> tuple[CollectionPoint, ...]:
    """Collection points from a GeoJSON FeatureCollection of Points (see the field table).

    Coordinates are WGS84 as GeoJSON requires, unless ``crs`` declares the file's positions to
    be GCJ-02 or BD-09 (exports of Chinese maps): they are converted to WGS84.

    Raises
    ------
    ProblemError
        Naming every bad feature (counted from 1) and field; nothing is returned then.
    """
    source = Path(path)
    defects = DefectCollector()
    try:
        document = json.loads(source.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        defects.add(str(source), "file", f"is not valid JSON: {error}")
        defects.raise_if_any(source=str(source))
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        defects.add(str(source), "type", "must be a GeoJSON FeatureCollection")
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        defects.add(str(source), "features", "must be a list of features")
    defects.raise_if_any(source=str(source))
    assert isinstance(features, list)
    records: list[tuple[str, Mapping[str, Any]]] = []
    for number, feature in enumerate(features, start=1):
        record = f"feature {number}"
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        properties = feature.get("properties") if isinstance(feature, dict) else None
        coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if not isinstance(geometry, dict) or geometry.get("type") != "Point":
            defects.add(record, "geometry", "must be a Point")
            continue
        if not isinstance(coords, list) or len(coords) < 2:
            defects.add(record, "geometry", "coordinates must be [lon, lat]")
            continue
        if not isinstance(properties, dict):
            defects.add(record, "properties", "must be an object")
            continue
        lon, lat = coords[0], coords[1]
        if _is_position(lon, lat):
            lon, lat = to_wgs84(float(lon), float(lat), crs)
        records.append((record, {**properties, "lon": lon, "lat": lat}))
    return collect_points(records, defects, str(source))


def _is_position(lon: Any, lat: Any) -> bool:
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lon, lat))
    return numbers and abs(lon) <= 180 and abs(lat) <= 90


def read_points(
    path: str | os.PathLike[str], options: SheetOptions | None = None
) -> tuple[CollectionPoint, ...]:
    """Collection points from a ``.xlsx``, ``.csv``, ``.geojson``/``.json`` or OSM file.

    ``options`` say how to read a sheet (:class:`gis_data.sheets.SheetOptions`); their ``crs``
    applies to GeoJSON too. OSM files are WGS84 by definition (their waste features).

    Raises
    ------
    ProblemError
        Naming every bad record and field, or an unknown file type.
    """
    options = options or SheetOptions()
    name = Path(path).name.lower()
    if name.endswith((".csv", *SHEET_SUFFIXES)):
        return read_point_table(path, options).points
    if name.endswith((".geojson", ".json")):
        return read_points_geojson(path, crs=options.crs)
    if name.endswith((".osm.pbf", ".osm", ".osm.gz", ".pbf")):
        if options.crs is not CoordinateSystem.WGS84:
            message = "OSM 数据总是 WGS84 / OSM data is always WGS84: do not declare another crs"
            raise ProblemError([Defect(str(path), "crs", message)], source=str(path))
        return read_osm_waste_points(path)
    message = "has an unknown type: use .xlsx, .csv, .geojson, .json, .osm.pbf, .osm or .osm.gz"
    raise ProblemError([Defect(str(path), "file", message)], source=str(path))


@dataclass(frozen=True, slots=True)
class WasteFeatureDefaults:
    """What an OSM waste feature stands for when the map says no more: stream, amount, service."""

    stream: WasteStream
    kg_per_day: int
    service_s: int
    max_size_class: SizeClass


#: Defaults per ``amenity`` value. A litter bin (waste_basket) fills slowly and is emptied from a
#: small vehicle; a communal container (waste_disposal) takes a block's residual waste; a
#: recycling container (not ``recycling_type=centre``, which is a facility) takes recyclables.
OSM_WASTE_DEFAULTS: Mapping[str, WasteFeatureDefaults] = {
    "waste_basket": WasteFeatureDefaults(WasteStream.RESIDUAL, 5, 30, SizeClass.SMALL),
    "waste_disposal": WasteFeatureDefaults(WasteStream.RESIDUAL, 120, 180, SizeClass.HEAVY),
    "recycling": WasteFeatureDefaults(WasteStream.RECYCLABLE, 40, 120, SizeClass.HEAVY),
}


def read_osm_waste_points(
    path: str | os.PathLike[str],
    *,
    defaults: Mapping[str, WasteFeatureDefaults] = OSM_WASTE_DEFAULTS,
) -> tuple[CollectionPoint, ...]:
    """Collection points at the waste features of an OSM file (nodes, and ways at their centre).

    Ids are ``osm-node-<id>`` / ``osm-way-<id>``; the name is the feature's ``name`` tag if any.
    Stream, kg a day, service time and largest vehicle come from ``defaults`` by ``amenity``;
    litres from the stream's density.

    Raises
    ------
    ProblemError
        If the file is not readable OSM data (naming the file).
    """
    source = Path(path)
    points: list[CollectionPoint] = []
    processor = (
        osmium.FileProcessor(str(source), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(osmium.filter.TagFilter(*(("amenity", kind) for kind in defaults)))
    )
    with reading_osm(source):
        for item in processor:
            amenity = item.tags.get("amenity") or ""
            if amenity not in defaults or item.tags.get("recycling_type") == "centre":
                continue
            if isinstance(item, osmium.osm.Node) and item.location.valid():
                where, ident = (item.location.lon, item.location.lat), f"osm-node-{item.id}"
            elif isinstance(item, osmium.osm.Way):
                spots = [(n.lon, n.lat) for n in item.nodes if n.location.valid()]
                if not spots:
                    continue
                where = (
                    sum(x for x, _ in spots) / len(spots),
                    sum(y for _, y in spots) / len(spots),
                )
                ident = f"osm-way-{item.id}"
            else:
                continue
            rule = defaults[amenity]
            points.append(
                CollectionPoint(
                    id=ident,
                    location=Location(*where),
                    stream=rule.stream,
                    kg_per_day=rule.kg_per_day,
                    litres_per_day=litres_for(rule.stream, rule.kg_per_day),
                    service_s=rule.service_s,
                    max_size_class=rule.max_size_class,
                    name=item.tags.get("name") or "",
                )
            )
    return tuple(points)
