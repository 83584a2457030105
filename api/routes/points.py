"""Collection points of a district, as GeoJSON; imports of CSV / GeoJSON point files."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Body, Query, UploadFile, status

from api.db import models as m
from api.deps import PagingDep, SessionDep, StaffUser
from api.repositories import convert as c
from api.repositories import districts as repo
from api.repositories import kinds as k
from api.routes import common
from api.routes.common import GEOJSON, GeoJSONResponse
from api.schemas.records import FeaturePage, ImportResult, PointFeature
from gis_data.points import read_points
from routing.domain import WasteStream
from routing.errors import Defect, ProblemError

router = APIRouter(prefix="/districts/{district_id}/points", tags=["collection points"])
PointBody = Annotated[PointFeature, Body(media_type=GEOJSON)]
MAX_IMPORT_BYTES = 50 * 1024 * 1024


@router.get(
    "",
    response_model=FeaturePage[PointFeature],
    response_class=GeoJSONResponse,
    responses=common.geojson_responses(FeaturePage[PointFeature]),
)
def list_points(
    district_id: int,
    session: SessionDep,
    user: StaffUser,
    paging: PagingDep,
    stream: WasteStream | None = None,
    bbox: Annotated[str | None, Query(description="west,south,east,north (WGS84)")] = None,
) -> FeaturePage[PointFeature]:
    """A page of the district's collection points, by id; filter by stream and box."""
    repo.get_district(session, district_id)
    where = common.bbox_filter(session, m.CollectionPointRow.geom, bbox)
    if stream is not None:
        where.append(m.CollectionPointRow.stream == stream.value)
    rows, total = repo.list_rows(
        session, k.POINTS, district_id, offset=paging.offset, limit=paging.limit, where=where
    )
    features = [c.point_feature(k.POINTS.from_row(row)) for row in rows]
    return FeaturePage[PointFeature](
        type="FeatureCollection",
        features=features,
        number_matched=total,
        number_returned=len(features),
        offset=paging.offset,
        limit=paging.limit,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=PointFeature,
    response_class=GeoJSONResponse,
)
def create_point(
    district_id: int, feature: PointBody, session: SessionDep, user: StaffUser
) -> PointFeature:
    """Add a collection point."""
    point = common.build(c.point_from_feature, feature)
    common.add_one(session, k.POINTS, district_id, point)
    return c.point_feature(point)


@router.get("/{point_id}", response_model=PointFeature, response_class=GeoJSONResponse)
def get_point(
    district_id: int, point_id: str, session: SessionDep, user: StaffUser
) -> PointFeature:
    """One collection point."""
    return c.point_feature(
        k.POINTS.from_row(repo.get_row(session, k.POINTS, district_id, point_id))
    )


@router.put("/{point_id}", response_model=PointFeature, response_class=GeoJSONResponse)
def replace_point(
    district_id: int, point_id: str, feature: PointBody, session: SessionDep, user: StaffUser
) -> PointFeature:
    """Replace a collection point (its id may change)."""
    point = common.build(c.point_from_feature, feature)
    common.replace_one(session, k.POINTS, district_id, point_id, point)
    return c.point_feature(point)


@router.delete("/{point_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_point(district_id: int, point_id: str, session: SessionDep, user: StaffUser) -> None:
    """Delete a collection point."""
    common.delete_one(session, k.POINTS, district_id, point_id)


@router.post("/import", status_code=status.HTTP_201_CREATED)
def import_points(
    district_id: int,
    file: UploadFile,
    session: SessionDep,
    user: StaffUser,
    replace: bool = False,
) -> ImportResult:
    """Import a CSV or GeoJSON point file (``gis_data`` loaders), all-or-nothing.

    Every bad row or feature is named with its field; with ``replace`` the district's points are
    replaced, otherwise added (an id already in the district is a conflict).
    """
    repo.get_district(session, district_id)
    name = Path(file.filename or "points").name.lower()
    if not name.endswith((".csv", ".geojson", ".json")):
        raise ProblemError(
            [Defect("file", "filename", "must end in .csv, .geojson or .json")], source="upload"
        )
    data = file.file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise ProblemError([Defect("file", "size", "is above 50 MiB")], source="upload")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            points = read_points(path)
        except ProblemError as error:
            raise ProblemError(error.defects, source=name) from None
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
