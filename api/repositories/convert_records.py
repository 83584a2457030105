"""Conversions of the district records without a place: API records, routing records, rows.

Vehicle types, vehicles, crews and shifts, kind by kind. Record → routing record goes through the
routing classes' own checks, so a bad value raises a :class:`~routing.errors.FieldError` naming
the field. Rows hold the problem file's spelling (windows as ``"HH:MM-HH:MM"``, sizes by name).
"""

from __future__ import annotations

from typing import Any

from api.db import models as m
from api.schemas import records as s
from api.schemas.fields import clock_of, size_class, size_name, window_of, window_text
from routing.domain import BodyType
from routing.fleet import Crew, Shift, Vehicle, VehicleType
from routing.units import format_clock

# ---------------------------------------------------------------- vehicle types, vehicles


def vehicle_type_from_record(record: s.VehicleTypeRecord) -> VehicleType:
    """The vehicle type a record describes."""
    return VehicleType(
        id=record.id,
        body=record.body,
        sealed=record.sealed,
        capacity_kg=record.capacity_kg,
        capacity_l=record.capacity_l,
        size_class=size_class(record.size_class),
        cost_per_km_fen=record.cost_per_km_fen,
        cost_per_hour_fen=record.cost_per_hour_fen,
        fuel_ml_per_km=record.fuel_ml_per_km,
        profile=record.profile,
    )


def vehicle_type_values(vtype: VehicleType) -> dict[str, Any]:
    """Column values of a vehicle type's row."""
    record = vehicle_type_record(vtype).model_dump()
    record["code"] = record.pop("id")
    record["body"] = vtype.body.value
    return record


def vehicle_type_from_row(row: m.VehicleTypeRow) -> VehicleType:
    """The routing record of a row."""
    return VehicleType(
        id=row.code,
        body=BodyType(row.body),
        sealed=row.sealed,
        capacity_kg=row.capacity_kg,
        capacity_l=row.capacity_l,
        size_class=size_class(row.size_class),
        cost_per_km_fen=row.cost_per_km_fen,
        cost_per_hour_fen=row.cost_per_hour_fen,
        fuel_ml_per_km=row.fuel_ml_per_km,
        profile=row.profile,
    )


def vehicle_type_record(vtype: VehicleType) -> s.VehicleTypeRecord:
    """The API record of a vehicle type."""
    return s.VehicleTypeRecord(
        id=vtype.id,
        body=vtype.body,
        sealed=vtype.sealed,
        capacity_kg=vtype.capacity_kg,
        capacity_l=vtype.capacity_l,
        size_class=size_name(vtype.size_class),
        cost_per_km_fen=vtype.cost_per_km_fen,
        cost_per_hour_fen=vtype.cost_per_hour_fen,
        fuel_ml_per_km=vtype.fuel_ml_per_km,
        profile=vtype.profile,
    )


def vehicle_from_record(record: s.VehicleRecord) -> Vehicle:
    """The vehicle a record describes."""
    return Vehicle(record.id, record.type_id, record.depot_id, record.name)


def vehicle_values(vehicle: Vehicle) -> dict[str, Any]:
    """Column values of a vehicle's row."""
    return {
        "code": vehicle.id,
        "name": vehicle.name,
        "type_code": vehicle.type_id,
        "depot_code": vehicle.depot_id,
    }


def vehicle_from_row(row: m.VehicleRow) -> Vehicle:
    """The routing record of a row."""
    return Vehicle(row.code, row.type_code, row.depot_code, row.name)


def vehicle_record(vehicle: Vehicle) -> s.VehicleRecord:
    """The API record of a vehicle."""
    return s.VehicleRecord(
        id=vehicle.id, type_id=vehicle.type_id, depot_id=vehicle.depot_id, name=vehicle.name
    )


# ---------------------------------------------------------------- crews, shifts


def crew_from_record(record: s.CrewRecord) -> Crew:
    """The crew a record describes."""
    return Crew(
        id=record.id,
        max_work_s=record.max_work_s,
        break_s=record.break_s,
        break_after_s=record.break_after_s,
        available=window_of(record.available, "available"),
        name=record.name,
    )


def crew_values(crew: Crew) -> dict[str, Any]:
    """Column values of a crew's row."""
    return {
        "code": crew.id,
        "name": crew.name,
        "max_work_s": crew.max_work_s,
        "break_s": crew.break_s,
        "break_after_s": crew.break_after_s,
        "available": window_text(crew.available),
    }


def crew_from_row(row: m.CrewRow) -> Crew:
    """The routing record of a row."""
    return Crew(
        id=row.code,
        max_work_s=row.max_work_s,
        break_s=row.break_s,
        break_after_s=row.break_after_s,
        available=window_of(row.available, "available"),
        name=row.name,
    )


def crew_record(crew: Crew) -> s.CrewRecord:
    """The API record of a crew."""
    return s.CrewRecord(
        id=crew.id,
        max_work_s=crew.max_work_s,
        break_s=crew.break_s,
        break_after_s=crew.break_after_s,
        available=window_text(crew.available),
        name=crew.name,
    )


def shift_from_record(record: s.ShiftRecord) -> Shift:
    """The shift a record describes."""
    return Shift(record.id, clock_of(record.start_s, "start_s"), clock_of(record.end_s, "end_s"))


def shift_values(shift: Shift) -> dict[str, Any]:
    """Column values of a shift's row."""
    return {"code": shift.id, "start_s": shift.start_s, "end_s": shift.end_s}


def shift_from_row(row: m.ShiftRow) -> Shift:
    """The routing record of a row."""
    return Shift(row.code, row.start_s, row.end_s)


def shift_record(shift: Shift) -> s.ShiftRecord:
    """The API record of a shift."""
    return s.ShiftRecord(
        id=shift.id, start_s=format_clock(shift.start_s), end_s=format_clock(shift.end_s)
    )
