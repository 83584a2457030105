"""Vehicles of a district: each of a type, garaged at a depot."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.deps import PagingDep, SessionDep, StaffUser
from api.repositories import convert_records as c
from api.repositories import districts as repo
from api.repositories import kinds as k
from api.routes import common
from api.schemas.fields import PathId
from api.schemas.records import Page, VehicleRecord

router = APIRouter(prefix="/districts/{district_id}/vehicles", tags=["vehicles"])


@router.get("")
def list_vehicles(
    district_id: PathId, session: SessionDep, user: StaffUser, paging: PagingDep
) -> Page[VehicleRecord]:
    """A page of the district's vehicle records, by id."""
    repo.get_district(session, district_id)
    rows, total = repo.list_rows(
        session, k.VEHICLES, district_id, offset=paging.offset, limit=paging.limit
    )
    items = [c.vehicle_record(k.VEHICLES.from_row(row)) for row in rows]
    return Page[VehicleRecord](items=items, total=total, offset=paging.offset, limit=paging.limit)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_vehicle(
    district_id: PathId, body: VehicleRecord, session: SessionDep, user: StaffUser
) -> VehicleRecord:
    """Add a vehicle."""
    record = common.build(c.vehicle_from_record, body)
    common.add_one(session, k.VEHICLES, district_id, record)
    return c.vehicle_record(record)


@router.get("/{vehicle_id}")
def get_vehicle(
    district_id: PathId, vehicle_id: str, session: SessionDep, user: StaffUser
) -> VehicleRecord:
    """One vehicle."""
    row = repo.get_row(session, k.VEHICLES, district_id, vehicle_id)
    return c.vehicle_record(k.VEHICLES.from_row(row))


@router.put("/{vehicle_id}")
def replace_vehicle(
    district_id: PathId, vehicle_id: str, body: VehicleRecord, session: SessionDep, user: StaffUser
) -> VehicleRecord:
    """Replace a vehicle (its id may change unless others refer to it)."""
    record = common.build(c.vehicle_from_record, body)
    common.replace_one(session, k.VEHICLES, district_id, vehicle_id, record)
    return c.vehicle_record(record)


@router.delete("/{vehicle_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_vehicle(
    district_id: PathId, vehicle_id: str, session: SessionDep, user: StaffUser
) -> None:
    """Delete a vehicle; one that others refer to stays (409)."""
    common.delete_one(session, k.VEHICLES, district_id, vehicle_id)
