"""Facilities (transfer stations, landfills, plants) of a district, as GeoJSON."""

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
from api.schemas.records import FacilityFeature, FeaturePage
from routing.domain import FacilityKind

router = APIRouter(prefix="/districts/{district_id}/facilities", tags=["facilities"])
FACILITIES = f.FeatureKind(
    kind=k.FACILITIES,
    to_feature=c.facility_feature,
    from_feature=c.facility_from_feature,
    geom=m.FacilityRow.geom,
)
FacilityPage = FeaturePage[FacilityFeature]
FacilityBody = Annotated[FacilityFeature, Body(media_type=GEOJSON)]


@router.get(
    "",
    response_class=GeoJSONResponse,
    responses=common.geojson_responses(FacilityPage),
)
def list_facilities(
    district_id: PathId,
    session: SessionDep,
    user: StaffUser,
    paging: PagingDep,
    bbox: f.BBoxQuery = None,
    kind: FacilityKind | None = None,
) -> FacilityPage:
    """A page of the district's facility records, by id; filter by kind and box."""
    where = [] if kind is None else [m.FacilityRow.kind == kind.value]
    return f.feature_page(
        session, FACILITIES, district_id, paging, page=FacilityPage, bbox=bbox, where=where
    )


@router.post("", status_code=status.HTTP_201_CREATED, response_class=GeoJSONResponse)
def create_facility(
    district_id: PathId, feature: FacilityBody, session: SessionDep, user: StaffUser
) -> FacilityFeature:
    """Add a facility."""
    return f.create_feature(session, FACILITIES, district_id, feature)


@router.get("/{facility_id}", response_class=GeoJSONResponse)
def get_facility(
    district_id: PathId, facility_id: str, session: SessionDep, user: StaffUser
) -> FacilityFeature:
    """One facility."""
    return f.get_feature(session, FACILITIES, district_id, facility_id)


@router.put("/{facility_id}", response_class=GeoJSONResponse)
def replace_facility(
    district_id: PathId,
    facility_id: str,
    feature: FacilityBody,
    session: SessionDep,
    user: StaffUser,
) -> FacilityFeature:
    """Replace a facility (its id may change unless others refer to it)."""
    return f.replace_feature(session, FACILITIES, district_id, facility_id, feature)


@router.delete("/{facility_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_facility(
    district_id: PathId, facility_id: str, session: SessionDep, user: StaffUser
) -> None:
    """Delete a facility; one that others refer to stays (409)."""
    common.delete_one(session, k.FACILITIES, district_id, facility_id)
