"""Collection points of a district, as GeoJSON; imports of sheet, GeoJSON and OSM point files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Body, Query, UploadFile, status

from api.db import models as m
from api.deps import PagingDep, SessionDep, StaffUser
from api.repositories import convert_features as c
from api.repositories import districts as repo
from api.repositories import kinds as k
from api.routes import common
from api.routes import features as f
from api.routes.common import GEOJSON, GeoJSONResponse
from api.schemas.fields import PathId
from api.schemas.records import FeaturePage, ImportResult, PointFeature
from gis_data.coords import parse_crs
from gis_data.points import read_points
from gis_data.sheets import SheetOptions
from routing.domain import WasteStream

router = APIRouter(prefix="/districts/{district_id}/points", tags=["collection points"])
POINTS = f.FeatureKind(
    kind=k.POINTS,
    to_feature=c.point_feature,
    from_feature=c.point_from_feature,
    geom=m.CollectionPointRow.geom,
)
PointPage = FeaturePage[PointFeature]
PointBody = Annotated[PointFeature, Body(media_type=GEOJSON)]
MAX_IMPORT_BYTES = 50 * 1024 * 1024
IMPORT_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".geojson", ".json", ".osm", ".osm.gz", ".osm.pbf")


@router.get(
    "",
    response_class=GeoJSONResponse,
    responses=common.geojson_responses(PointPage),
)
def list_points(
    district_id: PathId,
    session: SessionDep,
    user: StaffUser,
    paging: PagingDep,
    bbox: f.BBoxQuery = None,
    stream: WasteStream | None = None,
) -> PointPage:
    """A page of the district's collection point records, by id; filter by stream and box."""
    where = [] if stream is None else [m.CollectionPointRow.stream == stream.value]
    return f.feature_page(
        session, POINTS, district_id, paging, page=PointPage, bbox=bbox, where=where
    )


@router.post("", status_code=status.HTTP_201_CREATED, response_class=GeoJSONResponse)
def create_point(
    district_id: PathId, feature: PointBody, session: SessionDep, user: StaffUser
) -> PointFeature:
    """Add a collection point."""
    return f.create_feature(session, POINTS, district_id, feature)


@router.get("/{point_id}", response_class=GeoJSONResponse)
def get_point(
    district_id: PathId, point_id: str, session: SessionDep, user: StaffUser
) -> PointFeature:
    """One collection point."""
    return f.get_feature(session, POINTS, district_id, point_id)


@router.put("/{point_id}", response_class=GeoJSONResponse)
def replace_point(
    district_id: PathId, point_id: str, feature: PointBody, session: SessionDep, user: StaffUser
) -> PointFeature:
    """Replace a collection point (its id may change unless others refer to it)."""
    return f.replace_feature(session, POINTS, district_id, point_id, feature)


@router.delete("/{point_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_point(district_id: PathId, point_id: str, session: SessionDep, user: StaffUser) -> None:
    """Delete a collection point; one that others refer to stays (409)."""
    common.delete_one(session, k.POINTS, district_id, point_id)


@router.post("/import", status_code=status.HTTP_201_CREATED)
def import_points(
    district_id: PathId,
    file: UploadFile,
    session: SessionDep,
    user: StaffUser,
    replace: bool = False,
    crs: Annotated[
        str,
        Query(
            description="datum of the file's coordinates: wgs84 (default), gcj02 (高德, 腾讯) or "
            "bd09 (百度); a sheet's coordinate header may name its own",
        ),
    ] = "wgs84",
    sheet: Annotated[
        str | None,
        Query(max_length=100, description="read only this worksheet of an .xlsx workbook"),
    ] = None,
) -> ImportResult:
    """Import a point file (``gis_data`` loaders), all-or-nothing: an .xlsx or CSV sheet, GeoJSON,
    or the waste features of an OSM extract (.osm, .osm.gz, .osm.pbf).

    Every bad row or feature is named with its field; with ``replace`` the district's points are
    replaced, otherwise added (an id already in the district is a conflict). Positions in GCJ-02
    or BD-09 (``crs``) are stored as WGS84.
    """
    repo.get_district(session, district_id)
    options = SheetOptions(crs=common.build(parse_crs, crs, where="query"), sheet=sheet)
    points = common.read_upload(
        file,
        name=Path(file.filename or "points").name.lower(),
        suffixes=IMPORT_SUFFIXES,
        max_bytes=MAX_IMPORT_BYTES,
        read=lambda path: read_points(path, options),
    )
    replaced = 0
    try:
        if replace:
            replaced = repo.delete_all(session, k.POINTS, district_id)
        repo.add_records(session, k.POINTS, district_id, list(points))
    except Exception:
        session.rollback()
        raise
    session.commit()
    return ImportResult(kind="collection points", created=len(points), replaced=replaced)
