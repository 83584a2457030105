"""Timing a sequence of stops on a vehicle: the route's clock, stop after stop, with every rule
of :mod:`routing.engine.clock`; the timed stops, or the rule that stops the sequence.

The caller says where the truck is and when (:class:`Begin`), what it does next (:class:`Stop`
s: visits with their loads, unloadings that empty the body), and where a pause (the crew's
break) goes; :func:`time_stops` returns the times of every stop and when the truck is back at its
depot, or the rule id and a sentence for the first stop it cannot make.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from routing.domain import TimeWindow
from routing.engine.clock import BreakRule, admit, fits_capacity, on_board_excess
from routing.fleet import VehicleType, Zone
from routing.plan import Break
from routing.travel import TravelMatrix

#: arrival, start of service, departure (s); kg and litres on board after a visit, or tipped
StopTimes = tuple[int, int, int, int, int]


@dataclass(frozen=True, slots=True)
class Stop:
    """One stop: a visit that loads ``kg`` and ``litres``, or an unloading (``unloads``).

    ``row`` is the location's row in the vehicle's matrix; ``zones`` the zones around it (CT6).
    """

    location: str
    row: int
    busy_s: int
    windows: tuple[TimeWindow, ...]
    kg: int = 0
    litres: int = 0
    unloads: bool = False
    zones: tuple[Zone, ...] = ()


@dataclass(frozen=True, slots=True)
class Begin:
    """Where and when the truck is free: its location, the time, kg and litres on board, and the
    start of service of the open trip's first pickup (None when it is empty)."""

    location: str
    t: int
    kg: int = 0
    litres: int = 0
    first_pickup_s: int | None = None


@dataclass(slots=True)
class Timing:
    """Stops timed: their times (up to the first that failed), the time back at the depot
    (None when a stop failed), and the failing rule id and a sentence.

    ``late``: when CT5 failed on a trip begun in the sequence, its first stop's index and the
    seconds over the limit (starting that trip so much later may keep it).
    """

    times: list[StopTimes]
    end_s: int | None
    failure: tuple[str, str] = ("", "")
    late: tuple[int, int] | None = field(default=None)


def time_stops(
    matrix: TravelMatrix,
    vehicle_type: VehicleType,
    depot_id: str,
    begin: Begin,
    stops: Sequence[Stop],
    *,
    on_board_limit_s: int | None,
    not_before_s: int = 0,
    pause_at: int | None = None,
    pause_s: int = 0,
    holds: Mapping[int, int] | None = None,
) -> Timing:
    """Time ``stops`` from ``begin`` on ``matrix`` and drive back to ``depot_id``.

    ``on_board_limit_s``: CT5 is checked at each unloading when given (None: the caller checks
    it afterwards). ``not_before_s``: no stop is reached before then (dispatch's "now").
    ``pause_at``, ``pause_s``: a pause of ``pause_s`` (the crew's break) before stop
    ``pause_at`` (``len(stops)``: before driving home). ``holds``: seconds to wait before given
    stops (to start a trip later, for CT5).
    """
    seconds, index = matrix.time_s, matrix.index
    size = vehicle_type.size_class
    here, t = index[begin.location], begin.t
    kg, litres, first = begin.kg, begin.litres, begin.first_pickup_s
    first_stop: int | None = None
    times: list[StopTimes] = []
    for k, stop in enumerate(stops):
        if k == pause_at:
            t += pause_s
        if holds:
            t += holds.get(k, 0)
        earliest = max(t + int(seconds[here, stop.row]), not_before_s)
        admitted = admit(stop.zones, size, stop.windows, earliest, stop.busy_s)
        if admitted is None:
            return Timing(times, None, _refusal(stop))
        arrival, start = admitted
        if not stop.unloads:
            kg, litres = kg + stop.kg, litres + stop.litres
            if not fits_capacity(vehicle_type, kg, litres):
                return Timing(times, None, ("CP", f"over the capacity of {vehicle_type.id}"))
            if first is None:
                first, first_stop = start, k
        elif first is not None and on_board_limit_s is not None:
            excess = on_board_excess(first, start, on_board_limit_s)
            if excess:
                late = None if first_stop is None else (first_stop, excess)
                failure = ("CT5", "waste would stay on board too long")
                return Timing(times, None, failure, late)
        departure = start + stop.busy_s
        times.append((arrival, start, departure, kg, litres))
        if stop.unloads:
            kg = litres = 0
            first = first_stop = None
        here, t = stop.row, departure
    if pause_at == len(stops):
        t += pause_s
    return Timing(times, t + int(seconds[here, index[depot_id]]))


def _refusal(stop: Stop) -> tuple[str, str]:
    """Why ``stop`` cannot be made: its zones (CT6) or its hours (TW)."""
    what = f"facility {stop.location}" if stop.unloads else f"point {stop.location}"
    if stop.zones:
        return "CT6", f"{what}: zone hours or vehicle size"
    return "TW", f"{what} cannot be reached within its hours"


def place_break(
    run: Callable[[int | None, int], Timing],
    rule: BreakRule,
    route_start_s: int,
    free_s: int,
    plain: Timing,
    *,
    accept: Callable[[Timing], bool],
    hint_s: int | None = None,
    tries: int | None = None,
) -> tuple[Timing, Break] | None:
    """SH1: the stops timed again with the crew's break in the best place that keeps them
    acceptable, and the break; None when no place does.

    ``run(pause_at, pause_s)`` times the stops with a pause; ``plain`` is their timing without
    one, from ``free_s`` (when the truck leaves for the first stop). Places are tried as
    :meth:`BreakRule.places` orders them (``hint_s``: where a plan had the break), the first
    ``tries`` of them (None: all); ``accept`` judges a timing that reached the depot.
    """
    leaves = [free_s, *(times[2] for times in plain.times)]
    places = rule.places(route_start_s, leaves, hint_s=hint_s)
    for position in places if tries is None else places[:tries]:
        leave = leaves[position]
        paused = run(position, rule.pause_s(leave))
        if paused.end_s is not None and accept(paused):
            return paused, rule.taken(leave)
    return None


def break_on_the_way(
    run: Callable[[int | None, int], Timing],
    rule: BreakRule,
    route_start_s: int,
    free_s: int,
) -> tuple[Timing, int | None, Break | None]:
    """SH1 as a crew takes it on the road, for stops timed after a route's break is still due:
    the stops timed with the break before the first of them (or the drive home) that would end
    past the deadline; its position and the break, or (plain timing, None, None) when no stop
    ends past it.

    ``run(pause_at, pause_s)`` times the stops from ``free_s`` (when the truck is free). A stop
    that cannot be made before the break is due fails with or without the break (a pause only
    delays), so a failed plain timing is returned as it is.
    """
    plain = run(None, 0)
    ends = [times[2] for times in plain.times]
    if plain.end_s is not None:
        ends.append(plain.end_s)
    position = next((k for k, end in enumerate(ends) if rule.due(route_start_s, end)), None)
    if position is None:
        return plain, None, None
    leave = free_s if position == 0 else plain.times[position - 1][2]
    return run(position, rule.pause_s(leave)), position, rule.taken(leave)
