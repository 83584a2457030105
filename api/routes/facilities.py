"""Facilities (transfer stations, landfills, plants) of a district, as GeoJSON."""

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
from api.schemas.records import FacilityFeature, FeaturePage
from routing.domain import FacilityKind

router = APIRouter(prefix="/districts/{district_id}/facilities", tags=["facilities"])
BodyFacilityFeature = Annotated[FacilityFeature, Body(media_type=GEOJSON)]


@router.get(
    "",
    response_model=FeaturePage[FacilityFeature],
    response_class=GeoJSONResponse,
    responses=common.geojson_responses(FeaturePage[FacilityFeature]),
)
def list_facilities(
    district_id: int,
    session: SessionDep,
    user: StaffUser,
    paging: PagingDep,
    bbox: Annotated[str | None, Query(description="west,south,east,north (WGS84)")] = None,
    kind: FacilityKind | None = None,
) -> FeaturePage[FacilityFeature]:
    """A page of the district's facility records, by id; filter by box."""
    repo.get_district(session, district_id)
    where = common.bbox_filter(session, m.FacilityRow.geom, bbox)
    if kind is not None:
        where.append(m.FacilityRow.kind == kind.value)
    rows, total = repo.list_rows(
        session, k.FACILITIES, district_id, offset=paging.offset, limit=paging.limit, where=where
    )
    features = [c.facility_feature(k.FACILITIES.from_row(row)) for row in rows]
    return FeaturePage[FacilityFeature](
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
    response_model=FacilityFeature,
    response_class=GeoJSONResponse,
)
def create_facility(
    district_id: int, feature: BodyFacilityFeature, session: SessionDep, user: StaffUser
) -> FacilityFeature:
    """Add a facility."""
    record = common.build(c.facility_from_feature, feature)
    common.add_one(session, k.FACILITIES, district_id, record)
    return c.facility_feature(record)


@router.get("/{facility_id}", response_model=FacilityFeature, response_class=GeoJSONResponse)
def get_facility(
    district_id: int, facility_id: str, session: SessionDep, user: StaffUser
) -> FacilityFeature:
    """One facility."""
    row = repo.get_row(session, k.FACILITIES, district_id, facility_id)
    return c.facility_feature(k.FACILITIES.from_row(row))


@router.put("/{facility_id}", response_model=FacilityFeature, response_class=GeoJSONResponse)
def replace_facility(
    district_id: int,
    facility_id: str,
    feature: BodyFacilityFeature,
    session: SessionDep,
    user: StaffUser,
) -> FacilityFeature:
    """Replace a facility (its id may change unless others refer to it)."""
    record = common.build(c.facility_from_feature, feature)
    common.replace_one(session, k.FACILITIES, district_id, facility_id, record)
    return c.facility_feature(record)


@router.delete("/{facility_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_facility(
    district_id: int, facility_id: str, session: SessionDep, user: StaffUser
) -> None:
    """Delete a facility; one that others refer to stays (409)."""
    common.delete_one(session, k.FACILITIES, district_id, facility_id)
