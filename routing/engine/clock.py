"""The rules of a route's clock, each written once: windows (TW), zones by size and hour (CT6),
the crew's break (SH1), waste's time on board (CT5), the body's capacity (CP) and a vehicle's
daily limits (DL).

Every planner times its stops with these; the validator reads the same rules on its own
(:mod:`routing.validation`). All times are seconds since midnight, all loads kg and litres.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from routing.domain import SizeClass, TimeWindow
from routing.fleet import Crew, VehicleType, Zone
from routing.plan import Break


def next_start(windows: Sequence[TimeWindow], moment_s: int) -> int | None:
    """TW: the earliest start of service at or after ``moment_s`` within one of ``windows``
    (waiting for a window to open is allowed); None when every window has closed."""
    if len(windows) == 1:  # the common case, kept cheap: timing calls this for every stop
        only = windows[0]
        return max(moment_s, only.start_s) if only.end_s >= moment_s else None
    starts = [max(moment_s, w.start_s) for w in windows if w.end_s >= moment_s]
    return min(starts) if starts else None


def _zone_fit(zone: Zone, moment_s: int, busy_s: int) -> int | None:
    """The earliest time at or after ``moment_s`` from which ``busy_s`` fit in a zone window."""
    fits = [
        max(moment_s, w.start_s)
        for w in zone.open_windows
        if w.end_s >= max(moment_s, w.start_s) + busy_s
    ]
    return min(fits) if fits else None


def zone_start(
    zones: Iterable[Zone],
    size: SizeClass,
    windows: Sequence[TimeWindow],
    earliest_s: int,
    busy_s: int,
) -> int | None:
    """TW and CT6: the earliest start at or after ``earliest_s`` within ``windows`` such that
    the stop's work (``busy_s`` from the start) lies inside an open window of every zone
    around it; None if there is none, or a zone never admits vehicles of ``size``.

    Each round moves the start to the next moment the point, then each zone, admits; every
    move is a lower bound of any admissible start, so the first start no zone moves is the
    earliest. A move lands on a window's opening, of which there are finitely many, so the
    rounds end.
    """
    zones = tuple(zones)
    if any(size not in zone.allowed_size_classes for zone in zones):
        return None
    start = next_start(windows, earliest_s)
    while start is not None:
        moved = start
        for zone in zones:
            fit = _zone_fit(zone, moved, busy_s)
            if fit is None:
                return None
            moved = fit
        if moved == start:
            return start
        start = next_start(windows, moved)
    return None


def zone_entry(zones: Iterable[Zone], earliest_s: int, start_s: int, departure_s: int) -> int:
    """CT6: the earliest arrival at or after ``earliest_s`` from which every zone is open until
    ``departure_s``: the truck waits at the stop when the zones allow it, outside them when not.

    ``start_s`` must come from :func:`zone_start` (every zone then covers it to departure).
    """
    entry = earliest_s
    for zone in zones:
        opened = min(w.start_s for w in zone.open_windows if w.covers(start_s, departure_s))
        entry = max(entry, opened)
    return entry


def admit(
    zones: Sequence[Zone],
    size: SizeClass,
    windows: Sequence[TimeWindow],
    earliest_s: int,
    busy_s: int,
) -> tuple[int, int] | None:
    """TW and CT6 at one stop reached no earlier than ``earliest_s``: (arrival, start of
    service), or None when neither its windows nor its zones leave room for ``busy_s`` of work.
    Without zones the truck arrives as early as it can and waits at the stop."""
    if not zones:
        start = next_start(windows, earliest_s)
        return None if start is None else (earliest_s, start)
    start = zone_start(zones, size, windows, earliest_s, busy_s)
    if start is None:
        return None
    return zone_entry(zones, earliest_s, start, start + busy_s), start


def fits_capacity(vehicle_type: VehicleType, kg: int, litres: int) -> bool:
    """CP: whether ``kg`` and ``litres`` on board fit the body."""
    return kg <= vehicle_type.capacity_kg and litres <= vehicle_type.capacity_l


def within_day(vehicle_type: VehicleType, kg: int, litres: int, visits: int) -> bool:
    """DL: whether a vehicle's day of ``kg``, ``litres`` and ``visits`` keeps its type's daily
    limits."""
    limits = (vehicle_type.daily_kg, vehicle_type.daily_l, vehicle_type.daily_stops)
    amounts = (kg, litres, visits)
    return all(limit is None or n <= limit for n, limit in zip(amounts, limits, strict=True))


def on_board_excess(first_start_s: int, tipping_start_s: int, limit_s: int) -> int:
    """CT5: seconds by which waste picked up from ``first_start_s`` (the trip's first start of
    service) and tipped from ``tipping_start_s`` stays on board over ``limit_s``; 0 when within."""
    return max(0, tipping_start_s - first_start_s - limit_s)


@dataclass(frozen=True, slots=True)
class BreakRule:
    """SH1: a route longer than ``after_s`` needs a break of ``length_s`` that starts no later
    than ``after_s`` from the route's start; with a ``window`` instead, a route begun before the
    window's end and still out after it needs the break, starting within the window (waiting for
    its opening)."""

    after_s: int
    length_s: int
    window: TimeWindow | None = None

    @classmethod
    def of(cls, crew: Crew) -> BreakRule:
        """The crew's break rule."""
        return cls(crew.break_after_s, crew.break_s, crew.break_window)

    def deadline(self, route_start_s: int) -> int:
        """The latest start of the break."""
        if self.window is not None:
            return self.window.end_s
        return route_start_s + self.after_s

    def due(self, route_start_s: int, end_s: int) -> bool:
        """Whether work from ``route_start_s`` until ``end_s`` needs the break."""
        if self.length_s <= 0:
            return False
        if self.window is not None:
            return route_start_s < self.window.end_s < end_s
        return end_s - route_start_s > self.after_s

    def taken(self, leave_s: int) -> Break:
        """The break taken when the truck leaves a stop at ``leave_s``: from then, or from the
        window's opening when it comes earlier."""
        start = leave_s if self.window is None else max(leave_s, self.window.start_s)
        return Break(start, start + self.length_s)

    def pause_s(self, leave_s: int) -> int:
        """Seconds a break taken at ``leave_s`` holds the truck (any wait for the window too)."""
        return self.taken(leave_s).end_s - leave_s

    def places(
        self, route_start_s: int, leaves: Sequence[int], *, hint_s: int | None = None
    ) -> list[int]:
        """Where the break may go, best first: positions ``k`` (before the ``k``-th stop;
        ``len(leaves) - 1``: before driving home) whose time of leaving, ``leaves[k]``, is by the
        deadline, the latest first (it delays the least). With ``hint_s`` (where a plan had the
        break), the latest place leaving by then goes first."""
        deadline = self.deadline(route_start_s)
        order = [k for k in range(len(leaves) - 1, -1, -1) if leaves[k] <= deadline]
        if hint_s is not None:
            hinted = next((k for k in order if leaves[k] <= hint_s), None)
            if hinted is not None:
                order.remove(hinted)
                order.insert(0, hinted)
        return order
