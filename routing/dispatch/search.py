"""Placing and moving visits among the drafts of a :class:`~routing.dispatch.day.Day`.

Every change is judged by an :class:`Objective`: the routes' cost (km and working hours, the
factors of :mod:`routing.kpi`) plus what the dispatcher weighs besides (:class:`Weights`): visits
moved off their reference vehicle or time, routes' working time away from the mean, visits far
from their route's centre. A visit is tried at every position of every trip of its stream and as
a trip of its own between trips; the cheapest few positions by added driving are timed in full
(:class:`~routing.dispatch.draft.Timer`), so that every change kept keeps the rules.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from routing.dispatch.day import Day
from routing.dispatch.draft import Draft, FlexTrip, Timed
from routing.dispatch.requests import VisitKey, Weights
from routing.domain import CollectionPoint, WasteStream
from routing.plan import VisitStop
from routing.units import HOUR, KILOMETRE

TRIES = 4  # positions timed in full per draft, cheapest by added driving first
NEIGHBOURS = 10  # nearest points of the same stream whose routes a moved visit may join
EPSILON = 1e-6
METRES_PER_DEGREE = 111_320.0


def settle_deadline(time_limit_s: float) -> float:
    """When placing again what settling gives back must stop: a tenth of the operation's time
    limit from now, at least 2 s (settling runs after the search's own deadline)."""
    return time.perf_counter() + max(2.0, 0.1 * time_limit_s)


def local_xy(points: Iterable[CollectionPoint]) -> dict[str, tuple[float, float]]:
    """Points in metres on a local plane (equirectangular round the points' mean latitude)."""
    points = list(points)
    if not points:
        return {}
    lat0 = math.radians(sum(p.location.lat for p in points) / len(points))
    return {
        p.id: (
            p.location.lon * METRES_PER_DEGREE * math.cos(lat0),
            p.location.lat * METRES_PER_DEGREE,
        )
        for p in points
    }


@dataclass(slots=True)
class Objective:
    """Cost plus weighed disruption, balance and compactness, in fen (see :class:`Weights`).

    ``reference``: visit → (vehicle, shift, service start) in the plan the change is measured
    against; ``mean_work_s``: the working time routes are balanced round.
    """

    weights: Weights
    reference: Mapping[VisitKey, tuple[str, str, int]]
    mean_work_s: float = 0.0
    xy: Mapping[str, tuple[float, float]] | None = None

    def score(self, timed: Timed) -> float:
        """The objective's value for one timed draft."""
        value = timed.cost_fen
        route = timed.route
        if route is None:
            return value
        w = self.weights
        if w.moved_fen or w.late_fen:
            for trip in route.trips:
                for stop in trip.visits:
                    ref = self.reference.get((stop.point_id, stop.visit))
                    if ref is None:
                        continue
                    if ref[0] != route.vehicle_id or ref[1] != route.shift_id:
                        value += w.moved_fen
                    elif abs(stop.start_s - ref[2]) > w.tolerance_s:
                        value += w.late_fen
        if w.balance_fen:
            value += w.balance_fen * ((timed.work_s - self.mean_work_s) / HOUR) ** 2
        if w.compact_fen_per_km and self.xy is not None:
            spots = [self.xy[s.point_id] for t in route.trips for s in t.visits]
            if spots:
                cx = sum(x for x, _ in spots) / len(spots)
                cy = sum(y for _, y in spots) / len(spots)
                spread = sum(math.hypot(x - cx, y - cy) for x, y in spots)
                value += w.compact_fen_per_km * spread / KILOMETRE
        return value


def reference_of(routes: Iterable[object]) -> dict[VisitKey, tuple[str, str, int]]:
    """visit → (vehicle, shift, service start) of the routes of a plan."""
    out: dict[VisitKey, tuple[str, str, int]] = {}
    for route in routes:
        for trip in route.trips:  # type: ignore[attr-defined]
            for stop in trip.visits:
                out[(stop.point_id, stop.visit)] = (
                    route.vehicle_id,  # type: ignore[attr-defined]
                    route.shift_id,  # type: ignore[attr-defined]
                    stop.start_s,
                )
    return out


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


class Search:
    """Insertion and relocation over a day's drafts, judged by an :class:`Objective`."""

    def __init__(self, day: Day, objective: Objective) -> None:
        self.day = day
        self.objective = objective
        self.scores = [objective.score(t) for t in day.timed]
        self.version = [0] * len(day.drafts)  # how often each draft has changed
        self._signatures: dict[int, tuple[int, tuple[object, ...] | None]] = {}
        self.taken = day.facility_kg()
        problem = day.problem
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
        self._pinned = {key: i for i, d in enumerate(day.drafts) for key in d.pinned}
        self._near: dict[str, list[str]] | None = None

    # -- where a visit may go ----------------------------------------------------------------
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
        pinned = self._pinned.get(key)
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
        if draft.shift_id in day.other_shifts(key):
            return "FQ: another visit of the point is in this shift"
        if day.shift_start(draft.shift_id) < day.earliest_shift_start.get(key, 0):
            return "FQ: a skipped visit goes to a later shift"
        low = max(draft.start_s, draft.not_before_s)
        if not any(w.end_s >= low and w.start_s <= draft.latest_end_s for w in point.time_windows):
            return "TW: the route's hours miss the point's windows"
        return None

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
        )

    def _signature(self, index: int) -> tuple[object, ...] | None:
        cached = self._signatures.get(index)
        if cached is None or cached[0] != self.version[index]:
            cached = (self.version[index], self._empty_signature(index))
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
        matrix = problem.matrix_for(vehicle)
        t, index = matrix.time_s, matrix.index
        p = index[point.id]
        kg, litres = point.visit_kg(key[1]), point.visit_litres(key[1])
        service = point.service_s
        dumps = [
            f
            for f in self._dumps[point.stream]
            if self.taken.get(f.id, 0) + kg <= f.daily_capacity_kg
        ]
        out: list[_Position] = []

        def alone(before: str, after: str, j: int) -> None:
            a, b = index[before], index[after]
            for f in dumps:
                d = index[f.id]
                extra = t[a, p] + service + t[p, d] + f.tipping_s + t[d, b] - t[a, b]
                out.append((float(extra), j, 0, f.id))

        here = self._anchor(draft)
        for j, trip in enumerate(draft.flex):
            first = trip.visits[0][0] if trip.visits else trip.facility_id
            if not (j == 0 and draft.open_trip is not None):
                alone(here, first, j)
            if trip.stream is point.stream and not trip.locked:
                load_kg, load_l = self._trip_kg(draft, j)
                facility = problem.facility_by_id[trip.facility_id]
                if (
                    load_kg + kg <= vtype.capacity_kg
                    and load_l + litres <= vtype.capacity_l
                    and self.taken.get(facility.id, 0) + kg <= facility.daily_capacity_kg
                ):
                    stops = [here, *(v[0] for v in trip.visits), trip.facility_id]
                    for i in range(len(stops) - 1):
                        a, b = index[stops[i]], index[stops[i + 1]]
                        extra = t[a, p] + service + t[p, b] - t[a, b]
                        out.append((float(extra), j, i, None))
            here = trip.facility_id
        alone(here, vehicle.depot_id, len(draft.flex))
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
        tries: int = TRIES,
        base: Draft | None = None,
        base_score: float | None = None,
        base_timed: Timed | None = None,
    ) -> list[Option]:
        """The feasible places for ``key`` in draft ``index`` (or in ``base``, a changed copy of
        it, timed as ``base_timed``), best first, of the ``tries`` cheapest by estimate.

        A place whose added driving and service exceed the draft's :meth:`room` cannot end in
        time and is not timed."""
        draft = base if base is not None else self.day.drafts[index]
        score = base_score if base_score is not None else self.scores[index]
        timed_now = base_timed if base_timed is not None else self.day.timed[index]
        room = self.room(draft, timed_now)
        found: list[Option] = []
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

    def best(self, key: VisitKey, index: int, *, tries: int = TRIES) -> Option | None:
        """The best place for ``key`` in draft ``index``, if it may go there at all."""
        if self.refusal(key, index) is not None:
            return None
        found = self.options(key, index, tries=tries)
        return found[0] if found else None

    def put(self, index: int, draft: Draft, timed: Timed) -> None:
        """Put ``draft`` (timed) in place of draft ``index``, keeping scores and facility loads."""
        self._count(self.day.timed[index], -1)
        self.day.replace(index, draft, timed)
        self.scores[index] = self.objective.score(timed)
        self._count(timed, +1)
        self.version[index] += 1

    def apply(self, option: Option) -> None:
        """Make the change ``option`` describes."""
        self.put(option.index, option.draft, option.timed)

    def apply_if_the_day_fits(self, option: Option) -> bool:
        """Make the change unless it overfills a facility or a station (CT3, TH)."""
        old = (self.day.drafts[option.index], self.day.timed[option.index])
        self.apply(option)
        if self.day.first_overflow() is None:
            return True
        self.put(option.index, *old)
        return False

    def _count(self, timed: Timed, sign: int) -> None:
        for trip in timed.route.trips if timed.route else ():
            if trip.unload is not None:
                fid = trip.unload.facility_id
                self.taken[fid] = self.taken.get(fid, 0) + sign * trip.unload.kg

    def why_not(self, key: VisitKey) -> list[str]:
        """Why no draft takes ``key``: each reason with the number of routes it stopped."""
        counts: Counter[str] = Counter()
        for index in range(len(self.day.drafts)):
            refusal = self.refusal(key, index)
            if refusal is not None and refusal.startswith("TWIN"):
                continue
            if refusal is None:
                self.day.timer.last_failure = ("", "")
                if self.options(key, index, tries=2 * TRIES):
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

    # -- placing many -----------------------------------------------------------------------
    def insert_pool(self, keys: Iterable[VisitKey], *, deadline: float) -> list[VisitKey]:
        """Place ``keys`` by regret (the visit that loses most if left to later goes first);
        returns those no draft could take.

        Each visit's best place per draft is kept with the draft's version. When a draft takes
        a visit, only the waiting visits near it, and the same point's other visits (FQ), look at
        it again at once; any other visit's place there is looked at again when it is about to
        be chosen (a draft that takes visits only gets fuller, so an old place is no worse than
        the truth, and is never applied without being timed again)."""
        pending = list(dict.fromkeys(keys))
        drafts = range(len(self.day.drafts))
        table: dict[VisitKey, dict[int, tuple[Option | None, int]]] = {
            key: {i: (self.best(key, i), self.version[i]) for i in drafts} for key in pending
        }
        while pending and time.perf_counter() < deadline:
            chosen: tuple[float, float, VisitKey] | None = None
            for key in pending:
                found = sorted(
                    (o for o, _v in table[key].values() if o is not None), key=lambda o: o.delta
                )
                if not found:
                    continue
                regret = found[1].delta - found[0].delta if len(found) > 1 else math.inf
                rank = (-regret, found[0].delta, key)
                if chosen is None or rank < chosen:
                    chosen = rank
            if chosen is None:
                break
            key = chosen[2]
            top = sorted(
                ((o, v) for o, v in table[key].values() if o is not None), key=lambda e: e[0].delta
            )[:2]
            stale = [o.index for o, v in top if v != self.version[o.index]]
            if stale:
                for index in stale:
                    table[key][index] = (self.best(key, index), self.version[index])
                continue
            option = top[0][0]
            if not self.apply_if_the_day_fits(option):
                table[key][option.index] = (None, self.version[option.index])
                continue
            pending.remove(key)
            del table[key]
            near = set(self._neighbours(key[0]))
            for other in pending:
                if other[0] == key[0]:  # FQ: the point's other visits see a new shift taken
                    table[other] = {i: (self.best(other, i), self.version[i]) for i in drafts}
                elif other[0] in near:
                    table[other][option.index] = (
                        self.best(other, option.index),
                        self.version[option.index],
                    )
        return pending

    # -- moving -------------------------------------------------------------------------------
    def _neighbours(self, point_id: str) -> list[str]:
        if self._near is None:
            problem = self.day.problem
            xy = local_xy(problem.points)
            self._near = {}
            for stream in WasteStream:
                ids = [p.id for p in problem.points if p.stream is stream]
                if not ids:
                    continue
                coords = np.array([xy[i] for i in ids])
                tree = cKDTree(coords)
                k = min(NEIGHBOURS + 1, len(ids))
                _dist, near = tree.query(coords, k=k)
                near = np.asarray(near).reshape(len(ids), k)
                for row, pid in enumerate(ids):
                    self._near[pid] = [ids[int(n)] for n in near[row] if ids[int(n)] != pid]
        return self._near.get(point_id, [])

    def _candidate_drafts(self, key: VisitKey, home: int) -> set[int]:
        found = {home}
        point = self.day.problem.point_by_id[key[0]]
        for other in self._neighbours(point.id):
            for visit in range(self.day.problem.point_by_id[other].visits_per_day):
                index = self.day.at.get((other, visit))
                if index is not None and self.day.drafts[index].movable:
                    found.add(index)
        return found

    def relocate(
        self,
        keys: Iterable[VisitKey],
        *,
        deadline: float,
        rng: random.Random,
        rounds: int = 3,
        extra_drafts: Iterable[int] = (),
    ) -> int:
        """Move flexible visits of ``keys`` to where the objective falls most, round after
        round until no move helps, ``rounds`` are done or the deadline passes; returns the
        number of moves made. Locked and fixed visits never move."""
        moves = 0
        extra = set(extra_drafts)
        keys = list(dict.fromkeys(keys))
        for _ in range(rounds):
            improved = False
            rng.shuffle(keys)
            for key in keys:
                if time.perf_counter() > deadline:
                    return moves
                if self._relocate_one(key, extra):
                    moves += 1
                    improved = True
            if not improved:
                break
        return moves

    def _relocate_one(self, key: VisitKey, extra: set[int]) -> bool:
        day = self.day
        home = day.at.get(key)
        if home is None:
            return False
        draft = day.drafts[home]
        if not draft.movable:
            return False
        trip_at = next((j for j, t in enumerate(draft.flex) if key in t.visits), None)
        if trip_at is None or draft.flex[trip_at].locked:
            return False
        removed = draft.copy()
        removed.flex[trip_at].visits.remove(key)
        removed.tidy()
        timed_removed = day.timer.time(removed)
        if timed_removed is None:
            return False
        removed_score = self.objective.score(timed_removed)
        gain = self.scores[home] - removed_score
        best: Option | None = None
        targets = {home} if key in self._pinned else self._candidate_drafts(key, home) | extra
        for index in sorted(targets):
            if index == home:
                found = self.options(
                    key, index, base=removed, base_score=removed_score, base_timed=timed_removed
                )
            else:
                if self.refusal(key, index) is not None:
                    continue
                found = self.options(key, index)
            if found and (best is None or found[0].delta < best.delta):
                best = found[0]
        if best is None or best.delta - gain >= -EPSILON:
            return False
        old = [(i, day.drafts[i], day.timed[i]) for i in {home, best.index}]
        if best.index != home:
            self.put(home, removed, timed_removed)
        self.apply(best)
        if day.first_overflow() is None:
            return True
        for index, draft_before, timed_before in old:
            self.put(index, draft_before, timed_before)
        return False

    def settle(self, *, deadline: float, rounds: int = 20) -> None:
        """Keep facilities and stations within their limits (CT3, TH): the day settles
        (:meth:`routing.dispatch.day.Day.settle`), and the visits it gives back are placed
        again where they fit."""
        for _ in range(rounds):
            waiting = set(self.day.pool)
            self.day.settle()
            self.scores = [self.objective.score(t) for t in self.day.timed]
            self.version = [v + 1 for v in self.version]
            self.taken = self.day.facility_kg()
            given_back = [k for k in self.day.pool if k not in waiting]
            if not given_back:
                return
            self.insert_pool(given_back, deadline=deadline)

    def place(
        self, keys: Iterable[VisitKey], *, deadline: float, seed: int, rounds: int
    ) -> tuple[int, int]:
        """Place ``keys`` by regret, then move them where the objective falls most; returns
        (visits placed, moves made)."""
        keys = list(keys)
        self.insert_pool(keys, deadline=deadline)
        placed = [k for k in keys if k in self.day.at]
        moves = self.relocate(placed, deadline=deadline, rng=random.Random(seed), rounds=rounds)
        return len(placed), moves

    def snapshot(self) -> tuple[list[Draft], list[Timed], list[VisitKey]]:
        """The drafts, their timings and the pool, to :meth:`restore` after a trial."""
        return [d.copy() for d in self.day.drafts], list(self.day.timed), list(self.day.pool)

    def restore(self, saved: tuple[list[Draft], list[Timed], list[VisitKey]]) -> None:
        """Go back to a :meth:`snapshot`."""
        drafts, timed, pool = saved
        for index, (draft, one) in enumerate(zip(drafts, timed, strict=True)):
            self.put(index, draft, one)
        self.day.pool = list(pool)

    def close(self, index: int, *, deadline: float) -> bool:
        """Try to give all of draft ``index``'s flexible visits to other drafts; keep the result
        if every visit found a place and the objective fell, else go back. Returns whether it was
        kept."""
        draft = self.day.drafts[index]
        if not draft.movable or draft.pinned or any(t.locked for t in draft.flex):
            return False
        keys = list(draft.flex_visits())
        if not keys:
            return False
        saved, before = self.snapshot(), self.total()
        emptied = draft.copy()
        emptied.flex = emptied.flex[:1] if emptied.open_trip is not None else []
        for trip in emptied.flex:
            trip.visits = []
        timed = self.day.timer.time(emptied)
        if timed is None:
            return False
        self.put(index, emptied, timed)
        self.day.pool.extend(keys)
        self.day.drafts[index].closed = True  # the visits go elsewhere, not back here
        left = self.insert_pool(keys, deadline=deadline)
        self.day.drafts[index].closed = False
        if left or self.total() >= before - EPSILON:
            self.restore(saved)
            return False
        return True

    def split(self, index: int, target: int, *, deadline: float) -> bool:
        """Give the last flexible trip of draft ``index`` (the second half of it, if it is the
        only one) to the empty draft ``target`` (a free vehicle-shift), then let the visits of
        every draft move where the objective falls most, the new route among their places; keep
        the result if the objective fell, else go back.

        Balance needs it where the routes of a kind are all long: single moves never open a
        route, as a route of one visit is far below the mean working time."""
        draft = self.day.drafts[index]
        if not draft.movable or not draft.flex or self.day.timed[target].route is not None:
            return False
        last = draft.flex[-1]
        # A route of one trip gives the second half of it.
        keys = list(last.visits) if len(draft.flex) > 1 else last.visits[len(last.visits) // 2 :]
        if last.locked or not keys or any(k in self._pinned for k in keys):
            return False
        saved, before = self.snapshot(), self.total()
        shortened = draft.copy()
        shortened.flex[-1].visits = [k for k in last.visits if k not in keys]
        shortened.tidy()
        timed = self.day.timer.time(shortened)
        if timed is None:
            return False
        self.put(index, shortened, timed)
        for key in keys:
            option = self.best(key, target)
            if option is None or not self.apply_if_the_day_fits(option):
                self.restore(saved)
                return False
        movable = [k for d in self.day.drafts if d.movable for k in d.flex_visits()]
        self.relocate(
            movable, deadline=deadline, rng=random.Random(index), rounds=1, extra_drafts=[target]
        )
        if self.total() >= before - EPSILON or self.day.first_overflow() is not None:
            self.restore(saved)
            return False
        return True

    def total(self) -> float:
        """The objective over every draft."""
        return sum(self.scores)
