"""The day's shifts of a district."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.deps import PagingDep, SessionDep, StaffUser
from api.repositories import convert_records as c
from api.repositories import districts as repo
from api.repositories import kinds as k
from api.routes import common
from api.schemas.fields import PathId
from api.schemas.records import Page, ShiftRecord

router = APIRouter(prefix="/districts/{district_id}/shifts", tags=["shifts"])


@router.get("")
def list_shifts(
    district_id: PathId, session: SessionDep, user: StaffUser, paging: PagingDep
) -> Page[ShiftRecord]:
    """A page of the district's shift records, by id."""
    repo.get_district(session, district_id)
    rows, total = repo.list_rows(
        session, k.SHIFTS, district_id, offset=paging.offset, limit=paging.limit
    )
    items = [c.shift_record(k.SHIFTS.from_row(row)) for row in rows]
    return Page[ShiftRecord](items=items, total=total, offset=paging.offset, limit=paging.limit)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_shift(
    district_id: PathId, body: ShiftRecord, session: SessionDep, user: StaffUser
) -> ShiftRecord:
    """Add a shift."""
    record = common.build(c.shift_from_record, body)
    common.add_one(session, k.SHIFTS, district_id, record)
    return c.shift_record(record)


@router.get("/{shift_id}")
def get_shift(
    district_id: PathId, shift_id: str, session: SessionDep, user: StaffUser
) -> ShiftRecord:
    """One shift."""
    row = repo.get_row(session, k.SHIFTS, district_id, shift_id)
    return c.shift_record(k.SHIFTS.from_row(row))


@router.put("/{shift_id}")
def replace_shift(
    district_id: PathId, shift_id: str, body: ShiftRecord, session: SessionDep, user: StaffUser
) -> ShiftRecord:
    """Replace a shift (its id may change unless others refer to it)."""
    record = common.build(c.shift_from_record, body)
    common.replace_one(session, k.SHIFTS, district_id, shift_id, record)
    return c.shift_record(record)


@router.delete("/{shift_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_shift(district_id: PathId, shift_id: str, session: SessionDep, user: StaffUser) -> None:
    """Delete a shift; one that others refer to stays (409)."""
    common.delete_one(session, k.SHIFTS, district_id, shift_id)
