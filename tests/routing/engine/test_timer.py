"""Timing a sequence of stops: the times of each, or the rule id of the first it cannot make.

A line of places ten minutes apart: depot D, points A and B, dump F.
"""

from __future__ import annotations

import numpy as np
import pytest

from routing.domain import BodyType, SizeClass, TimeWindow
from routing.engine.clock import BreakRule
from routing.engine.timer import Begin, Stop, Timing, place_break, time_stops
from routing.fleet import VehicleType, Zone
from routing.plan import Break
from routing.travel import TravelMatrix
from routing.units import HOUR, MINUTE

PLACES = ("D", "A", "B", "F")
MATRIX = TravelMatrix(
    "default",
    PLACES,
    np.array([[abs(i - j) * 5000 for j in range(4)] for i in range(4)]),
    np.array([[abs(i - j) * 10 * MINUTE for j in range(4)] for i in range(4)]),
)
TRUCK = VehicleType("compactor", BodyType.COMPACTOR, True, 1000, 2000, SizeClass.LARGE)
DAY = (TimeWindow(0, 24 * HOUR),)


def _visit(
    place: str,
    kg: int = 300,
    windows: tuple[TimeWindow, ...] = DAY,
    zones: tuple[Zone, ...] = (),
) -> Stop:
    """Five minutes' work at ``place``, loading ``kg`` and as many litres."""
    return Stop(place, PLACES.index(place), 5 * MINUTE, windows, kg, kg, zones=zones)


DUMP = Stop("F", 3, 10 * MINUTE, DAY, unloads=True)
START = Begin("D", 6 * HOUR)


def test_a_trip_is_timed_stop_after_stop_and_back_to_the_depot() -> None:
    timing = time_stops(
        MATRIX, TRUCK, "D", START, [_visit("A"), _visit("B"), DUMP], on_board_limit_s=2 * HOUR
    )
    assert timing.failure == ("", "")
    h6 = 6 * HOUR
    assert timing.times == [
        (h6 + 600, h6 + 600, h6 + 900, 300, 300),
        (h6 + 1500, h6 + 1500, h6 + 1800, 600, 600),
        (h6 + 2400, h6 + 2400, h6 + 3000, 600, 600),  # an unloading: what it tips
    ]
    assert timing.end_s == h6 + 3000 + 30 * MINUTE


def test_tw_a_stop_after_its_windows_stops_the_sequence() -> None:
    late = _visit("A", windows=(TimeWindow(5 * HOUR, 6 * HOUR),))
    timing = time_stops(MATRIX, TRUCK, "D", START, [late, DUMP], on_board_limit_s=None)
    assert timing.end_s is None and timing.failure[0] == "TW" and timing.times == []


def test_ct6_a_zone_closed_to_the_truck_stops_the_sequence() -> None:
    square = ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0))
    carts_only = Zone("lanes", square, frozenset({SizeClass.CART}))
    timing = time_stops(
        MATRIX, TRUCK, "D", START, [_visit("A", zones=(carts_only,)), DUMP], on_board_limit_s=None
    )
    assert timing.failure[0] == "CT6"


def test_cp_a_load_over_the_body_stops_the_sequence_and_an_unloading_empties_it() -> None:
    over = time_stops(
        MATRIX, TRUCK, "D", START, [_visit("A", 600), _visit("B", 600)], on_board_limit_s=None
    )
    assert over.failure[0] == "CP" and len(over.times) == 1
    emptied = [_visit("A", 600), DUMP, _visit("B", 600), DUMP]
    assert time_stops(MATRIX, TRUCK, "D", START, emptied, on_board_limit_s=None).end_s


def test_ct5_too_long_on_board_names_the_trips_first_stop_and_the_excess() -> None:
    slow = Stop("B", 2, 3 * HOUR, DAY, 100, 100)
    timing = time_stops(
        MATRIX, TRUCK, "D", START, [_visit("A"), slow, DUMP], on_board_limit_s=2 * HOUR
    )
    assert timing.failure[0] == "CT5"
    # on board from 6:10 to tipping at 9:35: 3 h 25 min, 1 h 25 min over
    assert timing.late == (0, 85 * MINUTE)
    # a trip begun before the sequence cannot be started later
    loaded = Begin("A", 6 * HOUR, 300, 300, first_pickup_s=3 * HOUR)
    timing = time_stops(MATRIX, TRUCK, "D", loaded, [DUMP], on_board_limit_s=2 * HOUR)
    assert timing.failure[0] == "CT5" and timing.late is None
    assert time_stops(MATRIX, TRUCK, "D", loaded, [DUMP], on_board_limit_s=None).end_s


@pytest.mark.parametrize(("pause_at", "delayed"), [(0, 3), (2, 1), (3, 0)])
def test_sh1_a_pause_delays_what_follows_it(pause_at: int, delayed: int) -> None:
    stops = [_visit("A"), _visit("B"), DUMP]
    plain = time_stops(MATRIX, TRUCK, "D", START, stops, on_board_limit_s=None)
    paused = time_stops(
        MATRIX, TRUCK, "D", START, stops, on_board_limit_s=None, pause_at=pause_at, pause_s=1200
    )
    assert plain.end_s is not None and paused.end_s == plain.end_s + 1200
    moved = [p[1] - q[1] for p, q in zip(paused.times, plain.times, strict=True)]
    assert moved == [0] * (3 - delayed) + [1200] * delayed


def test_not_before_and_holds_move_the_arrival_later() -> None:
    stops = [_visit("A"), DUMP]
    timing = time_stops(
        MATRIX, TRUCK, "D", START, stops, on_board_limit_s=None, not_before_s=7 * HOUR
    )
    assert timing.times[0][0] == 7 * HOUR
    held = time_stops(MATRIX, TRUCK, "D", START, stops, on_board_limit_s=None, holds={0: 60})
    assert held.times[0][0] == 6 * HOUR + 600 + 60


def test_sh1_the_break_goes_in_the_latest_acceptable_place_by_its_deadline() -> None:
    stops = [_visit("A"), _visit("B"), DUMP]
    rule = BreakRule(after_s=45 * MINUTE, length_s=20 * MINUTE)  # leaves: 6:00, 6:15, 6:30, 6:50

    def run(pause_at: int | None, pause_s: int) -> Timing:
        return time_stops(
            MATRIX,
            TRUCK,
            "D",
            START,
            stops,
            on_board_limit_s=None,
            pause_at=pause_at,
            pause_s=pause_s,
        )

    plain = run(None, 0)
    placed = place_break(run, rule, START.t, START.t, plain, accept=lambda _t: True)
    assert placed is not None
    timing, taken = placed
    assert taken == Break(6 * HOUR + 30 * MINUTE, 6 * HOUR + 50 * MINUTE)  # before the dump
    assert timing.times[2][1] == plain.times[2][1] + 20 * MINUTE
    # every place delays the end by the whole break: a route that must end as early refuses all
    late = place_break(
        run, rule, START.t, START.t, plain, accept=lambda t: (t.end_s or 0) <= plain.end_s
    )
    assert late is None
    hinted = place_break(
        run, rule, START.t, START.t, plain, accept=lambda _t: True, hint_s=6 * HOUR + 20 * MINUTE
    )
    assert hinted is not None and hinted[1].start_s == 6 * HOUR + 15 * MINUTE
    only_two = place_break(
        run, rule, START.t, START.t, plain, accept=lambda t: t.times[0][1] > 6 * HOUR + 600, tries=2
    )
    assert only_two is None  # the two latest places do not delay A; the third would
