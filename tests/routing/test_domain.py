"""The domain's own checks: each bad field is named, all of a record's bad fields at once."""

from __future__ import annotations

import pytest

from routing.domain import (
    CollectionPoint,
    Facility,
    FacilityKind,
    Location,
    TimeWindow,
    WasteStream,
)
from routing.errors import FieldError, RecordError
from routing.fleet import Zone
from routing.units import format_clock, parse_clock


def test_a_point_names_every_bad_field() -> None:
    with pytest.raises(RecordError) as caught:
        CollectionPoint("P1", Location(1, 1), WasteStream.RESIDUAL, -1, 10, -5, visits_per_day=4)
    assert [e.field for e in caught.value.errors] == ["kg_per_day", "service_s", "visits_per_day"]


def test_a_single_bad_field_is_a_field_error() -> None:
    with pytest.raises(FieldError, match="lat: must be within ±90, got 91"):
        Location(10.0, 91.0)


def test_overlapping_windows_are_refused() -> None:
    with pytest.raises(FieldError, match="time_windows: windows must not overlap"):
        CollectionPoint(
            "P1",
            Location(1, 1),
            WasteStream.RESIDUAL,
            1,
            1,
            1,
            time_windows=(TimeWindow(0, 100), TimeWindow(50, 200)),
        )


def test_a_transfer_station_needs_storage_and_containers() -> None:
    with pytest.raises(RecordError) as caught:
        Facility(
            "T", FacilityKind.TRANSFER_STATION, Location(1, 1), frozenset({WasteStream.RESIDUAL})
        )
    assert {e.field for e in caught.value.errors} == {"storage_kg", "container_kg"}


def test_a_self_intersecting_zone_is_refused() -> None:
    with pytest.raises(FieldError, match="ring: is not a valid polygon"):
        Zone("z", ((0, 0), (1, 1), (1, 0), (0, 1)), frozenset())


def test_visit_amounts_add_up_to_the_daily_amount() -> None:
    point = CollectionPoint("P", Location(1, 1), WasteStream.KITCHEN, 1001, 7, 60, visits_per_day=3)
    assert [point.visit_kg(v) for v in range(3)] == [334, 334, 333]
    assert sum(point.visit_litres(v) for v in range(3)) == 7


@pytest.mark.parametrize(
    ("text", "seconds"), [("04:30", 16200), ("4:30", 16200), ("24:00", 86400), ("10:00:05", 36005)]
)
def test_clock_times(text: str, seconds: int) -> None:
    assert parse_clock(text) == seconds
    assert parse_clock(format_clock(seconds)) == seconds


@pytest.mark.parametrize("text", ["25:00", "10:60", "ten", "", "24:01"])
def test_bad_clock_times(text: str) -> None:
    with pytest.raises(ValueError):
        parse_clock(text)
