"""What the greedy planner tracks across the day's routes: the visits still to make, the shifts
the made ones went to, what facilities can still take, the stations' inflows, and each vehicle's
day so far (daily limits, DL); and that state after the routes of a plan it builds on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from routing.hauls import Inflow, haul_inflows
from routing.params import SolveParams
from routing.plan import Plan
from routing.problem import Problem


@dataclass(slots=True)
class GreedyDay:
    """Everything the planner tracks across routes."""

    problem: Problem
    pending: dict[str, int]  # point id -> next visit number
    last_shift: dict[str, int]  # point id -> shift index of the last visit made
    facility_left: dict[str, int]
    visit_shift: dict[tuple[str, int], int] = field(default_factory=dict)
    inflows: list[Inflow] = field(default_factory=list)
    #: Per vehicle, the kg, litres and visits of its day so far (daily limits, DL).
    used: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    full_stations: set[str] = field(default_factory=set)
    candidates: int = SolveParams().greedy_candidates  # nearest pending visits tried per step

    def count(self, vehicle_id: str, visits: Iterable[tuple[str, int]], sign: int = 1) -> None:
        """Add (``sign`` 1) or take back (-1) ``visits`` in the vehicle's day."""
        kg, litres, n = self.problem.visit_amounts(visits)
        used = self.used.get(vehicle_id, (0, 0, 0))
        self.used[vehicle_id] = (used[0] + sign * kg, used[1] + sign * litres, used[2] + sign * n)

    def station_accepts(self, station_id: str, moment: int, kg: int) -> bool:
        """Whether hauls can still keep the station within storage with this inflow added."""
        unloaded = {
            f.id: f.daily_capacity_kg - self.facility_left[f.id] for f in self.problem.facilities
        }
        _, overflow = haul_inflows(
            self.problem, [*self.inflows, (moment, station_id, kg)], unloaded
        )
        return not overflow


def day_after(problem: Problem, base: Plan | None) -> GreedyDay:
    """What is left to plan after the routes of ``base`` (everything, without one)."""
    shift_index = {s.id: k for k, s in enumerate(sorted(problem.shifts, key=lambda s: s.start_s))}
    made = {
        (stop.point_id, stop.visit): shift_index[route.shift_id]
        for route, _trip, stop in (base.served_visits() if base else ())
    }
    day = GreedyDay(
        problem=problem,
        pending={},
        last_shift={},
        facility_left={f.id: f.daily_capacity_kg for f in problem.facilities},
    )
    for point in problem.points:
        done = 0
        while done < point.visits_per_day and (point.id, done) in made:
            day.visit_shift[(point.id, done)] = made[(point.id, done)]
            done += 1
        later = any((point.id, v) in made for v in range(done, point.visits_per_day))
        if done < point.visits_per_day and not later:
            day.pending[point.id] = done
            if done:
                day.last_shift[point.id] = made[(point.id, done - 1)]
    stations = {f.id for f in problem.transfer_stations}
    for route in base.routes if base else ():
        day.count(route.vehicle_id, [(s.point_id, s.visit) for t in route.trips for s in t.visits])
        for trip in route.trips:
            if trip.unload is not None:
                day.facility_left[trip.unload.facility_id] -= trip.unload.kg
                if trip.unload.facility_id in stations:
                    day.inflows.append(
                        (trip.unload.departure_s, trip.unload.facility_id, trip.unload.kg)
                    )
    return day
