"""The optimiser's own view of a district-day: jobs, slots and dumps, per stream.

A :class:`Job` is one visit of a collection point, with the one time window it may start in
(twice-daily points get disjoint shift ranges, so FQ holds by construction). A :class:`Slot` is one
vehicle in one shift, with the hours it may work after handover and break margins. A :class:`Dump`
is a facility accepting the stream, with its hours and tipping time. A :class:`StreamProblem` puts
one stream's jobs, slots and dumps together: one stream per sub-problem keeps CT1–CT3 by
construction. Nothing here imports a solver library.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from routing.domain import WasteStream
from routing.travel import TravelMatrix


@dataclass(frozen=True, slots=True)
class Job:
    """One visit of a collection point: amounts, service time and its start window (s)."""

    point_id: str
    visit: int
    kg: int
    litres: int
    service_s: int
    tw_start: int
    tw_end: int
    max_size: int  # largest SizeClass value that can reach it
    board_s: int = 0  # estimated seconds this visit adds to a trip's time on board (CT5)


@dataclass(frozen=True, slots=True)
class Slot:
    """One vehicle in one shift: when it may leave and must be back, what it carries, its costs.

    ``capacity_kg`` and ``capacity_l`` hold per trip; with daily limits (DL) a slot makes at most
    ``max_trips`` trips of at most ``trip_visits`` visits, their loads a share of the day's (see
    :func:`routing.solve.jobs.trip_limits`). ``fixed_cost_fen``: the vehicle's cost of working.
    """

    vehicle_id: str
    shift_id: str
    depot_id: str
    profile: str
    size: int
    capacity_kg: int
    capacity_l: int
    start_s: int
    end_s: int
    cost_per_km_fen: int
    cost_per_hour_fen: int
    fixed_cost_fen: int = 0
    max_trips: int | None = None
    trip_visits: int | None = None


@dataclass(frozen=True, slots=True)
class Dump:
    """A facility a trip may end at: when tipping may start and how long it takes."""

    facility_id: str
    open_s: int
    close_s: int
    tipping_s: int


@dataclass(frozen=True, slots=True)
class StreamProblem:
    """One stream's jobs, the slots that carry it, the dumps that take it, and the matrices."""

    stream: WasteStream
    jobs: tuple[Job, ...]
    slots: tuple[Slot, ...]
    dumps: tuple[Dump, ...]
    matrices: Mapping[str, TravelMatrix]
    on_board_s: int = 0  # most seconds on board per trip (CT5), 0: not limited
    warm: tuple[SlotRoute, ...] = ()  # a plan to start the search from (yesterday's)


@dataclass(frozen=True, slots=True)
class SlotTrip:
    """A trip as a solver returns it: jobs in order, then the dump."""

    jobs: tuple[int, ...]
    dump: int


@dataclass(frozen=True, slots=True)
class SlotRoute:
    """A slot's trips as a solver returns them, and when it leaves the depot."""

    slot: int
    start_s: int
    trips: tuple[SlotTrip, ...]
