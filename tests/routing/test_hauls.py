"""The first station overflow of a day, found in one pass, is the one a search over every
shorter day would find (hauls only react to what has already been unloaded)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from routing.hauls import Inflow, first_overflow, haul_inflows
from routing.units import HOUR
from tests.factories import riverside

PROBLEM = riverside()
STATIONS = {f.id: f for f in PROBLEM.transfer_stations}

inflow_lists = st.lists(
    st.tuples(
        st.integers(4 * HOUR, 22 * HOUR),
        st.sampled_from(sorted(STATIONS)),
        st.integers(1, 3_000),
    ),
    max_size=30,
)


def _by_prefixes(inflows: list[Inflow]) -> int | None:
    day = sorted(inflows)
    for count in range(1, len(day) + 1):
        if haul_inflows(PROBLEM, day[:count], {})[1]:
            return count - 1
    return None


@settings(max_examples=150, deadline=None)
@given(inflow_lists)
def test_one_pass_finds_the_first_overflow_of_every_prefix(inflows: list[Inflow]) -> None:
    day = sorted(inflows)
    hauls, overflows = haul_inflows(PROBLEM, day, {})
    found = first_overflow(STATIONS, day, hauls)
    assert found == _by_prefixes(day)
    assert overflows == (found is not None)


def test_a_station_filled_faster_than_it_is_hauled_overflows_at_the_right_unloading() -> None:
    station = next(iter(STATIONS.values()))
    # Storage 4 t, containers 2 t: five 1.5 t loads within a minute outrun every hauler.
    day = [(8 * HOUR + k, station.id, 1_500) for k in range(5)]
    hauls, _ = haul_inflows(PROBLEM, day, {})
    found = first_overflow(STATIONS, day, hauls)
    assert found is not None and found == _by_prefixes(day)
