"""Crews of a district: working time, break and legal hours."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.deps import PagingDep, SessionDep, StaffUser
from api.repositories import convert_records as c
from api.repositories import districts as repo
from api.repositories import kinds as k
from api.routes import common
from api.schemas.fields import PathId
from api.schemas.records import CrewRecord, Page

router = APIRouter(prefix="/districts/{district_id}/crews", tags=["crews"])


@router.get("")
def list_crews(
    district_id: PathId, session: SessionDep, user: StaffUser, paging: PagingDep
) -> Page[CrewRecord]:
    """A page of the district's crew records, by id."""
    repo.get_district(session, district_id)
    rows, total = repo.list_rows(
        session, k.CREWS, district_id, offset=paging.offset, limit=paging.limit
    )
    items = [c.crew_record(k.CREWS.from_row(row)) for row in rows]
    return Page[CrewRecord](items=items, total=total, offset=paging.offset, limit=paging.limit)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_crew(
    district_id: PathId, body: CrewRecord, session: SessionDep, user: StaffUser
) -> CrewRecord:
    """Add a crew."""
    record = common.build(c.crew_from_record, body)
    common.add_one(session, k.CREWS, district_id, record)
    return c.crew_record(record)


@router.get("/{crew_id}")
def get_crew(district_id: PathId, crew_id: str, session: SessionDep, user: StaffUser) -> CrewRecord:
    """One crew."""
    row = repo.get_row(session, k.CREWS, district_id, crew_id)
    return c.crew_record(k.CREWS.from_row(row))


@router.put("/{crew_id}")
def replace_crew(
    district_id: PathId, crew_id: str, body: CrewRecord, session: SessionDep, user: StaffUser
) -> CrewRecord:
    """Replace a crew (its id may change unless others refer to it)."""
    record = common.build(c.crew_from_record, body)
    common.replace_one(session, k.CREWS, district_id, crew_id, record)
    return c.crew_record(record)


@router.delete("/{crew_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_crew(district_id: PathId, crew_id: str, session: SessionDep, user: StaffUser) -> None:
    """Delete a crew; one that others refer to stays (409)."""
    common.delete_one(session, k.CREWS, district_id, crew_id)
