"""The Kim validator: a valid day passes, and a day that breaks one rule is caught by that rule's id."""

from __future__ import annotations

from dataclasses import replace

import pytest

from routing.kim import KimInstance, KimRoute, KimSolution, parse_kim, validate_kim

# 30 mph is 44 ft/s: the stops are 10 s apart, the disposal facility 100 s from the depot.
RIVERSIDE = """25\t// capacity
40\t// daily yards
5\t// daily stops
3600\t// lunch
30\t// mph
Stop_ID X Y Early Late Service Load Type
0 0 0 0700 1800 0 9999 0
1 4400 0 0000 2400 600 9999 2
2 440 0 0000 2400 60 10 1
3 880 0 0000 2400 60 10 1
4 1320 0 1200 1300 3600 0 1
"""


@pytest.fixture
def riverside() -> KimInstance:
    """Two loaded stops, a zero-load stop served noon to one, one disposal facility."""
    return parse_kim(RIVERSIDE, name="riverside")


def day(*routes: KimRoute) -> KimSolution:
    return KimSolution("riverside", routes)


GOOD = KimRoute((0, 2, 3, 4, 1, 0), lunch_after=2)  # lunch 11:00-12:00 after row 3


def rules(instance: KimInstance, solution: KimSolution) -> set[str]:
    return validate_kim(instance, solution).rules()


def test_a_valid_day_passes(riverside: KimInstance) -> None:
    report = validate_kim(riverside, day(GOOD))
    assert report.ok, report.violations
    assert report.vehicles == 1
    assert report.miles == pytest.approx(2 * 4400 / 5280)


def test_route_must_start_and_end_at_the_depot(riverside: KimInstance) -> None:
    assert rules(riverside, day(KimRoute((2, 3, 4, 1, 0), lunch_after=1))) == {"KIM-ROUTE"}


def test_every_stop_once_zero_load_included(riverside: KimInstance) -> None:
    assert rules(riverside, day(KimRoute((0, 2, 3, 1, 0)))) == {"KIM-ALL"}
    twice = KimRoute((0, 2, 1, 2, 3, 4, 1, 0), lunch_after=4)
    assert rules(riverside, day(twice)) == {"KIM-ALL"}


def test_last_visit_before_the_depot_is_a_disposal(riverside: KimInstance) -> None:
    assert rules(riverside, day(KimRoute((0, 2, 3, 4, 0), lunch_after=2))) == {"KIM-DISPOSAL"}


def test_service_starts_within_the_window(riverside: KimInstance) -> None:
    sites = list(riverside.sites)
    sites[4] = replace(sites[4], early_s=10 * 3600, late_s=10 * 3600 + 1800)
    late = replace(riverside, sites=tuple(sites))
    assert rules(late, day(GOOD)) == {"KIM-TW"}  # row 4 now waits for the lunch to end


def test_back_at_the_depot_before_it_closes(riverside: KimInstance) -> None:
    sites = list(riverside.sites)
    sites[0] = replace(sites[0], late_s=13 * 3600)
    assert rules(replace(riverside, sites=tuple(sites)), day(GOOD)) == {"KIM-TW"}


def test_a_trip_fits_the_body(riverside: KimInstance) -> None:
    assert rules(replace(riverside, capacity_yd=15), day(GOOD)) == {"KIM-CAP"}
    two_trips = KimRoute((0, 2, 1, 3, 4, 1, 0), lunch_after=3)
    assert rules(replace(riverside, capacity_yd=15), day(two_trips)) == set()


def test_daily_yards(riverside: KimInstance) -> None:
    assert rules(replace(riverside, daily_yd=15), day(GOOD)) == {"KIM-DAY-YD"}


def test_daily_stops(riverside: KimInstance) -> None:
    assert rules(replace(riverside, daily_stops=2), day(GOOD)) == {"KIM-DAY-STOPS"}


def test_lunch_between_eleven_and_twelve_when_out_after_noon(riverside: KimInstance) -> None:
    assert rules(riverside, day(KimRoute(GOOD.stops, None))) == {"KIM-LUNCH"}
    after_noon = KimRoute(GOOD.stops, lunch_after=3)  # after row 4, served from 12:00 for an hour
    assert rules(riverside, day(after_noon)) == {"KIM-LUNCH"}
    at_the_depot = KimRoute(GOOD.stops, lunch_after=0)
    assert "KIM-LUNCH" in rules(riverside, day(at_the_depot))


def test_a_morning_route_needs_no_lunch(riverside: KimInstance) -> None:
    sites = list(riverside.sites)
    sites[4] = replace(sites[4], early_s=0, service_s=60)
    morning = replace(riverside, sites=tuple(sites))
    assert rules(morning, day(KimRoute(GOOD.stops, None))) == set()
