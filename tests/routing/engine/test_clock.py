"""The rules of a route's clock, one test per rule id: windows (TW), zones (CT6), the crew's
break (SH1), time on board (CT5) and capacity (CP)."""

from __future__ import annotations

from routing.domain import BodyType, SizeClass, TimeWindow
from routing.engine.clock import (
    BreakRule,
    admit,
    fits_capacity,
    next_start,
    on_board_excess,
    zone_entry,
    zone_start,
)
from routing.fleet import Crew, VehicleType, Zone
from routing.units import HOUR, MINUTE

SQUARE = ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0))


def _h(hours: float) -> int:
    return round(hours * HOUR)


def _windows(*spans: tuple[float, float]) -> tuple[TimeWindow, ...]:
    return tuple(TimeWindow(_h(a), _h(b)) for a, b in spans)


def _old_town(*spans: tuple[float, float]) -> Zone:
    """A zone open to carts and small trucks during ``spans``."""
    return Zone("old-town", SQUARE, frozenset({SizeClass.CART, SizeClass.SMALL}), _windows(*spans))


# -- TW ----------------------------------------------------------------------------------------
def test_tw_next_start_waits_for_the_window_and_takes_the_earliest_open_one() -> None:
    windows = _windows((8, 9), (10, 11))
    assert next_start(windows, _h(7)) == _h(8)
    assert next_start(windows, _h(8.5)) == _h(8.5)
    assert next_start(windows, _h(9)) == _h(9)  # the window's end is included
    assert next_start(windows, _h(9.5)) == _h(10)
    assert next_start(windows, _h(11.5)) is None
    assert next_start(_windows((8, 9)), _h(9.5)) is None
    assert next_start((), _h(8)) is None


# -- CT6 ---------------------------------------------------------------------------------------
def test_ct6_a_zone_never_admits_a_size_it_does_not_allow() -> None:
    zone = _old_town((0, 24))
    assert zone_start([zone], SizeClass.LARGE, _windows((8, 9)), _h(8), 600) is None
    assert zone_start([zone], SizeClass.SMALL, _windows((8, 9)), _h(8), 600) == _h(8)


def test_ct6_the_work_at_a_stop_must_fit_in_the_zone_hours() -> None:
    zone = _old_town((6, 8.5), (9.5, 12))
    # at 8:25 ten minutes of work would end after 8:30: wait outside until 9:30
    start = zone_start([zone], SizeClass.SMALL, _windows((6, 12)), _h(8 + 25 / 60), 10 * MINUTE)
    assert start == _h(9.5)
    assert zone_start([zone], SizeClass.SMALL, _windows((6, 12)), _h(12), 10 * MINUTE) is None


def test_ct6_where_greedy_and_dispatch_disagreed_the_later_zone_window_is_found() -> None:
    # The point opens at 10:00; the zone is open until 10:05 and again from 10:30. The greedy
    # planner took the first zone window (arrival 9:00), then waited for the point until 10:00
    # and found the work (to 10:10) past the zone's 10:05: it gave the stop up. Dispatch moved
    # the start until both agreed: 10:30, which the validator accepts (zone open 10:30-10:40).
    zone = _old_town((8, 10 + 5 / 60), (10.5, 12))
    point = _windows((10, 11))
    start = zone_start([zone], SizeClass.SMALL, point, _h(9), 10 * MINUTE)
    assert start == _h(10.5)
    assert zone.allows(SizeClass.SMALL, start, start + 10 * MINUTE)
    assert zone_entry([zone], _h(9), start, start + 10 * MINUTE) == _h(10.5)


def test_ct6_two_zones_and_the_point_move_the_start_in_turn_until_all_admit_it() -> None:
    a = _old_town((8, 9), (11, 13))
    b = Zone("market", SQUARE, frozenset({SizeClass.SMALL}), _windows((8.5, 9.5), (12, 14)))
    point = _windows((8, 8.2), (8.75, 12.5))
    # 8:00: a admits, b opens 8:30; the point then 8:45; a closes at 9:00, before the work
    # ends, so 11:00; b then 12:00; the point and both zones admit 12:00 to 12:30.
    start = zone_start([a, b], SizeClass.SMALL, point, _h(8), 30 * MINUTE)
    assert start == _h(12)
    assert all(z.allows(SizeClass.SMALL, _h(12), _h(12.5)) for z in (a, b))


def test_ct6_the_truck_waits_at_the_stop_while_every_zone_is_open() -> None:
    zone = _old_town((7, 12))
    start = zone_start([zone], SizeClass.SMALL, _windows((9, 10)), _h(6), 10 * MINUTE)
    assert start == _h(9)
    # arriving at 6:00 it must wait outside until 7:00, then may wait at the point
    assert zone_entry([zone], _h(6), start, start + 10 * MINUTE) == _h(7)
    assert zone_entry([zone], _h(8), start, start + 10 * MINUTE) == _h(8)
    assert zone_entry([], _h(8), start, start + 10 * MINUTE) == _h(8)


def test_ct6_admit_gives_arrival_and_start_with_zones_and_without() -> None:
    zone = _old_town((7, 12))
    windows = _windows((9, 10))
    assert admit([], SizeClass.LARGE, windows, _h(6), 600) == (_h(6), _h(9))
    assert admit([zone], SizeClass.SMALL, windows, _h(6), 600) == (_h(7), _h(9))
    assert admit([zone], SizeClass.LARGE, windows, _h(6), 600) is None
    assert admit([], SizeClass.LARGE, windows, _h(10.5), 600) is None


# -- SH1 ---------------------------------------------------------------------------------------
def test_sh1_a_break_is_due_only_on_a_route_longer_than_break_after() -> None:
    rule = BreakRule(after_s=4 * HOUR, length_s=20 * MINUTE)
    assert rule == BreakRule.of(Crew("c1", break_after_s=4 * HOUR, break_s=20 * MINUTE))
    assert rule.deadline(_h(6)) == _h(10)
    assert not rule.due(_h(6), _h(10))
    assert rule.due(_h(6), _h(10) + 1)
    assert not BreakRule(after_s=4 * HOUR, length_s=0).due(_h(6), _h(12))


def test_sh1_break_places_start_by_the_deadline_latest_first_the_plans_first() -> None:
    rule = BreakRule(after_s=4 * HOUR, length_s=20 * MINUTE)
    leaves = [_h(6), _h(7), _h(8), _h(9.5), _h(10.5), _h(11)]
    assert rule.places(_h(6), leaves) == [3, 2, 1, 0]
    assert rule.places(_h(6), leaves, hint_s=_h(7.5)) == [1, 3, 2, 0]
    assert rule.places(_h(6), leaves, hint_s=_h(12)) == [3, 2, 1, 0]
    assert rule.places(_h(6), [_h(11)]) == []


# -- CT5 ---------------------------------------------------------------------------------------
def test_ct5_on_board_excess_is_the_time_over_the_limit() -> None:
    assert on_board_excess(_h(8), _h(10), 2 * HOUR) == 0
    assert on_board_excess(_h(8), _h(10) + 90, 2 * HOUR) == 90
    assert on_board_excess(_h(8), _h(9), 2 * HOUR) == 0


# -- CP ----------------------------------------------------------------------------------------
def test_cp_a_load_fits_when_both_kilograms_and_litres_do() -> None:
    truck = VehicleType("compactor", BodyType.COMPACTOR, True, 8000, 16000, SizeClass.LARGE)
    assert fits_capacity(truck, 8000, 16000)
    assert not fits_capacity(truck, 8001, 100)
    assert not fits_capacity(truck, 100, 16001)
