"""The kinds of a district's records: row class, label, and conversions, for generic storage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from api.db import models as m
from api.repositories import convert_features as cf
from api.repositories import convert_records as cr
from routing.domain import CollectionPoint, Depot, Facility
from routing.fleet import Crew, Shift, Vehicle, VehicleType, Zone

Rec = TypeVar("Rec")
RowT = TypeVar("RowT")


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordKind(Generic[Rec, RowT]):
    """How one kind of record is stored.

    Parameters
    ----------
    label
        The record's name in messages, as the routing model spells it (``"collection point"``).
    row
        The ORM class.
    values
        Column values of a record's row.
    from_row
        The routing record of a row.
    """

    label: str
    row: type[RowT]
    values: Callable[[Rec], dict[str, Any]]
    from_row: Callable[[RowT], Rec]


POINTS: RecordKind[CollectionPoint, m.CollectionPointRow] = RecordKind(
    label="collection point",
    row=m.CollectionPointRow,
    values=cf.point_values,
    from_row=cf.point_from_row,
)
DEPOTS: RecordKind[Depot, m.DepotRow] = RecordKind(
    label="depot", row=m.DepotRow, values=cf.depot_values, from_row=cf.depot_from_row
)
FACILITIES: RecordKind[Facility, m.FacilityRow] = RecordKind(
    label="facility",
    row=m.FacilityRow,
    values=cf.facility_values,
    from_row=cf.facility_from_row,
)
VEHICLE_TYPES: RecordKind[VehicleType, m.VehicleTypeRow] = RecordKind(
    label="vehicle type",
    row=m.VehicleTypeRow,
    values=cr.vehicle_type_values,
    from_row=cr.vehicle_type_from_row,
)
VEHICLES: RecordKind[Vehicle, m.VehicleRow] = RecordKind(
    label="vehicle", row=m.VehicleRow, values=cr.vehicle_values, from_row=cr.vehicle_from_row
)
CREWS: RecordKind[Crew, m.CrewRow] = RecordKind(
    label="crew", row=m.CrewRow, values=cr.crew_values, from_row=cr.crew_from_row
)
SHIFTS: RecordKind[Shift, m.ShiftRow] = RecordKind(
    label="shift", row=m.ShiftRow, values=cr.shift_values, from_row=cr.shift_from_row
)
ZONES: RecordKind[Zone, m.ZoneRow] = RecordKind(
    label="zone", row=m.ZoneRow, values=cf.zone_values, from_row=cf.zone_from_row
)
