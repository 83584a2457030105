"""Solving Kim instances: every solution the solver returns passes the independent validator."""

from __future__ import annotations

from pathlib import Path

import pytest

from routing.kim import parse_kim, read_kim, solution_from_dict, solution_to_dict, validate_kim
from routing.kim.pyvrp_model import KimLimits
from routing.kim.solve import solve_kim_instance
from routing.kim.travel import vehicle_bounds

DATA = Path(__file__).resolve().parents[4] / "shared" / "data" / "benchmarks" / "kim2006-wcvrptw"

# Six stops of 60 yd, a body of 100 yd and 150 yd a day: at least three vehicles; the stops
# are open all day, the noon stop makes every route that serves it take the lunch first.
HARBOUR = """100\t// capacity
150\t// daily yards
2\t// daily stops
3600\t// lunch
30\t// mph
Stop_ID X Y Early Late Service Load Type
10 0 0 0600 1800 0 9999 0
20 8800 0 0000 2400 900 9999 2
31 1000 1000 0000 2400 300 60 1
32 1000 1000 0000 2400 300 60 1
33 -2000 500 0000 2400 300 60 1
34 -2000 -500 1200 1400 300 60 1
35 3000 -3000 0000 2400 300 60 1
36 3000 3000 0000 2400 300 0 1
"""


def test_the_pyvrp_limits_keep_the_daily_caps() -> None:
    for path in sorted(DATA.glob("*_stop.txt")):
        instance = read_kim(path)
        limits = KimLimits.of(instance)
        assert limits.trips is not None and limits.trip_stops is not None
        assert limits.trips * limits.trip_yd <= round(instance.daily_yd * 100)
        assert limits.trip_yd <= round(instance.capacity_yd * 100)
        assert limits.trips * limits.trip_stops <= instance.daily_stops


def test_a_small_instance_is_solved_under_every_rule() -> None:
    instance = parse_kim(HARBOUR, name="harbour")
    run = solve_kim_instance(instance, time_limit_s=2, seed=1, max_iterations=300)
    report = validate_kim(instance, run.solution)
    assert report.ok, report.violations
    assert report.vehicles == 3  # 2 stops a day, 6 stops
    assert solution_from_dict(solution_to_dict(run.solution)) == run.solution
    # 6 stops at 2 a day; 300 yd at 150 a day; 6 services of 300 s, the drives in from the
    # nearest sites and 3 unloadings of 900 s fit into one day of the depot's 12 hours.
    assert vehicle_bounds(instance) == {"stops": 3, "yards": 2, "time": 1}


def test_the_time_bound_counts_service_drives_and_unloadings() -> None:
    # Ten 1-hour stops 1 mile apart in a line, the depot open 2 hours: each stop's service and
    # its 2-minute drive in, plus one 15-minute unloading, need 10 h 35 min: six 2-hour days.
    rows = "".join(f"{i + 2} {5280 * (i + 1)} 0 0000 2400 3600 1 1\n" for i in range(10))
    text = (
        HARBOUR.split("10 0 0 0600")[0]
        + "10 0 0 0600 0800 0 9999 0\n20 0 5280 0000 2400 900 9999 2\n"
        + rows
    )
    instance = parse_kim(text.replace("2\t// daily stops", "50\t// daily stops"), name="line")
    assert vehicle_bounds(instance) == {"yards": 1, "stops": 1, "time": 6}


def test_the_102_stop_instance_is_solved_under_every_rule() -> None:
    instance = read_kim(DATA / "102_stop.txt")
    run = solve_kim_instance(instance, time_limit_s=8, seed=1)
    report = validate_kim(instance, run.solution)
    assert report.ok, report.violations
    assert report.vehicles >= max(vehicle_bounds(instance).values())


@pytest.mark.parametrize("seed", [0, 7])
def test_same_seed_and_iterations_give_the_same_day(seed: int) -> None:
    instance = parse_kim(HARBOUR, name="harbour")
    first = solve_kim_instance(instance, time_limit_s=5, seed=seed, max_iterations=200)
    again = solve_kim_instance(instance, time_limit_s=5, seed=seed, max_iterations=200)
    assert first.solution == again.solution
