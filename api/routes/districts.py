"""Districts: create, list, rename, delete, and whole-district import and export (problem file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, status

from api.core.errors import ConflictError
from api.db import models as m
from api.deps import AdminUser, PagingDep, SessionDep, StaffUser
from api.repositories import districts as repo
from api.repositories import kinds as k
from api.repositories.kinds import RecordKind
from api.schemas.districts import (
    DistrictCreate,
    DistrictPage,
    DistrictPublic,
    ProblemImport,
    RulesModel,
)
from api.schemas.fields import PathId
from routing.domain import BodyType, WasteStream
from routing.fleet import RuleParameters, StreamRule
from routing.problem_file import problem_from_dict, problem_to_dict, rules_to_dict

router = APIRouter(prefix="/districts", tags=["districts"])

KINDS: dict[str, RecordKind[Any, Any]] = {
    "points": k.POINTS,
    "depots": k.DEPOTS,
    "facilities": k.FACILITIES,
    "vehicle_types": k.VEHICLE_TYPES,
    "vehicles": k.VEHICLES,
    "crews": k.CREWS,
    "shifts": k.SHIFTS,
    "zones": k.ZONES,
}


def _public(session: SessionDep, district: m.District) -> DistrictPublic:
    counts = repo.record_counts(session, district.id, KINDS)
    return DistrictPublic(
        id=district.id,
        name=district.name,
        rules=district.rules,
        travel_speeds=district.travel_speeds,
        travel_method="straight-line" if district.road_osm is None else "road",
        road_network=None if district.road_osm is None else Path(district.road_osm).name,
        created_at=district.created_at,
        counts=counts,
    )


def _rules(model: RulesModel) -> RuleParameters:
    defaults = RuleParameters()
    stream_rules = defaults.stream_rules
    if model.stream_rules is not None:
        stream_rules = tuple(
            StreamRule(WasteStream(r.stream), frozenset(BodyType(b) for b in r.bodies), r.sealed)
            for r in model.stream_rules
        )
    return RuleParameters(
        on_board_limit_s=model.on_board_limit_s,
        handover_s=model.handover_s,
        stream_rules=stream_rules,
        haul_body=model.haul_body,
    )


def _speeds(travel: Any) -> dict[str, float]:
    """Straight-line speeds a problem file's travel section states, per profile."""
    speeds: dict[str, float] = {}
    for profile, spec in travel.items() if isinstance(travel, dict) else []:
        if isinstance(spec, dict) and isinstance(spec.get("speed_kmh"), int | float):
            speeds[str(profile)] = float(spec["speed_kmh"])
    return speeds


@router.get("")
def list_districts(session: SessionDep, user: StaffUser, paging: PagingDep) -> DistrictPage:
    """A page of districts by id."""
    rows, total = repo.list_districts(session, offset=paging.offset, limit=paging.limit)
    return DistrictPage(
        items=[_public(session, row) for row in rows],
        total=total,
        offset=paging.offset,
        limit=paging.limit,
    )


@router.post("", status_code=status.HTTP_201_CREATED)
def create_district(body: DistrictCreate, session: SessionDep, user: StaffUser) -> DistrictPublic:
    """A new, empty district."""
    district = repo.create_district(
        session, name=body.name, rules=_rules(body.rules), speeds_kmh=body.travel_speeds
    )
    session.commit()
    return _public(session, district)


@router.post("/import", status_code=status.HTTP_201_CREATED)
def import_district(body: ProblemImport, session: SessionDep, user: StaffUser) -> DistrictPublic:
    """A new district from a whole problem file, all-or-nothing; every defect is named."""
    raw = dict(body.problem)
    if not raw.get("travel"):
        types = raw.get("vehicle_types")
        profiles = {
            str(t.get("profile", "default"))
            for t in (types if isinstance(types, list) else [])
            if isinstance(t, dict)
        }
        raw["travel"] = {name: {"method": "straight-line"} for name in profiles or {"default"}}
    problem = problem_from_dict(raw, source="problem")
    district = repo.create_district(
        session,
        name=body.name or problem.name,
        rules=problem.rules,
        speeds_kmh=_speeds(raw["travel"]) | body.travel_speeds,
    )
    try:
        repo.store_problem(session, district, problem)
    except Exception:
        session.rollback()
        raise
    session.commit()
    return _public(session, district)


@router.get("/{district_id}")
def get_district(district_id: PathId, session: SessionDep, user: StaffUser) -> DistrictPublic:
    """One district with its record counts."""
    return _public(session, repo.get_district(session, district_id))


@router.put("/{district_id}")
def update_district(
    district_id: PathId, body: DistrictCreate, session: SessionDep, user: StaffUser
) -> DistrictPublic:
    """Rename a district, change its rule parameters and travel speeds."""
    district = repo.get_district(session, district_id)
    if repo.name_taken(session, body.name, other_than=district_id):
        raise ConflictError(f"a district is already named {body.name!r}", loc=("body", "name"))
    district.name = body.name
    district.rules = rules_to_dict(_rules(body.rules))
    district.travel_speeds = dict(body.travel_speeds)
    session.commit()
    return _public(session, district)


@router.delete("/{district_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_district(district_id: PathId, session: SessionDep, user: AdminUser) -> None:
    """Delete a district with its records, jobs and plans (admins only)."""
    session.delete(repo.get_district(session, district_id))
    session.commit()


@router.get("/{district_id}/problem")
def export_problem(district_id: PathId, session: SessionDep, user: StaffUser) -> dict[str, Any]:
    """The district as a problem file (travel as straight-line parameters)."""
    district = repo.get_district(session, district_id)
    return problem_to_dict(repo.load_problem(session, district))
