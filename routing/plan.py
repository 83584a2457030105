"""The plan: what every vehicle does in every shift, and what could not be served.

A plan states a schedule (arrival, start and departure at every stop) and the loads the planner
believes the truck carries. The validator (:mod:`routing.validation`) recomputes travel times and
loads from the problem and checks every rule against that schedule.

Structure: a :class:`Route` is one vehicle in one shift with one crew, leaving its depot at
``start_s`` and back at ``end_s``; it runs :class:`Trip` s, each collecting one stream from empty
and ending with an :class:`Unload` at a facility. :class:`Haul` s take full containers from transfer
stations to the landfill (TH). :class:`Unserved` lists visits the plan could not make, with the rule
or limit that stopped them. :class:`RunStats` says how the solve that made the plan went.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from routing.domain import WasteStream


@dataclass(frozen=True, slots=True)
class VisitStop:
    """Service of one visit of a collection point.

    Parameters
    ----------
    point_id
        The point served.
    visit
        Which of the point's daily visits this is, from 0.
    arrival_s, start_s, departure_s
        Arrival, start of service (after any wait) and departure, seconds since midnight.
    load_kg, load_l
        What the truck carries after this stop, as the planner computed it.
    """

    point_id: str
    visit: int
    arrival_s: int
    start_s: int
    departure_s: int
    load_kg: int
    load_l: int


@dataclass(frozen=True, slots=True)
class Unload:
    """Tipping at a facility at the end of a trip; the truck leaves empty."""

    facility_id: str
    arrival_s: int
    start_s: int
    departure_s: int
    kg: int
    litres: int


@dataclass(frozen=True, slots=True)
class Trip:
    """From empty, through visits of one stream, to unloading.

    ``unload`` is ``None`` only in a broken plan (a truck left loaded, CT4); the type allows it so
    that such a plan can be read and judged.
    """

    stream: WasteStream
    visits: tuple[VisitStop, ...]
    unload: Unload | None


@dataclass(frozen=True, slots=True)
class Break:
    """The crew's break, from ``start_s`` to ``end_s``, taken while the truck stands."""

    start_s: int
    end_s: int


@dataclass(frozen=True, slots=True)
class Route:
    """One vehicle, one shift, one crew: depot → trips → depot."""

    vehicle_id: str
    shift_id: str
    crew_id: str
    start_s: int
    end_s: int
    trips: tuple[Trip, ...]
    breaks: tuple[Break, ...] = ()

    def stops(self) -> Iterator[VisitStop | Unload]:
        """Every stop of the route in order."""
        for trip in self.trips:
            yield from trip.visits
            if trip.unload is not None:
                yield trip.unload


@dataclass(frozen=True, slots=True)
class Haul:
    """A hook-lift truck takes full containers from a transfer station to the landfill (TH)."""

    vehicle_id: str
    station_id: str
    destination_id: str
    depart_s: int
    arrival_s: int
    containers: int
    kg: int


@dataclass(frozen=True, slots=True)
class Unserved:
    """A visit the plan does not make, with the rule or limit that prevented it."""

    point_id: str
    visit: int
    rule: str
    reason: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """One of the plans a solve compared: visits it left unserved, its cost (CNY, with hauls) and
    whether the validator passed it."""

    unserved: int
    cost_yuan: float
    valid: bool


@dataclass(frozen=True, slots=True)
class RunStats:
    """How the solve that made a plan went (after PyVRP's ``Result``): what ran, for how long.

    Parameters
    ----------
    engine
        The engine asked for: ``"optimiser"`` or ``"greedy"``.
    chosen
        Whose plan was kept: ``"pyvrp+ortools"`` or ``"greedy"``.
    seed
        The solve's seed.
    seconds
        Wall-clock seconds of the whole solve.
    phases
        Seconds per phase, in the order they ran: ``(("greedy", 0.04), ("search", 27.1), ...)``.
    time_limit_s, iterations
        The stopping criterion the solve was given (iterations: per search; None for none).
    searches, streams
        Searches run (one per stream, or per sector of a large one) and the streams searched.
    routing_library_kept
        Searches whose routes came from OR-Tools' routing library rather than PyVRP.
    placed_again
        Visits the regret insertion placed after the searches and the greedy fill.
    optimiser, greedy
        The optimiser's plan and the greedy planner's, as compared (None when not made).
    """

    engine: str
    chosen: str
    seed: int
    seconds: float
    phases: tuple[tuple[str, float], ...] = ()
    time_limit_s: float | None = None
    iterations: int | None = None
    searches: int = 0
    streams: tuple[str, ...] = ()
    routing_library_kept: int = 0
    placed_again: int = 0
    optimiser: Candidate | None = None
    greedy: Candidate | None = None

    @property
    def phase_seconds(self) -> dict[str, float]:
        """Seconds per phase by name."""
        return dict(self.phases)

    def phases_text(self) -> str:
        """The phases for people: ``"greedy 0.0, search 27.1, ..."``."""
        return ", ".join(f"{phase} {seconds:.1f}" for phase, seconds in self.phases)


@dataclass(frozen=True, slots=True)
class Plan:
    """A day's plan for a problem.

    Parameters
    ----------
    problem_name
        Name of the problem it was made for.
    routes, hauls, unserved
        See the module's description.
    meta
        Free facts about the plan (solver, seed, travel method; a dispatch operation's name).
    stats
        How the solve that made it went, or None (a plan edited by a dispatch operation, or read
        from a file written before plans carried them).
    """

    problem_name: str
    routes: tuple[Route, ...]
    hauls: tuple[Haul, ...] = ()
    unserved: tuple[Unserved, ...] = ()
    meta: Mapping[str, str | int | float] = field(default_factory=dict)
    stats: RunStats | None = None

    def served_visits(self) -> Iterator[tuple[Route, Trip, VisitStop]]:
        """Every visit stop with its route and trip."""
        for route in self.routes:
            for trip in route.trips:
                for stop in trip.visits:
                    yield route, trip, stop
