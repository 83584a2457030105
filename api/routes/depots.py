"""Depots of a district, as GeoJSON."""

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
from api.schemas.records import DepotFeature, FeaturePage

router = APIRouter(prefix="/districts/{district_id}/depots", tags=["depots"])
DEPOTS = f.FeatureKind(
    kind=k.DEPOTS,
    to_feature=c.depot_feature,
    from_feature=c.depot_from_feature,
    geom=m.DepotRow.geom,
)
DepotPage = FeaturePage[DepotFeature]
DepotBody = Annotated[DepotFeature, Body(media_type=GEOJSON)]


@router.get(
    "",
    response_class=GeoJSONResponse,
    responses=common.geojson_responses(DepotPage),
)
def list_depots(
    district_id: PathId,
    session: SessionDep,
    user: StaffUser,
    paging: PagingDep,
    bbox: f.BBoxQuery = None,
) -> DepotPage:
    """A page of the district's depot records, by id; filter by box."""
    return f.feature_page(session, DEPOTS, district_id, paging, page=DepotPage, bbox=bbox)


@router.post("", status_code=status.HTTP_201_CREATED, response_class=GeoJSONResponse)
def create_depot(
    district_id: PathId, feature: DepotBody, session: SessionDep, user: StaffUser
) -> DepotFeature:
    """Add a depot."""
    return f.create_feature(session, DEPOTS, district_id, feature)


@router.get("/{depot_id}", response_class=GeoJSONResponse)
def get_depot(
    district_id: PathId, depot_id: str, session: SessionDep, user: StaffUser
) -> DepotFeature:
    """One depot."""
    return f.get_feature(session, DEPOTS, district_id, depot_id)


@router.put("/{depot_id}", response_class=GeoJSONResponse)
def replace_depot(
    district_id: PathId, depot_id: str, feature: DepotBody, session: SessionDep, user: StaffUser
) -> DepotFeature:
    """Replace a depot (its id may change unless others refer to it)."""
    return f.replace_feature(session, DEPOTS, district_id, depot_id, feature)


@router.delete("/{depot_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_depot(district_id: PathId, depot_id: str, session: SessionDep, user: StaffUser) -> None:
    """Delete a depot; one that others refer to stays (409)."""
    common.delete_one(session, k.DEPOTS, district_id, depot_id)
