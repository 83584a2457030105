"""Vehicle types (body, size, capacity, costs, travel profile) of a district."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.deps import PagingDep, SessionDep, StaffUser
from api.repositories import convert_records as c
from api.repositories import districts as repo
from api.repositories import kinds as k
from api.routes import common
from api.schemas.fields import PathId
from api.schemas.records import Page, VehicleTypeRecord

router = APIRouter(prefix="/districts/{district_id}/vehicle-types", tags=["vehicles"])


@router.get("")
def list_vehicle_types(
    district_id: PathId, session: SessionDep, user: StaffUser, paging: PagingDep
) -> Page[VehicleTypeRecord]:
    """A page of the district's vehicle type records, by id."""
    repo.get_district(session, district_id)
    rows, total = repo.list_rows(
        session, k.VEHICLE_TYPES, district_id, offset=paging.offset, limit=paging.limit
    )
    items = [c.vehicle_type_record(k.VEHICLE_TYPES.from_row(row)) for row in rows]
    return Page[VehicleTypeRecord](
        items=items, total=total, offset=paging.offset, limit=paging.limit
    )


@router.post("", status_code=status.HTTP_201_CREATED)
def create_vehicle_type(
    district_id: PathId, body: VehicleTypeRecord, session: SessionDep, user: StaffUser
) -> VehicleTypeRecord:
    """Add a vehicle type."""
    record = common.build(c.vehicle_type_from_record, body)
    common.add_one(session, k.VEHICLE_TYPES, district_id, record)
    return c.vehicle_type_record(record)


@router.get("/{type_id}")
def get_vehicle_type(
    district_id: PathId, type_id: str, session: SessionDep, user: StaffUser
) -> VehicleTypeRecord:
    """One vehicle type."""
    row = repo.get_row(session, k.VEHICLE_TYPES, district_id, type_id)
    return c.vehicle_type_record(k.VEHICLE_TYPES.from_row(row))


@router.put("/{type_id}")
def replace_vehicle_type(
    district_id: PathId, type_id: str, body: VehicleTypeRecord, session: SessionDep, user: StaffUser
) -> VehicleTypeRecord:
    """Replace a vehicle type (its id may change unless others refer to it)."""
    record = common.build(c.vehicle_type_from_record, body)
    common.replace_one(session, k.VEHICLE_TYPES, district_id, type_id, record)
    return c.vehicle_type_record(record)


@router.delete("/{type_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_vehicle_type(
    district_id: PathId, type_id: str, session: SessionDep, user: StaffUser
) -> None:
    """Delete a vehicle type; one that others refer to stays (409)."""
    common.delete_one(session, k.VEHICLE_TYPES, district_id, type_id)
