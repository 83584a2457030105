"""Restricted zones (polygons) of a district, as GeoJSON."""

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
from api.schemas.records import FeaturePage, ZoneFeature

router = APIRouter(prefix="/districts/{district_id}/zones", tags=["zones"])
BodyZoneFeature = Annotated[ZoneFeature, Body(media_type=GEOJSON)]


@router.get(
    "",
    response_model=FeaturePage[ZoneFeature],
    response_class=GeoJSONResponse,
    responses=common.geojson_responses(FeaturePage[ZoneFeature]),
)
def list_zones(
    district_id: int,
    session: SessionDep,
    user: StaffUser,
    paging: PagingDep,
    bbox: Annotated[str | None, Query(description="west,south,east,north (WGS84)")] = None,
) -> FeaturePage[ZoneFeature]:
    """A page of the district's zone records, by id; filter by box."""
    repo.get_district(session, district_id)
    where = common.bbox_filter(session, m.ZoneRow.geom, bbox)
    rows, total = repo.list_rows(
        session, k.ZONES, district_id, offset=paging.offset, limit=paging.limit, where=where
    )
    features = [c.zone_feature(k.ZONES.from_row(row)) for row in rows]
    return FeaturePage[ZoneFeature](
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
    response_model=ZoneFeature,
    response_class=GeoJSONResponse,
)
def create_zone(
    district_id: int, feature: BodyZoneFeature, session: SessionDep, user: StaffUser
) -> ZoneFeature:
    """Add a restricted zone."""
    record = common.build(c.zone_from_feature, feature)
    common.add_one(session, k.ZONES, district_id, record)
    return c.zone_feature(record)


@router.get("/{zone_id}", response_model=ZoneFeature, response_class=GeoJSONResponse)
def get_zone(district_id: int, zone_id: str, session: SessionDep, user: StaffUser) -> ZoneFeature:
    """One restricted zone."""
    row = repo.get_row(session, k.ZONES, district_id, zone_id)
    return c.zone_feature(k.ZONES.from_row(row))


@router.put("/{zone_id}", response_model=ZoneFeature, response_class=GeoJSONResponse)
def replace_zone(
    district_id: int, zone_id: str, feature: BodyZoneFeature, session: SessionDep, user: StaffUser
) -> ZoneFeature:
    """Replace a restricted zone (its id may change unless others refer to it)."""
    record = common.build(c.zone_from_feature, feature)
    common.replace_one(session, k.ZONES, district_id, zone_id, record)
    return c.zone_feature(record)


@router.delete("/{zone_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_zone(district_id: int, zone_id: str, session: SessionDep, user: StaffUser) -> None:
    """Delete a restricted zone; one that others refer to stays (409)."""
    common.delete_one(session, k.ZONES, district_id, zone_id)
