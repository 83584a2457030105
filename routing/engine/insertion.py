"""Where a visit may go in a route, priced by the driving and service it adds: the first step of
every insertion the planners make (the optimiser's repair of visits its search left out,
:mod:`routing.solve.insertion`, and every dispatch operation, :mod:`routing.dispatch.placement`).

A visit may go between two stops of a trip of its stream that has room for it, or as a trip of
its own (the visit, then a facility) between two trips. The estimate is the added driving and
service only; the caller times the cheapest places in full with :func:`routing.engine.time_stops`,
which alone says whether a place keeps every rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from routing.travel import TravelMatrix

#: added seconds, trip, place in the trip (before its ``place``-th visit), facility of a new trip
#: (None: within the trip)
Position = tuple[int, int, int, str | None]


@dataclass(frozen=True, slots=True)
class TripShape:
    """A trip as insertion sees it: its visits' locations, its facility, whether the visit may
    join it (its stream, room on board and at the facility), and whether a trip of the visit's
    own may go before it."""

    visits: tuple[str, ...]
    facility_id: str
    takes: bool
    new_before: bool = True


def price_positions(
    matrix: TravelMatrix,
    location: str,
    service_s: int,
    *,
    start: str,
    trips: Sequence[TripShape],
    home: str,
    dumps: Sequence[tuple[str, int]],
) -> list[Position]:
    """Every place for a visit to ``location`` (``service_s`` of work) in a route that leaves
    ``start`` for ``trips`` and ends at ``home``, with the seconds it adds; within trips first,
    then as a trip of its own to each of ``dumps`` (facility id, tipping seconds), each list in
    route order (callers sort by what they weigh).
    """
    t, index = matrix.time_s, matrix.index
    p = index[location]
    within: list[Position] = []
    alone: list[Position] = []
    here = start
    for j, trip in enumerate(trips):
        first = trip.visits[0] if trip.visits else trip.facility_id
        if trip.new_before:
            alone.extend(_alone(matrix, p, service_s, here, first, j, dumps))
        if trip.takes:
            stops = [index[here], *(index[v] for v in trip.visits), index[trip.facility_id]]
            for i in range(len(stops) - 1):
                a, b = stops[i], stops[i + 1]
                within.append((int(t[a, p] + service_s + t[p, b] - t[a, b]), j, i, None))
        here = trip.facility_id
    alone.extend(_alone(matrix, p, service_s, here, home, len(trips), dumps))
    return within + alone


def _alone(
    matrix: TravelMatrix,
    p: int,
    service_s: int,
    before: str,
    after: str,
    j: int,
    dumps: Sequence[tuple[str, int]],
) -> list[Position]:
    """A trip of the visit's own between ``before`` and ``after``, to each dump."""
    t, index = matrix.time_s, matrix.index
    a, b = index[before], index[after]
    return [
        (int(t[a, p] + service_s + t[p, index[f]] + tipping_s + t[index[f], b] - t[a, b]), j, 0, f)
        for f, tipping_s in dumps
    ]
