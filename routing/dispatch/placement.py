"""Where a visit may go in a draft of the day, and what each place does to the objective.

A visit is tried at every position of every trip of its stream and as a trip of its own between
trips, priced by :func:`routing.engine.insertion.price_positions` (as the optimiser's repair
prices them); the cheapest few positions by added driving are timed in full
(:class:`~routing.dispatch.draft.Timer`), so that every place offered keeps the rules of its
route. The rules that span routes (facility capacity, station storage) are the
:class:`~routing.dispatch.ledger.Ledger`'s to check when a place is taken.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from routing.dispatch.draft import Draft, FlexTrip, Timed
from routing.dispatch.ledger import Ledger
from routing.dispatch.requests import VisitKey
from routing.domain import WasteStream
from routing.engine.clock import within_day
from routing.engine.insertion import TripShape, price_positions
from routing.plan import VisitStop


@dataclass(frozen=True, slots=True)
class Option:
    """One way to place a visit: the draft changed, timed, and the objective's change.

    ``trip`` and ``stop`` number the visit's place in the route from 1; ``new_trip`` says
    whether it is a trip of its own.
    """

    delta: float
    index: int
    draft: Draft
    timed: Timed
    trip: int
    stop: int
    new_trip: bool


_Position = tuple[float, int, int, str | None]  # estimate s, flex trip, place, new trip's facility


class Placement:
    """The places for a visit in the drafts a :class:`~routing.dispatch.ledger.Ledger` keeps,
    judged by its objective.

    ``pinned``: visit → the draft it is locked to.
    """

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.day = ledger.day
        self.objective = ledger.objective
        self._signatures: dict[int, tuple[int, tuple[object, ...] | None]] = {}
        problem = self.day.problem
        self._carries: dict[tuple[str, WasteStream], bool] = {}
        for vehicle in problem.vehicles:
            vtype = problem.vehicle_type_of(vehicle)
            for stream in WasteStream:
                rule = problem.rules.stream_rule(stream)
                self._carries[(vehicle.id, stream)] = rule is not None and rule.allows(
                    vtype.body, vtype.sealed
                )
        self._dumps = {
            stream: [f for f in problem.facilities if stream in f.accepts] for stream in WasteStream
        }
        self.pinned = {key: i for i, d in enumerate(self.day.drafts) for key in d.pinned}

    def refusal(self, key: VisitKey, index: int) -> str | None:
        """Why draft ``index`` cannot take ``key`` before any timing (rule id: sentence)."""
        day = self.day
        draft = day.drafts[index]
        point = day.problem.point_by_id[key[0]]
        if not draft.movable:
            return "LOCK: the route is locked or over"
        twin = self._twin_before(index)
        if twin is not None:
            return f"TWIN: the same as free vehicle-shift {twin}"
        pinned = self.pinned.get(key)
        if pinned is not None and pinned != index:
            return "LOCK: the visit is locked to its route"
        if not self._carries[(draft.vehicle_id, point.stream)]:
            return f"CT1: the vehicle may not carry {point.stream}"
        vtype = day.problem.vehicle_type_of(day.problem.vehicle_by_id[draft.vehicle_id])
        if vtype.size_class > point.max_size_class:
            return "CT6: the vehicle is too large for the point"
        kg, litres = point.visit_kg(key[1]), point.visit_litres(key[1])
        if kg > vtype.capacity_kg or litres > vtype.capacity_l:
            return f"CP: {kg} kg / {litres} L is more than the vehicle holds"
        if self._over_the_day(key, draft.vehicle_id):
            return "DL: the vehicle's daily limit would be passed"
        if draft.shift_id in day.other_shifts(key):
            return "FQ: another visit of the point is in this shift"
        if day.shift_start(draft.shift_id) < day.earliest_shift_start.get(key, 0):
            return "FQ: a skipped visit goes to a later shift"
        low = max(draft.start_s, draft.not_before_s)
        if not any(w.end_s >= low and w.start_s <= draft.latest_end_s for w in point.time_windows):
            return "TW: the route's hours miss the point's windows"
        return None

    def _over_the_day(self, key: VisitKey, vehicle_id: str) -> bool:
        """DL: whether ``key`` on the vehicle passes its type's daily limits, counting every
        other visit its drafts hold (none to count for a type without limits)."""
        problem = self.day.problem
        vtype = problem.vehicle_type_of(problem.vehicle_by_id[vehicle_id])
        if (vtype.daily_kg, vtype.daily_l, vtype.daily_stops) == (None, None, None):
            return False
        keys = [key]
        for draft in self.day.drafts:
            if draft.vehicle_id == vehicle_id:
                keys += [k for k in draft.visits() if k != key]
        return not within_day(vtype, *problem.visit_amounts(keys))

    def _empty_signature(self, index: int) -> tuple[object, ...] | None:
        draft = self.day.drafts[index]
        if not draft.movable or draft.flex or draft.fixed_trips or draft.open_trip:
            return None
        vehicle = self.day.problem.vehicle_by_id[draft.vehicle_id]
        crew = self.day.problem.crew_by_id[draft.crew_id]
        return (
            vehicle.type_id,
            vehicle.depot_id,
            draft.shift_id,
            draft.start_s,
            draft.latest_end_s,
            draft.not_before_s,
            crew.max_work_s,
            crew.break_s,
            crew.break_after_s,
            crew.break_window,
        )

    def _signature(self, index: int) -> tuple[object, ...] | None:
        cached = self._signatures.get(index)
        if cached is None or cached[0] != self.ledger.version[index]:
            cached = (self.ledger.version[index], self._empty_signature(index))
            self._signatures[index] = cached
        return cached[1]

    def _twin_before(self, index: int) -> str | None:
        """An earlier empty draft that any visit fits exactly as well (only one is tried)."""
        signature = self._signature(index)
        if signature is None:
            return None
        for other in range(index):
            if self._signature(other) == signature:
                d = self.day.drafts[other]
                return f"{d.vehicle_id}/{d.shift_id}"
        return None

    def _anchor(self, draft: Draft) -> str:
        if draft.open_trip is not None:
            return draft.open_trip.visits[-1].point_id
        if draft.fixed_trips:
            last = draft.fixed_trips[-1]
            return last.unload.facility_id if last.unload else last.visits[-1].point_id
        return self.day.problem.vehicle_by_id[draft.vehicle_id].depot_id

    def _trip_kg(self, draft: Draft, j: int) -> tuple[int, int]:
        problem = self.day.problem
        kg = sum(problem.point_by_id[p].visit_kg(v) for p, v in draft.flex[j].visits)
        litres = sum(problem.point_by_id[p].visit_litres(v) for p, v in draft.flex[j].visits)
        if j == 0 and draft.open_trip is not None:
            kg += draft.open_trip.visits[-1].load_kg
            litres += draft.open_trip.visits[-1].load_l
        return kg, litres

    def positions(self, key: VisitKey, draft: Draft) -> list[_Position]:
        """Every place for ``key`` in ``draft`` with its estimated added seconds, cheapest first."""
        problem = self.day.problem
        point = problem.point_by_id[key[0]]
        vehicle = problem.vehicle_by_id[draft.vehicle_id]
        vtype = problem.vehicle_type_of(vehicle)
        kg, litres = point.visit_kg(key[1]), point.visit_litres(key[1])
        taken = self.ledger.taken

        def takes(j: int, trip: FlexTrip) -> bool:
            if trip.stream is not point.stream or trip.locked:
                return False
            load_kg, load_l = self._trip_kg(draft, j)
            facility = problem.facility_by_id[trip.facility_id]
            return (
                load_kg + kg <= vtype.capacity_kg
                and load_l + litres <= vtype.capacity_l
                and taken.get(facility.id, 0) + kg <= facility.daily_capacity_kg
            )

        shapes = [
            TripShape(
                tuple(v[0] for v in trip.visits),
                trip.facility_id,
                takes=takes(j, trip),
                new_before=not (j == 0 and draft.open_trip is not None),
            )
            for j, trip in enumerate(draft.flex)
        ]
        dumps = [
            (f.id, f.tipping_s)
            for f in self._dumps[point.stream]
            if taken.get(f.id, 0) + kg <= f.daily_capacity_kg
        ]
        priced = price_positions(
            problem.matrix_for(vehicle),
            point.id,
            point.service_s,
            start=self._anchor(draft),
            trips=shapes,
            home=vehicle.depot_id,
            dumps=dumps,
        )
        out: list[_Position] = [(float(extra), j, i, f) for extra, j, i, f in priced]
        out.sort(key=lambda o: (o[0], o[1], o[2], o[3] or ""))
        return out

    def room(self, draft: Draft, timed: Timed) -> float:
        """Seconds of added work the draft's flexible rest can take and still end in time: up to
        its latest end (shift, crew, handover) plus the waiting it holds. Adding more than this can
        never be timed: waiting is all that absorbs added work."""
        problem = self.day.problem
        crew = problem.crew_by_id[draft.crew_id]
        cap = min(draft.latest_end_s, draft.start_s + crew.max_work_s)
        route = timed.route
        if route is None:
            return float(cap - max(draft.start_s, draft.not_before_s))
        vehicle = problem.vehicle_by_id[draft.vehicle_id]
        matrix = problem.matrix_for(vehicle)
        fixed = sum(len(t.visits) + (1 if t.unload else 0) for t in draft.fixed_trips)
        fixed += len(draft.open_trip.visits) if draft.open_trip else 0
        here, free, wait = vehicle.depot_id, route.start_s, 0
        for number, stop in enumerate(route.stops()):
            there = stop.point_id if isinstance(stop, VisitStop) else stop.facility_id
            if number >= fixed:
                paused = sum(
                    max(0, min(b.end_s, stop.start_s) - max(b.start_s, free)) for b in route.breaks
                )
                wait += max(0, stop.start_s - free - matrix.time(here, there) - paused)
            here, free = there, stop.departure_s
        return float(cap - route.end_s + wait)

    def _place(self, key: VisitKey, draft: Draft, position: _Position) -> Draft:
        _extra, j, i, facility = position
        stream = self.day.problem.point_by_id[key[0]].stream
        new = draft.copy()
        if facility is None:
            new.flex[j].visits.insert(i, key)
        else:
            new.flex.insert(j, FlexTrip(stream, [key], facility))
        return new

    def _numbering(self, draft: Draft, position: _Position) -> tuple[int, int, bool]:
        _extra, j, i, facility = position
        trip = len(draft.fixed_trips) + j + 1
        before = (
            len(draft.open_trip.visits) if (j == 0 and draft.open_trip and facility is None) else 0
        )
        return trip, before + i + 1, facility is not None

    def options(
        self,
        key: VisitKey,
        index: int,
        *,
        tries: int | None = None,
        base: Draft | None = None,
        base_score: float | None = None,
        base_timed: Timed | None = None,
    ) -> list[Option]:
        """The feasible places for ``key`` in draft ``index`` (or in ``base``, a changed copy of
        it, timed as ``base_timed``), best first, of the ``tries`` cheapest by estimate (the
        parameters' ``place_tries`` when None).

        A place whose added driving and service exceed the draft's :meth:`room` cannot end in
        time and is not timed."""
        draft = base if base is not None else self.day.drafts[index]
        score = base_score if base_score is not None else self.ledger.scores[index]
        timed_now = base_timed if base_timed is not None else self.day.timed[index]
        room = self.room(draft, timed_now)
        found: list[Option] = []
        tries = self.day.timer.params.place_tries if tries is None else tries
        for position in self.positions(key, draft)[:tries]:
            if position[0] > room:
                break  # the rest is dearer still: none can end in time
            candidate = self._place(key, draft, position)
            timed = self.day.timer.time(candidate)
            if timed is None:
                continue
            trip, stop, new_trip = self._numbering(draft, position)
            delta = self.objective.score(timed) - score
            found.append(Option(delta, index, candidate, timed, trip, stop, new_trip))
        found.sort(key=lambda o: o.delta)
        return found

    def best(self, key: VisitKey, index: int, *, tries: int | None = None) -> Option | None:
        """The best place for ``key`` in draft ``index``, if it may go there at all."""
        if self.refusal(key, index) is not None:
            return None
        found = self.options(key, index, tries=tries)
        return found[0] if found else None

    def why_not(self, key: VisitKey) -> list[str]:
        """Why no draft takes ``key``: each reason with the number of routes it stopped."""
        counts: Counter[str] = Counter()
        for index in range(len(self.day.drafts)):
            refusal = self.refusal(key, index)
            if refusal is not None and refusal.startswith("TWIN"):
                continue
            if refusal is None:
                self.day.timer.last_failure = ("", "")
                if self.options(key, index, tries=2 * self.day.timer.params.place_tries):
                    continue
                rule, sentence = self.day.timer.last_failure
                draft = self.day.drafts[index]
                places = self.positions(key, draft)
                if not places:
                    rule, sentence = "CT3", "no facility that takes the stream has room for it"
                elif not rule and places[0][0] > self.room(draft, self.day.timed[index]):
                    rule, sentence = "SH1", "the route has no room left for it within its shift"
                refusal = f"{rule}: {sentence}" if rule else "no place found"
            counts[refusal] += 1
        return [f"{reason} ({n} route(s))" for reason, n in counts.most_common()]
