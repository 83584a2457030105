"""The PVRP-IF judge: a valid plan passes, and a plan that breaks one rule is caught by its id."""

from __future__ import annotations

from dataclasses import replace

import pytest

from routing.pvrpif import (
    PvrpifCustomer,
    PvrpifInstance,
    PvrpifSolution,
    Route,
    validate_pvrpif,
)

D, F = 0, 4  # the depot and the one facility


@pytest.fixture
def two_days() -> PvrpifInstance:
    """A two-day horizon, one vehicle a day, every leg 10 long.

    Customer 1 (load 6, service 2) once, customer 2 (load 5, service 1) every day, customer 3
    (load 4, service 1) once.
    """
    return PvrpifInstance(
        name="two_days",
        horizon_days=2,
        vehicles_per_day=1,
        max_duration=50,
        max_capacity=12,
        depot=D,
        customers=(
            PvrpifCustomer(1, frequency=1, demand=6, service=2),
            PvrpifCustomer(2, frequency=2, demand=5, service=1),
            PvrpifCustomer(3, frequency=1, demand=4, service=1),
        ),
        facilities=(F,),
        duration=tuple(tuple(0 if a == b else 10 for b in range(5)) for a in range(5)),
        coordinates=((0.0, 0.0),) * 5,
    )


def plan(*days: tuple[Route, ...]) -> PvrpifSolution:
    return PvrpifSolution("two_days", days)


# Day 0: customers 1 and 2 (load 11, 40 travel + 3 service); day 1: customers 2 and 3.
GOOD = plan(((D, 1, 2, F, D),), ((D, 2, 3, F, D),))


def rules(instance: PvrpifInstance, solution: PvrpifSolution) -> set[str]:
    return validate_pvrpif(instance, solution).rules()


def test_a_valid_plan_passes_and_costs_its_travel_only(two_days: PvrpifInstance) -> None:
    report = validate_pvrpif(two_days, GOOD)
    assert report.ok, report.violations
    assert report.cost == 80  # service times are not part of the cost
    assert report.route_costs == ((40,), (40,))
    assert report.route_durations == ((43,), (42,))


def test_a_trip_fits_the_vehicle(two_days: PvrpifInstance) -> None:
    report = validate_pvrpif(replace(two_days, max_capacity=10), GOOD)
    assert report.rules() == {"PV-CAP"}
    (violation,) = report.violations
    assert violation.record == "day 0, vehicle 0"
    assert "carries 11 after customer 2 (stop 2), over the capacity of 10" in violation.message


def test_a_facility_empties_the_vehicle(two_days: PvrpifInstance) -> None:
    two_trips = plan(((D, 1, F, 2, F, D),), ((D, 2, 3, F, D),))
    assert rules(replace(two_days, max_capacity=10, max_duration=60), two_trips) == set()


def test_a_route_lasts_at_most_the_longest_allowed(two_days: PvrpifInstance) -> None:
    report = validate_pvrpif(replace(two_days, max_duration=42), GOOD)
    assert report.rules() == {"PV-DUR"}
    (violation,) = report.violations
    assert violation.record == "day 0, vehicle 0"  # day 1 lasts 42 exactly: allowed
    assert "lasts 43 (travel 40 + service 3), over the longest route of 42" in violation.message


def test_no_more_routes_a_day_than_vehicles(two_days: PvrpifInstance) -> None:
    split = plan(((D, 1, F, D), (D, 2, F, D)), ((D, 2, 3, F, D),))
    report = validate_pvrpif(two_days, split)
    assert report.rules() == {"PV-FLEET"}
    assert [v.record for v in report.violations] == ["day 0"]
    assert rules(replace(two_days, vehicles_per_day=2), split) == set()


def test_every_customer_on_the_days_of_one_pattern(two_days: PvrpifInstance) -> None:
    skips_a_day = plan(((D, 1, 2, F, D),), ((D, 3, F, D),))
    report = validate_pvrpif(two_days, skips_a_day)
    assert report.rules() == {"PV-PATTERN"}
    assert [str(v) for v in report.violations] == [
        "PV-PATTERN customer 2: served on days [0]; frequency 2 allows [0, 1]"
    ]
    both_days = plan(((D, 1, 2, F, D),), ((D, 1, 2, 3, F, D),))
    roomy = replace(two_days, max_capacity=20, max_duration=70)
    assert [str(v) for v in validate_pvrpif(roomy, both_days).violations] == [
        "PV-PATTERN customer 1: served on days [0, 1]; frequency 1 allows [0], [1]"
    ]
    never = plan(((D, 2, F, D),), ((D, 2, 3, F, D),))
    assert "customer 1: served never" in str(validate_pvrpif(two_days, never).violations[0])
    twice = plan(((D, 1, 2, F, 2, F, D),), ((D, 2, 3, F, D),))
    assert [str(v) for v in validate_pvrpif(roomy, twice).violations] == [
        "PV-PATTERN customer 2: served more than once on day 0"
    ]


def test_a_route_comes_back_through_a_facility(two_days: PvrpifInstance) -> None:
    full = plan(((D, 1, 2, D),), ((D, 2, 3, F, D),))
    report = validate_pvrpif(two_days, full)
    assert report.rules() == {"PV-END"}
    assert "node 2, is not an intermediate facility" in report.violations[0].message


def test_a_route_starts_and_ends_at_the_depot(two_days: PvrpifInstance) -> None:
    assert rules(two_days, plan(((1, 2, F, D),), ((D, 2, 3, F, D),))) == {"PV-END"}
    assert rules(two_days, plan(((D, 1, 2, F),), ((D, 2, 3, F, D),))) == {"PV-END"}


def test_a_route_visits_only_nodes_of_the_instance(two_days: PvrpifInstance) -> None:
    unknown = plan(((D, 1, 2, 9, F, D),), ((D, 2, 3, F, D),))
    report = validate_pvrpif(two_days, unknown)
    assert report.rules() == {"PV-NODE"}  # its customers still count as served that day
    assert "visits node 9, which is not in two_days" in str(report.violations[0])
    through_the_depot = plan(((D, 1, D, 2, F, D),), ((D, 2, 3, F, D),))
    assert rules(replace(two_days, max_duration=60), through_the_depot) == {"PV-NODE"}


def test_one_list_of_routes_per_day_for_the_named_instance(two_days: PvrpifInstance) -> None:
    assert rules(two_days, plan(*GOOD.days, ())) == {"PV-HORIZON"}
    assert rules(two_days, replace(GOOD, instance="other")) == {"PV-INSTANCE"}
    assert rules(two_days, replace(GOOD, instance="")) == set()  # unnamed: judged as given
