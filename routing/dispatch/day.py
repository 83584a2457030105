"""A day being changed: drafts with their fixed past, what waits to be placed, and back to a plan.

:meth:`Day.to_plan` assembles the drafts into a plan (the hauls of the plan being changed kept
while they still serve, else scheduled again) and lists every visit not made with its reason;
:meth:`Day.settle` keeps facilities within their daily capacity and stations within their storage
(CT3, TH) by sending a flexible trip to another facility, or giving its last visits back. A day is
made by :func:`routing.dispatch.opening.open_day`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from routing.dispatch.draft import Draft, Timed, Timer
from routing.dispatch.errors import DispatchError
from routing.dispatch.requests import VisitKey
from routing.hauls import haul_inflows, schedule_hauls, station_inflows
from routing.plan import Plan, Route, Unserved
from routing.problem import Problem

#: Rule id and reason of a visit a re-plan could not place.
NO_ROOM = ("SH1", "no vehicle and crew had time left for it within the rules after the change")


def _unloaded(plan: Plan) -> dict[str, int]:
    """Kilograms each facility receives from the plan's trips."""
    out: dict[str, int] = {}
    for route in plan.routes:
        for trip in route.trips:
            if trip.unload is not None:
                out[trip.unload.facility_id] = out.get(trip.unload.facility_id, 0) + trip.unload.kg
    return out


@dataclass(slots=True)
class Day:
    """The drafts of a day being changed, the visits waiting to be placed, and why."""

    problem: Problem
    timer: Timer
    base: Plan
    drafts: list[Draft]
    timed: list[Timed]
    now_s: int | None = None
    pool: list[VisitKey] = field(default_factory=list)
    #: A waiting visit may only go to a shift starting at or after this (s).
    earliest_shift_start: dict[VisitKey, int] = field(default_factory=dict)
    #: Why a visit is not made, if it stays unplaced.
    reasons: dict[VisitKey, tuple[str, str]] = field(default_factory=dict)
    at: dict[VisitKey, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for index, draft in enumerate(self.drafts):
            for key in draft.visits():
                self.at[key] = index

    # -- changing ---------------------------------------------------------------------------
    def replace(self, index: int, draft: Draft, timed: Timed) -> None:
        """Put ``draft`` (timed as ``timed``) in place of draft ``index``."""
        for key in self.drafts[index].visits():
            if self.at.get(key) == index:
                del self.at[key]
        self.drafts[index] = draft
        self.timed[index] = timed
        for key in draft.visits():
            self.at[key] = index
            if key in self.pool:
                self.pool.remove(key)

    def take_out(self, keys: Iterable[VisitKey], reason: tuple[str, str] | None = None) -> None:
        """Move flexible visits back to the pool (their drafts timed again without them)."""
        for key in keys:
            index = self.at.get(key)
            if index is None:
                continue
            draft = self.drafts[index].copy()
            for trip in draft.flex:
                if key in trip.visits:
                    trip.visits.remove(key)
            draft.tidy()
            timed = self.timer.time(draft, thorough=True)
            if timed is None:  # cannot happen for a route that only got shorter; keep it whole
                continue
            self.replace(index, draft, timed)
            self.pool.append(key)
            if reason is not None:
                self.reasons[key] = reason

    # -- reading ----------------------------------------------------------------------------
    def shift_start(self, shift_id: str) -> int:
        """When a shift starts."""
        return self.problem.shift_by_id[shift_id].start_s

    def other_shifts(self, key: VisitKey) -> set[str]:
        """Shifts of the point's other visits in the drafts (FQ)."""
        point = self.problem.point_by_id[key[0]]
        out: set[str] = set()
        for visit in range(point.visits_per_day):
            index = self.at.get((key[0], visit))
            if visit != key[1] and index is not None:
                out.add(self.drafts[index].shift_id)
        return out

    def facility_kg(self) -> dict[str, int]:
        """Kilograms each facility takes from the drafts' trips over the day."""
        out: dict[str, int] = {}
        for timed in self.timed:
            for trip in timed.route.trips if timed.route else ():
                if trip.unload is not None:
                    out[trip.unload.facility_id] = (
                        out.get(trip.unload.facility_id, 0) + trip.unload.kg
                    )
        return out

    def routes(self) -> list[Route]:
        """The routes of every draft with work, by vehicle and start."""
        routes = [t.route for t in self.timed if t.route is not None]
        return sorted(routes, key=lambda r: (r.vehicle_id, r.start_s))

    def served(self) -> set[VisitKey]:
        """Every visit the drafts make."""
        return {
            (stop.point_id, stop.visit)
            for route in self.routes()
            for trip in route.trips
            for stop in trip.visits
        }

    def to_plan(self, meta: Mapping[str, str | int | float] | None = None) -> Plan:
        """The drafts as a plan, every visit not made listed with why; the hauls of the plan
        being changed are kept while they still serve (:meth:`base_hauls_hold`), else scheduled
        again."""
        routes = tuple(self.routes())
        bare = Plan(self.problem.name, routes)
        served = self.served()
        before = {(u.point_id, u.visit): u for u in self.base.unserved}
        unserved: list[Unserved] = []
        for point in self.problem.points:
            for visit in range(point.visits_per_day):
                key = (point.id, visit)
                if key in served:
                    continue
                if key in self.reasons:
                    rule, reason = self.reasons[key]
                    unserved.append(Unserved(point.id, visit, rule, reason))
                elif key in before:
                    unserved.append(before[key])
                else:
                    unserved.append(Unserved(point.id, visit, *NO_ROOM))
        keep = self.base_hauls_hold(bare, _unloaded(bare))
        return Plan(
            self.problem.name,
            routes,
            self.base.hauls if keep else schedule_hauls(self.problem, bare),
            tuple(unserved),
            dict(self.base.meta) | dict(meta or {}),
        )

    # -- day-wide rules ---------------------------------------------------------------------
    def first_overflow(self) -> tuple[int, int] | None:
        """(draft, trip number in its route) of the unloading after which a facility passes its
        daily capacity (CT3) or a station its storage (TH), in time order."""
        problem = self.problem
        unloads = sorted(
            (trip.unload.start_s, index, number, trip.unload.facility_id, trip.unload.kg)
            for index, timed in enumerate(self.timed)
            if timed.route is not None
            for number, trip in enumerate(timed.route.trips)
            if trip.unload is not None
        )
        taken: dict[str, int] = {}
        for _start, index, number, facility_id, kg in unloads:
            taken[facility_id] = taken.get(facility_id, 0) + kg
            if taken[facility_id] > problem.facility_by_id[facility_id].daily_capacity_kg:
                return index, number
        stations = {f.id for f in problem.transfer_stations}
        plan = Plan(problem.name, tuple(t.route for t in self.timed if t.route is not None))
        if self.base_hauls_hold(plan, taken):
            return None
        inflows = sorted(station_inflows(plan, stations))
        if not inflows or not haul_inflows(problem, inflows, taken)[1]:
            return None
        low, high = 0, len(inflows)
        while high - low > 1:
            middle = (low + high) // 2
            if haul_inflows(problem, inflows[:middle], taken)[1]:
                high = middle
            else:
                low = middle
        moment, station, _kg = inflows[high - 1]
        for index, timed in enumerate(self.timed):
            for number, trip in enumerate(timed.route.trips if timed.route else ()):
                unload = trip.unload
                if unload and unload.facility_id == station and unload.departure_s == moment:
                    return index, number
        return None

    def base_hauls_hold(self, plan: Plan, unloaded: Mapping[str, int]) -> bool:
        """Whether the hauls of the plan being changed still serve ``plan``'s routes: no station
        holds more than its storage or is asked for more than it holds (TH), and no facility
        receives more than its daily capacity with them (CT3). Kept hauls keep their times:
        the hook-lift crews' day does not change with a small change of the routes."""
        problem, hauls = self.problem, self.base.hauls
        received = dict(unloaded)
        for haul in hauls:
            received[haul.destination_id] = received.get(haul.destination_id, 0) + haul.kg
        for facility_id, kg in received.items():
            if kg > problem.facility_by_id[facility_id].daily_capacity_kg:
                return False
        for station in problem.transfer_stations:
            events = [(t, 0, kg) for t, _sid, kg in station_inflows(plan, {station.id})]
            events += [(h.depart_s, 1, -h.kg) for h in hauls if h.station_id == station.id]
            stored = station.initial_storage_kg
            for _moment, _order, kg in sorted(events):
                stored += kg
                if stored > station.storage_kg or stored < 0:
                    return False
        return True

    def settle(self, *, rounds: int = 50) -> None:
        """Keep facilities within capacity and stations within storage (CT3, TH).

        The unloading found first over a limit is sent to another facility that takes its
        stream, if it is flexible and its route can still be timed; otherwise its last flexible
        visits go back to the pool, one by one, until it is no longer over. Raises :class:`DispatchError` if a fixed unloading is over
        (the past cannot be changed).
        """
        for _ in range(rounds):
            spot = self.first_overflow()
            if spot is None:
                return
            index, number = spot
            draft = self.drafts[index]
            flex_at = number - len(draft.fixed_trips)
            if not draft.movable or flex_at < 0 or flex_at >= len(draft.flex):
                raise DispatchError(
                    "a facility would take more than it can, at an unloading already made",
                    reasons=[f"route {draft.vehicle_id}/{draft.shift_id} trip {number + 1}"],
                )
            if not self._redirect(index, flex_at):
                self._lighten(index, flex_at, spot)
        raise DispatchError("facilities and stations could not be kept within their limits")

    def _lighten(self, index: int, flex_at: int, spot: tuple[int, int]) -> None:
        """Give back the trip's last visits, one by one, until that unloading is no longer the
        one over the limit (as few visits move as will do)."""
        draft = self.drafts[index]
        trip = draft.flex[flex_at]
        reason = ("TH", f"{trip.facility_id} had no room left for it after the change")
        for key in reversed([k for k in trip.visits if k not in draft.pinned]):
            self.take_out([key], reason)
            if self.first_overflow() != spot:
                return

    def _redirect(self, index: int, flex_at: int) -> bool:
        draft = self.drafts[index]
        trip = draft.flex[flex_at]
        if trip.locked:
            return False
        taken = self.facility_kg()
        kg = sum(self.problem.point_by_id[p].visit_kg(v) for p, v in trip.visits)
        for facility in self.problem.facilities:
            if facility.id == trip.facility_id or trip.stream not in facility.accepts:
                continue
            if taken.get(facility.id, 0) + kg > facility.daily_capacity_kg:
                continue
            candidate = draft.copy()
            candidate.flex[flex_at].facility_id = facility.id
            timed = self.timer.time(candidate)
            if timed is not None:
                self.replace(index, candidate, timed)
                return True
        return False


# -- opening a plan -------------------------------------------------------------------------
