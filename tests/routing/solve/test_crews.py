"""Crews for routes (SH1): each crew works one route at most, within its hours."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from routing.solve.ortools_crews import assign_crews
from routing.units import HOUR


def _fits(route: tuple[int, int], crew: tuple[int, int, int]) -> bool:
    (start, end), (early, late, longest) = route, crew
    return early <= start and end <= late and end - start <= longest


def _check(routes: list[tuple[int, int]], crews: list[tuple[int, int, int]]) -> list[int | None]:
    picks = assign_crews(routes, crews)
    chosen = [p for p in picks if p is not None]
    assert len(chosen) == len(set(chosen)), "a crew works two routes (SH1)"
    for route, pick in zip(routes, picks, strict=True):
        if pick is not None:
            assert _fits(route, crews[pick])
    return picks


def test_a_city_of_identical_crews_is_crewed_in_full() -> None:
    # 330 routes and 660 interchangeable crews: the per-crew model of 217,800 choices found no
    # solution within its time at city scale; grouped into one kind, every route gets a crew.
    routes = [(4 * HOUR + (i % 3) * 6 * HOUR, 9 * HOUR + (i % 3) * 6 * HOUR) for i in range(330)]
    crews = [(0, 24 * HOUR, 6 * HOUR)] * 660
    picks = _check(routes, crews)
    assert None not in picks


def test_crews_with_other_hours_are_counted_per_kind() -> None:
    evening = (16 * HOUR, 24 * HOUR, 6 * HOUR)
    morning = (4 * HOUR, 12 * HOUR, 6 * HOUR)
    routes = [(17 * HOUR, 22 * HOUR)] * 3 + [(5 * HOUR, 10 * HOUR)] * 2
    picks = _check(routes, [morning] * 5 + [evening] * 2)
    assert sum(p is not None for p in picks[:3]) == 2  # two evening crews for three routes
    assert None not in picks[3:]


def test_a_route_longer_than_any_crew_may_work_gets_none() -> None:
    assert _check([(4 * HOUR, 12 * HOUR)], [(0, 24 * HOUR, 6 * HOUR)] * 3) == [None]


_hours = st.tuples(
    st.integers(0, 12).map(lambda h: h * HOUR),
    st.integers(12, 24).map(lambda h: h * HOUR),
    st.integers(2, 10).map(lambda h: h * HOUR),
)
_route = st.tuples(st.integers(2, 16), st.integers(1, 8)).map(
    lambda r: (r[0] * HOUR, (r[0] + r[1]) * HOUR)
)


@settings(max_examples=60, deadline=None)
@given(
    routes=st.lists(_route, max_size=12),
    kinds=st.lists(st.tuples(_hours, st.integers(1, 4)), min_size=1, max_size=4),
)
def test_as_many_routes_are_crewed_as_a_matching_allows(
    routes: list[tuple[int, int]], kinds: list[tuple[tuple[int, int, int], int]]
) -> None:
    crews = [hours for hours, count in kinds for _ in range(count)]
    picks = _check(routes, crews)
    graph = nx.Graph()
    graph.add_nodes_from(("r", r) for r in range(len(routes)))
    graph.add_edges_from(
        (("r", r), ("c", c))
        for r, route in enumerate(routes)
        for c, crew in enumerate(crews)
        if _fits(route, crew)
    )
    best = nx.bipartite.maximum_matching(graph, top_nodes=[("r", r) for r in range(len(routes))])
    assert sum(p is not None for p in picks) == len(best) // 2
