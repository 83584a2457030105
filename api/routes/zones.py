"""Restricted zones (polygons) of a district, as GeoJSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, status

from api.db import models as m
from api.deps import PagingDep, SessionDep, StaffUser
from api.repositories import convert_features as c
from api.repositories import kinds as k
from api.routes import common
from api.routes import features as f
from api.routes.common import GEOJSON, GeoJSONResponse
from api.schemas.fields import PathId
from api.schemas.records import FeaturePage, ZoneFeature

router = APIRouter(prefix="/districts/{district_id}/zones", tags=["zones"])
ZONES = f.FeatureKind(
    kind=k.ZONES,
    to_feature=c.zone_feature,
    from_feature=c.zone_from_feature,
    geom=m.ZoneRow.geom,
)
ZonePage = FeaturePage[ZoneFeature]
ZoneBody = Annotated[ZoneFeature, Body(media_type=GEOJSON)]


@router.get(
    "",
    response_class=GeoJSONResponse,
    responses=common.geojson_responses(ZonePage),
)
def list_zones(
    district_id: PathId,
    session: SessionDep,
    user: StaffUser,
    paging: PagingDep,
    bbox: f.BBoxQuery = None,
) -> ZonePage:
    """A page of the district's restricted zone records, by id; filter by box."""
    return f.feature_page(session, ZONES, district_id, paging, page=ZonePage, bbox=bbox)


@router.post("", status_code=status.HTTP_201_CREATED, response_class=GeoJSONResponse)
def create_zone(
    district_id: PathId, feature: ZoneBody, session: SessionDep, user: StaffUser
) -> ZoneFeature:
    """Add a restricted zone."""
    return f.create_feature(session, ZONES, district_id, feature)


@router.get("/{zone_id}", response_class=GeoJSONResponse)
def get_zone(
    district_id: PathId, zone_id: str, session: SessionDep, user: StaffUser
) -> ZoneFeature:
    """One restricted zone."""
    return f.get_feature(session, ZONES, district_id, zone_id)


@router.put("/{zone_id}", response_class=GeoJSONResponse)
def replace_zone(
    district_id: PathId, zone_id: str, feature: ZoneBody, session: SessionDep, user: StaffUser
) -> ZoneFeature:
    """Replace a restricted zone (its id may change unless others refer to it)."""
    return f.replace_feature(session, ZONES, district_id, zone_id, feature)


@router.delete("/{zone_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_zone(district_id: PathId, zone_id: str, session: SessionDep, user: StaffUser) -> None:
    """Delete a restricted zone; one that others refer to stays (409)."""
    common.delete_one(session, k.ZONES, district_id, zone_id)
