"""Reading the PVRP-IF GeoJSON files of Taverna & Tilk, and the rule that gives a customer's days."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from routing.errors import FieldError
from routing.pvrpif import (
    NodeKind,
    PvrpifCustomer,
    PvrpifFormatError,
    PvrpifInstance,
    day_patterns,
    parse_pvrpif,
    patterns,
    read_pvrpif,
)

DATA = Path(__file__).resolve().parents[4] / "shared" / "data" / "benchmarks" / "pvrpif-waste-uniud"
INSTANCES = sorted(DATA.glob("planning horizon */*.geojson"))


def feature(index: int, kind: str, frequency: float, demand: float, service: float) -> Any:
    return {
        "id": str(index),
        "type": "Feature",
        "properties": {
            "id": index,
            "type": kind,
            "frequency": frequency,
            "demand": demand,
            "service": service,
        },
        "geometry": {"type": "Point", "coordinates": [9.1 + index / 100, 45.4]},
    }


# Two days; customer 1 once (4 a visit), customer 2 every day (3 a visit): 4 + 2 × 3 = 10.
TWO_DAYS: Any = {
    "type": "FeatureCollection",
    "info": {
        "customer": 2,
        "intermediateFacility": 1,
        "depot": 1,
        "numVehicles": 1,
        "maxDuration": 60,
        "maxCapacity": 10,
        "frequency": {"0.0": 2, "1.0": 1, "2.0": 1},
        "totDemand": 10.0,
        "planningHorizon": 2,
        "area": "Milano",
    },
    "features": [
        feature(0, "depot", 0.0, 0.0, 0.0),
        feature(1, "customer", 1.0, 4.0, 2.0),
        feature(2, "customer", 2.0, 3.0, 1.0),
        feature(3, "intermediateFacility", 0.0, 0.0, 0.0),
    ],
    "duration": [
        [0.0, 5.0, 6.0, 7.0],
        [4.0, 0.0, 4.0, 3.0],
        [6.0, 5.0, 0.0, 2.0],
        [8.0, 3.0, 2.0, 0.0],
    ],
}


def text(change: Any = None) -> str:
    """The two-day file, changed by ``change(raw)`` first."""
    raw = copy.deepcopy(TWO_DAYS)
    if change is not None:
        change(raw)
    return json.dumps(raw)


def refused(change: Any) -> str:
    with pytest.raises(PvrpifFormatError) as caught:
        parse_pvrpif(text(change), name="two_days", source="two_days.geojson")
    return str(caught.value)


def test_a_good_file_reads_into_depot_customers_and_facilities() -> None:
    instance = parse_pvrpif(text(), name="two_days")
    assert (instance.horizon_days, instance.vehicles_per_day) == (2, 1)
    assert (instance.max_duration, instance.max_capacity, instance.area) == (60, 10, "Milano")
    assert (instance.depot, instance.facilities, instance.size) == (0, (3,), 4)
    assert instance.customers == (
        PvrpifCustomer(1, frequency=1, demand=4, service=2, coordinates=(9.11, 45.4)),
        PvrpifCustomer(2, frequency=2, demand=3, service=1, coordinates=(9.12, 45.4)),
    )
    assert instance.duration[0][1] == 5 and instance.duration[1][0] == 4  # not symmetric
    assert all(type(t) is int for row in instance.duration for t in row)
    assert [instance.kind(i) for i in range(4)] == [
        NodeKind.DEPOT,
        NodeKind.CUSTOMER,
        NodeKind.CUSTOMER,
        NodeKind.FACILITY,
    ]


def test_patterns_of_the_nodes_of_a_file() -> None:
    instance = parse_pvrpif(text(), name="two_days")
    assert patterns(instance, 1) == ((0,), (1,))  # once: either day
    assert patterns(instance, instance.customer(2)) == ((0, 1),)  # every day
    assert patterns(instance, 0) == ()  # the depot and facilities have none, as in the reports
    assert patterns(instance, 3) == ()
    with pytest.raises(FieldError, match="index: 9 is not a node"):
        patterns(instance, 9)


@pytest.mark.parametrize(
    ("frequency", "horizon", "expected"),
    [
        (1, 4, ((0,), (1,), (2,), (3,))),
        (2, 4, ((0, 2), (1, 3))),
        (4, 4, ((0, 1, 2, 3),)),
        (1, 6, ((0,), (1,), (2,), (3,), (4,), (5,))),
        (2, 6, ((0, 3), (1, 4), (2, 5))),
        (3, 6, ((0, 2, 4), (1, 3, 5))),
        (6, 6, ((0, 1, 2, 3, 4, 5),)),
    ],
)
def test_every_h_over_f_days_from_one_of_the_first_h_over_f(
    frequency: int, horizon: int, expected: tuple[tuple[int, ...], ...]
) -> None:
    assert day_patterns(frequency, horizon) == expected


@pytest.mark.parametrize(("frequency", "horizon"), [(0, 4), (3, 4), (4, 6), (-1, 4)])
def test_a_frequency_that_does_not_divide_the_horizon_has_no_patterns(
    frequency: int, horizon: int
) -> None:
    with pytest.raises(FieldError, match=r"^frequency: must be a positive divisor"):
        day_patterns(frequency, horizon)


def test_a_missing_info_key_is_named() -> None:
    message = refused(lambda raw: raw["info"].pop("maxCapacity"))
    assert message == "two_days.geojson, info: maxCapacity: is required"
    assert "info: planningHorizon: must be 1 or more, got 0" in refused(
        lambda raw: raw["info"].update(planningHorizon=0)
    )
    assert refused(lambda raw: raw.pop("info")) == "two_days.geojson: info: is required"


def test_a_bad_feature_names_the_feature_and_the_field() -> None:
    def negative(raw: Any) -> None:
        raw["features"][1]["properties"]["demand"] = -4.0

    assert refused(negative) == "two_days.geojson, feature 1: demand: must be 0 or more, got -4"

    def three_times_in_two_days(raw: Any) -> None:
        raw["features"][2]["properties"]["frequency"] = 3.0

    assert refused(three_times_in_two_days) == (
        "two_days.geojson, feature 2: frequency: must divide the planning horizon of 2 days, got 3"
    )

    def never(raw: Any) -> None:
        raw["features"][1]["properties"]["frequency"] = 0.0

    assert "feature 1: frequency: must divide" in refused(never)

    def unloading_time(raw: Any) -> None:
        raw["features"][3]["properties"]["service"] = 5.0

    assert "feature 3: service: must be 0 for a node of type intermediateFacility" in refused(
        unloading_time
    )

    def half(raw: Any) -> None:
        raw["features"][2]["properties"]["service"] = 1.5

    assert "feature 2: service: must be an integer, got 1.5" in refused(half)
    assert "feature 2: type: must be depot, customer or intermediateFacility" in refused(
        lambda raw: raw["features"][2]["properties"].update(type="bin")
    )


def test_ids_number_the_features_once_each() -> None:
    def repeated(raw: Any) -> None:
        raw["features"][2]["properties"]["id"] = 1

    assert "feature 2: id: 1 must number the features 0 to 3 once each" in refused(repeated)


def test_the_matrix_is_square_with_whole_non_negative_times() -> None:
    def short_row(raw: Any) -> None:
        raw["duration"][2] = [6.0, 5.0, 0.0]

    assert refused(short_row) == (
        "two_days.geojson, duration row 2: duration: must have 4 columns (one per feature), got 3"
    )
    assert "duration: has 3 rows, expected one per feature (4)" in refused(
        lambda raw: raw["duration"].pop()
    )

    def fraction(raw: Any) -> None:
        raw["duration"][0][1] = 5.5

    assert "duration row 0: duration[0][1]: must be an integer, got 5.5" in refused(fraction)

    def negative(raw: Any) -> None:
        raw["duration"][3][1] = -3.0

    assert "duration row 3: duration[3][1]: must be 0 or more, got -3" in refused(negative)


def test_the_info_summaries_must_agree_with_the_features() -> None:
    assert "info: customer: says 3, the features have 2" in refused(
        lambda raw: raw["info"].update(customer=3)
    )
    assert "info: totDemand: says 7.0, the customers' demand × frequency sums to 10" in refused(
        lambda raw: raw["info"].update(totDemand=7.0)
    )
    assert "info: frequency: says" in refused(
        lambda raw: raw["info"].update(frequency={"0.0": 2, "2.0": 2})
    )


def test_not_json_and_two_depots_are_refused() -> None:
    with pytest.raises(PvrpifFormatError, match=r"^x: json: Expecting value at line 1"):
        parse_pvrpif("not json", name="x")

    def second_depot(raw: Any) -> None:
        raw["features"][3]["properties"]["type"] = "depot"

    assert "two_days.geojson: type: needs one depot, found 2" in refused(second_depot)


def test_the_instance_checks_its_own_fields() -> None:
    instance = parse_pvrpif(text(), name="two_days")
    with pytest.raises(FieldError, match="duration: must be a square matrix"):
        PvrpifInstance(
            name="x",
            horizon_days=2,
            vehicles_per_day=1,
            max_duration=60,
            max_capacity=10,
            depot=0,
            customers=instance.customers,
            facilities=instance.facilities,
            duration=instance.duration[:3],
            coordinates=instance.coordinates,
        )
    with pytest.raises(FieldError, match=r"^frequency: must be more than 0, got 0$"):
        PvrpifCustomer(1, frequency=0, demand=4, service=2)


def test_the_data_folder_is_there() -> None:
    assert DATA.is_dir(), f"benchmark data missing: {DATA}"
    assert len(INSTANCES) == 56  # Milano and Roma, 4 and 6 days; Torino is held back


@pytest.mark.parametrize("path", INSTANCES, ids=lambda p: p.stem)
def test_every_published_file_reads(path: Path) -> None:
    instance = read_pvrpif(path)
    _area, customers, horizon, _number = instance.name.split("_")
    assert len(instance.customers) == int(customers)  # the name counts the customers
    assert instance.horizon_days == int(horizon) == int(path.parent.name.split()[-1])
    assert instance.depot == 0 and len(instance.facilities) == 2
    assert instance.vehicles_per_day == 2
    for customer in instance.customers:
        assert patterns(instance, customer)  # every frequency divides the horizon
        assert customer.demand <= instance.max_capacity
