"""Depots of a district, as GeoJSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, status

from api.db import models as m
from api.deps import PagingDep, SessionDep, StaffUser
from api.repositories import convert as c
from api.repositories import districts as repo
from api.repositories import kinds as k
from api.routes import common
from api.routes.common import GEOJSON, GeoJSONResponse
from api.schemas.records import DepotFeature, FeaturePage

router = APIRouter(prefix="/districts/{district_id}/depots", tags=["depots"])
BodyDepotFeature = Annotated[DepotFeature, Body(media_type=GEOJSON)]


@router.get(
    "",
    response_model=FeaturePage[DepotFeature],
    response_class=GeoJSONResponse,
    responses=common.geojson_responses(FeaturePage[DepotFeature]),
)
def list_depots(
    district_id: int,
    session: SessionDep,
    user: StaffUser,
    paging: PagingDep,
    bbox: Annotated[str | None, Query(description="west,south,east,north (WGS84)")] = None,
) -> FeaturePage[DepotFeature]:
    """A page of the district's depot records, by id; filter by box."""
    repo.get_district(session, district_id)
    where = common.bbox_filter(session, m.DepotRow.geom, bbox)
    rows, total = repo.list_rows(
        session, k.DEPOTS, district_id, offset=paging.offset, limit=paging.limit, where=where
    )
    features = [c.depot_feature(k.DEPOTS.from_row(row)) for row in rows]
    return FeaturePage[DepotFeature](
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
    response_model=DepotFeature,
    response_class=GeoJSONResponse,
)
def create_depot(
    district_id: int, feature: BodyDepotFeature, session: SessionDep, user: StaffUser
) -> DepotFeature:
    """Add a depot."""
    record = common.build(c.depot_from_feature, feature)
    common.add_one(session, k.DEPOTS, district_id, record)
    return c.depot_feature(record)


@router.get("/{depot_id}", response_model=DepotFeature, response_class=GeoJSONResponse)
def get_depot(
    district_id: int, depot_id: str, session: SessionDep, user: StaffUser
) -> DepotFeature:
    """One depot."""
    row = repo.get_row(session, k.DEPOTS, district_id, depot_id)
    return c.depot_feature(k.DEPOTS.from_row(row))


@router.put("/{depot_id}", response_model=DepotFeature, response_class=GeoJSONResponse)
def replace_depot(
    district_id: int, depot_id: str, feature: BodyDepotFeature, session: SessionDep, user: StaffUser
) -> DepotFeature:
    """Replace a depot (its id may change unless others refer to it)."""
    record = common.build(c.depot_from_feature, feature)
    common.replace_one(session, k.DEPOTS, district_id, depot_id, record)
    return c.depot_feature(record)


@router.delete("/{depot_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_depot(district_id: int, depot_id: str, session: SessionDep, user: StaffUser) -> None:
    """Delete a depot; one that others refer to stays (409)."""
    common.delete_one(session, k.DEPOTS, district_id, depot_id)
