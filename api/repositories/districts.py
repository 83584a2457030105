"""Districts and their records: storing, listing, checking, and turning rows into a Problem.

Every write is checked as a whole before it is committed: the district's records, with the change,
must keep every cross-reference the routing model checks (a vehicle's type and depot exist, ids are
unique across points, depots and facilities, …). A district still being built may lack depots or
shifts; those completeness checks are left to planning time, when the rows become a
:class:`~routing.problem.Problem`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import numpy as np
from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from api.core.errors import ConflictError, NotFoundError
from api.db import models as m
from api.repositories import kinds as k
from api.repositories.kinds import RecordKind
from api.repositories.travel import build_road_travel, build_travel, travel_section
from routing.domain import CollectionPoint, Depot, Facility, Location
from routing.errors import DefectCollector, ProblemError
from routing.fleet import Crew, RuleParameters, Shift, Vehicle, VehicleType, Zone
from routing.problem import Problem, check_references, locations_by_id
from routing.problem_file import rules_from_dict, rules_to_dict
from routing.travel import TravelMatrix

Rec = TypeVar("Rec")
RowT = TypeVar("RowT")


@dataclass(frozen=True, slots=True)
class DistrictRecords:
    """Every record of a district, as routing objects (a :class:`ProblemParts`)."""

    points: tuple[CollectionPoint, ...]
    depots: tuple[Depot, ...]
    facilities: tuple[Facility, ...]
    vehicle_types: tuple[VehicleType, ...]
    vehicles: tuple[Vehicle, ...]
    crews: tuple[Crew, ...]
    shifts: tuple[Shift, ...]
    zones: tuple[Zone, ...]
    rules: RuleParameters
    travel: Mapping[str, TravelMatrix]

    def locations(self) -> dict[str, Location]:
        """Every place of the district by id."""
        return locations_by_id(self.points, self.depots, self.facilities)


# ---------------------------------------------------------------- districts


def get_district(session: Session, district_id: int) -> m.District:
    """The district, or :class:`NotFoundError`."""
    district = session.get(m.District, district_id)
    if district is None:
        raise NotFoundError(f"no district {district_id}", loc=("path", "district_id"))
    return district


def name_taken(session: Session, name: str, *, other_than: int | None = None) -> bool:
    """Whether a district (other than ``other_than``) is named ``name``."""
    query = select(m.District.id).where(m.District.name == name)
    if other_than is not None:
        query = query.where(m.District.id != other_than)
    return session.scalar(query.limit(1)) is not None


def record_counts(
    session: Session, district_id: int, kinds: Mapping[str, RecordKind[Any, Any]]
) -> dict[str, int]:
    """How many records of each kind the district has, by the kinds' names."""
    counts = {}
    for name, kind in kinds.items():
        row = cast(Any, kind.row)
        query = select(func.count()).select_from(row).where(row.district_id == district_id)
        counts[name] = session.scalar(query) or 0
    return counts


def district_box(session: Session, district_id: int) -> tuple[float, ...] | None:
    """West, south, east, north of the district's collection points and depots (None if it
    has neither)."""
    boxes = []
    for row in (m.CollectionPointRow, m.DepotRow):
        x, y = func.ST_X(row.geom), func.ST_Y(row.geom)
        found = session.execute(
            select(func.min(x), func.min(y), func.max(x), func.max(y)).where(
                row.district_id == district_id
            )
        ).one()
        if found[0] is not None:
            boxes.append(tuple(float(v) for v in found))
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def list_districts(session: Session, *, offset: int, limit: int) -> tuple[list[m.District], int]:
    """A page of districts by id, and how many there are."""
    total = session.scalar(select(func.count()).select_from(m.District)) or 0
    rows = session.scalars(select(m.District).order_by(m.District.id).offset(offset).limit(limit))
    return list(rows), total


def create_district(
    session: Session, *, name: str, rules: RuleParameters, speeds_kmh: Mapping[str, float]
) -> m.District:
    """A new, empty district; a taken name is a :class:`ConflictError`."""
    if session.scalar(select(m.District.id).where(m.District.name == name)) is not None:
        raise ConflictError(f"a district is already named {name!r}", loc=("body", "name"))
    district = m.District(name=name, rules=rules_to_dict(rules), travel_speeds=dict(speeds_kmh))
    session.add(district)
    session.flush()
    return district


def replace_district(
    session: Session, problem: Problem, *, speeds_kmh: Mapping[str, float]
) -> m.District:
    """A district named as ``problem`` holding its records, in place of any of that name.

    The old district goes with its records, jobs and plans (flushed, not committed).
    """
    old = session.scalar(select(m.District).where(m.District.name == problem.name))
    if old is not None:
        session.delete(old)
        session.flush()
    district = create_district(
        session, name=problem.name, rules=problem.rules, speeds_kmh=speeds_kmh
    )
    store_problem(session, district, problem)
    return district


def store_problem(session: Session, district: m.District, problem: Problem) -> int:
    """Write every record of ``problem`` into the (empty) ``district``; returns the count."""
    count = 0
    for kind, records in _kinds_and_records(problem):
        for record in records:
            session.add(kind.row(district_id=district.id, **kind.values(record)))
            count += 1
    session.flush()
    return count


def _kinds_and_records(parts: Any) -> list[tuple[RecordKind[Any, Any], Sequence[Any]]]:
    return [
        (k.DEPOTS, parts.depots),
        (k.FACILITIES, parts.facilities),
        (k.POINTS, parts.points),
        (k.VEHICLE_TYPES, parts.vehicle_types),
        (k.VEHICLES, parts.vehicles),
        (k.CREWS, parts.crews),
        (k.SHIFTS, parts.shifts),
        (k.ZONES, parts.zones),
    ]


# ---------------------------------------------------------------- records


def list_rows(
    session: Session,
    kind: RecordKind[Rec, RowT],
    district_id: int,
    *,
    offset: int,
    limit: int,
    where: Iterable[ColumnElement[bool]] = (),
) -> tuple[list[RowT], int]:
    """A page of a district's records of ``kind`` by id, and how many match ``where``."""
    row = cast(Any, kind.row)
    conditions = [row.district_id == district_id, *where]
    total = session.scalar(select(func.count()).select_from(row).where(*conditions)) or 0
    rows = session.scalars(
        select(row).where(*conditions).order_by(row.code).offset(offset).limit(limit)
    )
    return list(rows), total


def get_row(session: Session, kind: RecordKind[Rec, RowT], district_id: int, code: str) -> RowT:
    """The row of record ``code``, or :class:`NotFoundError`."""
    row_class = cast(Any, kind.row)
    row = session.scalar(
        select(row_class).where(row_class.district_id == district_id, row_class.code == code)
    )
    if row is None:
        raise NotFoundError(f"no {kind.label} {code!r} in district {district_id}", loc=("path",))
    return cast(RowT, row)


def add_records(
    session: Session, kind: RecordKind[Rec, RowT], district_id: int, records: Sequence[Rec]
) -> None:
    """Add ``records``; then check the district as a whole (nothing is kept if a check fails)."""
    codes = [cast(Any, r).id for r in records]
    row_class = cast(Any, kind.row)
    taken = set(
        session.scalars(
            select(row_class.code).where(
                row_class.district_id == district_id, row_class.code.in_(codes)
            )
        )
    )
    if taken:
        shown = ", ".join(sorted(taken)[:10])
        raise ConflictError(f"{kind.label} id(s) already in the district: {shown}", loc=("id",))
    for record in records:
        session.add(row_class(district_id=district_id, **kind.values(record)))
    session.flush()
    check_district(session, district_id)


def replace_record(
    session: Session, kind: RecordKind[Rec, RowT], district_id: int, code: str, record: Rec
) -> None:
    """Replace record ``code`` by ``record`` (which may carry a new id); then check the district."""
    row = get_row(session, kind, district_id, code)
    new_code = cast(Any, record).id
    if new_code != code:
        row_class = cast(Any, kind.row)
        clash = session.scalar(
            select(row_class.id).where(
                row_class.district_id == district_id, row_class.code == new_code
            )
        )
        if clash is not None:
            raise ConflictError(f"{kind.label} {new_code!r} exists already", loc=("body", "id"))
    for name, value in kind.values(record).items():
        setattr(row, name, value)
    session.flush()
    check_district(session, district_id, conflict=new_code != code)


def delete_record(
    session: Session, kind: RecordKind[Rec, RowT], district_id: int, code: str
) -> None:
    """Delete record ``code``; a record others refer to is a :class:`ConflictError`."""
    session.delete(get_row(session, kind, district_id, code))
    session.flush()
    check_district(session, district_id, conflict=True)


def delete_all(session: Session, kind: RecordKind[Rec, RowT], district_id: int) -> int:
    """Delete every record of ``kind`` (before a replacing import); returns how many."""
    row_class = cast(Any, kind.row)
    result = session.execute(delete(row_class).where(row_class.district_id == district_id))
    return int(cast(Any, result).rowcount or 0)


def district_records(
    session: Session, district: m.District, *, with_travel: bool = True, roads: bool = True
) -> DistrictRecords:
    """Every record of ``district`` as routing objects, with its travel matrices: on its road
    network where it has one (unless not ``roads``: straight lines, for checks), else straight
    lines."""

    def load(kind: RecordKind[Rec, Any]) -> tuple[Rec, ...]:
        row_class = cast(Any, kind.row)
        rows = session.scalars(
            select(row_class).where(row_class.district_id == district.id).order_by(row_class.id)
        )
        return tuple(kind.from_row(row) for row in rows)

    parts = DistrictRecords(
        points=load(k.POINTS),
        depots=load(k.DEPOTS),
        facilities=load(k.FACILITIES),
        vehicle_types=load(k.VEHICLE_TYPES),
        vehicles=load(k.VEHICLES),
        crews=load(k.CREWS),
        shifts=load(k.SHIFTS),
        zones=load(k.ZONES),
        rules=rules_from_dict(district.rules, source=f"district {district.name}"),
        travel={},
    )
    section = travel_section(parts.vehicle_types, district.travel_speeds)
    if with_travel and roads and district.road_osm is not None:
        travel = build_road_travel(
            district.road_osm,
            parts.locations(),
            parts.vehicle_types,
            parts.zones,
            places=[d.id for d in parts.depots] + [f.id for f in parts.facilities],
        )
    elif with_travel:
        travel = build_travel(parts.locations(), section)
    else:
        # Cross-reference checks need only the profile names.
        empty = np.zeros((0, 0), dtype=np.int64)
        travel = {name: TravelMatrix(name, (), empty, empty) for name in section}
    return DistrictRecords(**{**_fields(parts), "travel": travel})


def _fields(parts: DistrictRecords) -> dict[str, Any]:
    return {name: getattr(parts, name) for name in DistrictRecords.__slots__}


def check_district(session: Session, district_id: int, *, conflict: bool = False) -> None:
    """Raise if the district's records break a cross-reference (see the module's description).

    Raises
    ------
    ProblemError
        Listing every defect (a 422), or :class:`ConflictError` with them when ``conflict``
        (a deletion or renaming that leaves references dangling, a 409).
    """
    district = get_district(session, district_id)
    parts = district_records(session, district, with_travel=False)
    defects = DefectCollector()
    check_references(parts, defects)
    found = [
        d
        for d in defects.defects
        if d.record != "problem" and not d.record.startswith("travel matrix")
    ]
    if not found:
        return
    if conflict:
        raise ConflictError("records refer to what was removed", defects=found)
    raise ProblemError(found, source=f"district {district_id}")


def load_problem(session: Session, district: m.District, *, roads: bool = True) -> Problem:
    """The district's rows as a checked :class:`Problem`; its matrices state the travel section
    that computed them (their recipes, written with the problem). On the district's road network
    where it has one, unless not ``roads`` (straight lines: a quick check of the records).

    Raises
    ------
    ProblemError
        Naming every defect, e.g. a district without depots or shifts.
    """
    parts = district_records(session, district, roads=roads)
    return Problem.from_parts(district.name, parts)
