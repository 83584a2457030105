"""Urgent pickups: rank the places in the published plan where a new visit fits, apply one.

The pickup becomes a collection point of its own (one visit, window from the request's time to
its deadline less the service). Every route that may carry its stream is tried at every position
of its flexible rest and as a trip of its own; the places that keep every rule of their route are
ranked by the cost they add (km and working hours), and checked against the rules that span
routes (facility capacity, station storage), so that every slot offered can be applied as it
stands; the plan of the slot applied is judged in full by the validator.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from routing.dispatch.day import Day
from routing.dispatch.draft import Timer
from routing.dispatch.errors import DispatchError
from routing.dispatch.objective import Objective, reference_of
from routing.dispatch.opening import open_day, require_valid
from routing.dispatch.placement import Option
from routing.dispatch.points import with_point
from routing.dispatch.requests import StopReport, UrgentRequest, VisitKey, Weights
from routing.dispatch.result import DispatchResult, finish, placements
from routing.dispatch.search import Search
from routing.domain import CollectionPoint, Location, TimeWindow
from routing.errors import Defect, ProblemError
from routing.params import SolveParams
from routing.plan import Plan
from routing.problem import Problem
from routing.units import MINUTE, format_clock

Extend = Callable[[Problem, CollectionPoint], Problem]


@dataclass(frozen=True, slots=True)
class Slot:
    """A place for the urgent visit: route, trip and stop number (from 1), what it adds.

    ``retimed``: other visits of the route whose service start moves by more than 15 minutes.
    """

    rank: int
    vehicle_id: str
    shift_id: str
    crew_id: str
    trip: int
    stop: int
    new_trip: bool
    added_cost_fen: int
    eta_s: int
    retimed: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "rank": self.rank,
            "vehicle": self.vehicle_id,
            "shift": self.shift_id,
            "crew": self.crew_id,
            "trip": self.trip,
            "stop": self.stop,
            "new_trip": self.new_trip,
            "added_cost_yuan": round(self.added_cost_fen / 100, 2),
            "eta": format_clock(self.eta_s),
            "eta_s": self.eta_s,
            "retimed": self.retimed,
        }


@dataclass(frozen=True, slots=True)
class UrgentRanking:
    """The slots for an urgent pickup, cheapest first, or the reasons there are none."""

    point: CollectionPoint | None
    slots: tuple[Slot, ...]
    reasons: tuple[str, ...]
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "point": self.point.id if self.point else None,
            "slots": [s.to_dict() for s in self.slots],
            "reasons": list(self.reasons),
            "seconds": round(self.seconds, 3),
        }


def urgent_point(problem: Problem, request: UrgentRequest, now_s: int | None) -> CollectionPoint:
    """The collection point of ``request``; its window opens at the request's time."""
    if request.at_point is not None:
        known = {*problem.point_by_id, *problem.depot_by_id, *problem.facility_by_id}
        if request.at_point not in known:
            raise ProblemError(
                [
                    Defect(
                        "urgent request", "at_point", f"no point or facility {request.at_point!r}"
                    )
                ],
                source="urgent request",
            )
        location = problem.location_of(request.at_point)
    else:
        assert request.lon is not None and request.lat is not None
        location = Location(request.lon, request.lat)
    size = request.max_size_class
    if size is None and request.at_point is not None and request.at_point in problem.point_by_id:
        size = problem.point_by_id[request.at_point].max_size_class
    opens = max(request.earliest_s or 0, now_s or 0)
    closes = request.deadline_s - request.service_s
    if opens > closes:
        raise DispatchError(
            "the urgent pickup cannot be made in time",
            reasons=[
                f"TW: service of {request.service_s // MINUTE} min must end by "
                f"{format_clock(request.deadline_s)}, and cannot start before {format_clock(opens)}"
            ],
        )
    fields: dict[str, Any] = {}
    if size is not None:
        fields["max_size_class"] = size
    return CollectionPoint(
        request.id,
        location,
        request.stream,
        request.kg,
        request.litres,
        request.service_s,
        time_windows=(TimeWindow(opens, closes),),
        name="urgent pickup",
        **fields,
    )


@dataclass(slots=True)
class _Urgent:
    day: Day
    search: Search
    judged: list[tuple[Slot, Option]]
    reasons: list[str]
    point: CollectionPoint


def _fits_the_day(day: Day, option: Option) -> bool:
    """Whether, with ``option`` applied, facilities keep within capacity and stations within
    storage (CT3, TH): the rules that span routes; the route's own rules are kept by timing."""
    old = (day.drafts[option.index], day.timed[option.index])
    day.replace(option.index, option.draft, option.timed)
    try:
        return day.first_overflow() is None
    finally:
        day.replace(option.index, *old)


def _slot(
    rank: int, option: Option, point_id: str, before: Mapping[VisitKey, tuple[str, str, int]]
) -> Slot:
    """The slot ``option`` offers, ranked ``rank``: its ETA and the other visits it retimes."""
    route = option.timed.route
    assert route is not None
    eta = next(s.start_s for t in route.trips for s in t.visits if s.point_id == point_id)
    retimed = sum(
        1
        for t in route.trips
        for s in t.visits
        if (s.point_id, s.visit) in before
        and abs(before[(s.point_id, s.visit)][2] - s.start_s) > 15 * MINUTE
    )
    return Slot(
        rank,
        route.vehicle_id,
        route.shift_id,
        route.crew_id,
        option.trip,
        option.stop,
        option.new_trip,
        round(option.delta),
        eta,
        retimed,
    )


def _rank(
    problem: Problem,
    plan: Plan,
    request: UrgentRequest,
    *,
    now_s: int | None,
    reports: Iterable[StopReport],
    limit: int,
    extend: Extend | None,
    params: SolveParams | None,
) -> _Urgent:
    require_valid(problem, plan)
    point = urgent_point(problem, request, now_s)
    extended = (
        extend(problem, point) if extend else with_point(problem, point, near=request.at_point)
    )
    day = open_day(extended, plan, now_s=now_s, reports=reports, timer=Timer(extended, params))
    search = Search(day, Objective(Weights(), reference_of(plan.routes)))
    key = (point.id, 0)
    before = placements(plan)
    options: list[Option] = []
    for index in range(len(day.drafts)):
        if search.placement.refusal(key, index) is None:
            options += search.placement.options(key, index, tries=day.timer.params.urgent_tries)
    options.sort(key=lambda o: (o.delta, o.index, o.trip, o.stop))
    judged: list[tuple[Slot, Option]] = []
    places: set[tuple[int, int, int, bool]] = set()
    for option in options:
        if len(judged) >= limit:
            break
        place = (option.index, option.trip, option.stop, option.new_trip)
        if place in places:  # the same place unloading elsewhere: only the cheapest is offered
            continue
        places.add(place)
        if not _fits_the_day(day, option):
            continue
        slot = _slot(len(judged) + 1, option, point.id, before)
        judged.append((slot, option))
    reasons = [] if judged else search.placement.why_not(key)
    if not judged and options:
        reasons.insert(0, "TH/CT3: every place that fits its route overfills a facility")
    return _Urgent(day, search, judged, reasons, point)


def rank_urgent(
    problem: Problem,
    plan: Plan,
    request: UrgentRequest,
    *,
    now_s: int | None = None,
    reports: Iterable[StopReport] = (),
    limit: int = 5,
    extend: Extend | None = None,
    params: SolveParams | None = None,
) -> UrgentRanking:
    """The best ``limit`` slots for ``request`` in ``plan``, cheapest first (see the module).

    ``now_s``: the request's time (stops reached by then are fixed); ``reports``: the crews'
    done and skipped visits; ``extend``: how to add the new point to the problem (default
    :func:`routing.dispatch.points.with_point`). With no slot, ``reasons`` say why (each rule
    with the number of routes it ruled out).
    """
    began = time.perf_counter()
    found = _rank(
        problem,
        plan,
        request,
        now_s=now_s,
        reports=reports,
        limit=limit,
        extend=extend,
        params=params,
    )
    return UrgentRanking(
        found.point,
        tuple(slot for slot, _ in found.judged),
        tuple(found.reasons),
        time.perf_counter() - began,
    )


SlotChoice = int | tuple[str, str, int, int, bool]
"""A slot by its rank in :func:`rank_urgent`'s list, or by (vehicle, shift, trip, stop, new trip)."""


def _chosen(judged: list[tuple[Slot, Option]], slot: SlotChoice) -> tuple[Slot, Option]:
    """The slot offered by its rank or place; :class:`DispatchError` when it is not offered."""
    if isinstance(slot, int):
        if slot <= len(judged):
            return judged[slot - 1]
    else:
        for s, o in judged:
            if (s.vehicle_id, s.shift_id, s.trip, s.stop, s.new_trip) == slot:
                return s, o
    offered = ", ".join(
        f"{s.rank}: {s.vehicle_id}/{s.shift_id} trip {s.trip} stop {s.stop}" for s, _ in judged
    )
    raise DispatchError(f"slot {slot} is not among the slots offered ({offered})")


def apply_urgent(
    problem: Problem,
    plan: Plan,
    request: UrgentRequest,
    *,
    slot: SlotChoice = 1,
    now_s: int | None = None,
    reports: Iterable[StopReport] = (),
    limit: int = 5,
    extend: Extend | None = None,
    params: SolveParams | None = None,
) -> DispatchResult:
    """``plan`` with the urgent visit in ``slot`` (a rank of :func:`rank_urgent` with the same
    ``limit``, or the slot's place).

    Raises :class:`DispatchError` with the reasons when there is no such slot.
    """
    began = time.perf_counter()
    if isinstance(slot, int) and slot < 1:
        raise ProblemError([Defect("urgent request", "slot", "must be 1 or more")])
    wanted = max(limit, slot) if isinstance(slot, int) else limit
    found = _rank(
        problem,
        plan,
        request,
        now_s=now_s,
        reports=reports,
        limit=wanted,
        extend=extend,
        params=params,
    )
    if not found.judged:
        raise DispatchError("no vehicle can take the urgent pickup", reasons=found.reasons)
    chosen = _chosen(found.judged, slot)
    chosen_slot, option = chosen
    found.search.apply(option)
    return finish(
        found.day,
        "urgent",
        before=(problem, plan),
        facts={
            "request": request.id,
            "slot": chosen_slot.to_dict(),
            "seconds": round(time.perf_counter() - began, 3),
        },
        meta={"urgent": request.id},
    )
