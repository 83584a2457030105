"""The judge of PVRP-IF solutions: recomputes every time, load and cost from the instance itself.

It shares no code with any solver and reads the rules as the published reports apply them.
Rules (ids used in violations and tests):

- ``PV-INSTANCE``: the solution names the instance it is judged against.
- ``PV-HORIZON``: the solution has one list of routes per day of the planning horizon.
- ``PV-NODE``: a route visits only nodes of the instance and does not pass through the depot
  between its ends.
- ``PV-END``: a route starts and ends at the depot, and its last stop before the depot is an
  intermediate facility (the vehicle comes back empty).
- ``PV-CAP``: the load picked up since leaving the depot or the last facility never exceeds the
  capacity; a facility empties the vehicle.
- ``PV-DUR``: a route's duration, its travel plus the service of every stop, is at most the
  longest allowed.
- ``PV-FLEET``: no more routes run on a day than there are vehicles.
- ``PV-PATTERN``: every customer is served on the days of exactly one of its patterns
  (:func:`routing.pvrpif.reader.patterns`), at most once a day.

Cost: the travel time of every route, summed; service times are not part of it (a published
route of duration 75 with 25 of service costs 50).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from routing.pvrpif.reader import NodeKind, PvrpifInstance, patterns
from routing.pvrpif.solution import PvrpifSolution, Route


@dataclass(frozen=True, slots=True)
class PvrpifViolation:
    """One broken rule: its id, the record (``day 1, vehicle 0``; ``customer 7``) and what is wrong."""

    rule: str
    record: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule} {self.record}: {self.message}"


@dataclass(frozen=True, slots=True)
class PvrpifReport:
    """The verdict on a solution, with its recomputed cost.

    Parameters
    ----------
    violations
        Every broken rule found, not only the first.
    cost
        Total travel time of all routes, in the instance's time unit.
    route_costs
        Per day, the travel time of each route.
    route_durations
        Per day, the duration (travel plus service) of each route.
    """

    violations: tuple[PvrpifViolation, ...]
    cost: int
    route_costs: tuple[tuple[int, ...], ...]
    route_durations: tuple[tuple[int, ...], ...]

    @property
    def ok(self) -> bool:
        """True when no rule is broken."""
        return not self.violations

    def rules(self) -> set[str]:
        """The ids of the broken rules."""
        return {v.rule for v in self.violations}


@dataclass(frozen=True, slots=True)
class _Judged:
    """One route's violations, travel time and duration."""

    violations: list[PvrpifViolation]
    travel: int
    duration: int


def _ends(instance: PvrpifInstance, route: Route, record: str) -> list[PvrpifViolation]:
    """PV-END and the depot part of PV-NODE, for a route whose nodes all exist."""
    bad = []
    depot = instance.depot
    if len(route) < 2 or route[0] != depot or route[-1] != depot:
        bad.append(PvrpifViolation("PV-END", record, f"must start and end at the depot {depot}"))
    if depot in route[1:-1]:
        bad.append(PvrpifViolation("PV-NODE", record, "passes through the depot mid-route"))
    if len(route) < 2 or instance.kind(route[-2]) is not NodeKind.FACILITY:
        last = route[-2] if len(route) >= 2 else None
        bad.append(
            PvrpifViolation(
                "PV-END",
                record,
                f"the last stop before the depot, node {last}, is not an intermediate facility",
            )
        )
    return bad


def _judge_route(instance: PvrpifInstance, route: Route, record: str) -> _Judged:
    unknown = [n for n in route if not 0 <= n < instance.size]
    if unknown:
        message = f"visits node {unknown[0]}, which is not in {instance.name}"
        return _Judged([PvrpifViolation("PV-NODE", record, message)], 0, 0)
    bad = _ends(instance, route, record)
    travel = sum(instance.duration[a][b] for a, b in itertools.pairwise(route))
    service = 0
    load = 0
    over = False  # one PV-CAP per trip: the first stop where the load is too much
    for position, node in enumerate(route):
        kind = instance.kind(node)
        if kind is NodeKind.FACILITY:
            load, over = 0, False
        elif kind is NodeKind.CUSTOMER:
            customer = instance.customer(node)
            service += customer.service
            load += customer.demand
            if load > instance.max_capacity and not over:
                over = True
                bad.append(
                    PvrpifViolation(
                        "PV-CAP",
                        record,
                        f"carries {load} after customer {node} (stop {position}), "
                        f"over the capacity of {instance.max_capacity}",
                    )
                )
    duration = travel + service
    if duration > instance.max_duration:
        bad.append(
            PvrpifViolation(
                "PV-DUR",
                record,
                f"lasts {duration} (travel {travel} + service {service}), "
                f"over the longest route of {instance.max_duration}",
            )
        )
    return _Judged(bad, travel, duration)


def _patterns(instance: PvrpifInstance, visits: dict[int, list[int]]) -> list[PvrpifViolation]:
    """PV-PATTERN: each customer's days of service against its patterns."""
    bad = []
    for customer in instance.customers:
        days = visits.get(customer.index, [])
        record = f"customer {customer.index}"
        twice = sorted({d for d in days if days.count(d) > 1})
        allowed = patterns(instance, customer)
        if twice:
            message = f"served more than once on day {', '.join(map(str, twice))}"
            bad.append(PvrpifViolation("PV-PATTERN", record, message))
        elif tuple(sorted(days)) not in allowed:
            served = f"on days {sorted(days)}" if days else "never"
            bad.append(
                PvrpifViolation(
                    "PV-PATTERN",
                    record,
                    f"served {served}; frequency {customer.frequency} allows "
                    f"{', '.join(map(str, map(list, allowed)))}",
                )
            )
    return bad


def validate_pvrpif(instance: PvrpifInstance, solution: PvrpifSolution) -> PvrpifReport:
    """Check a solution against every rule of the PVRP-IF benchmark.

    Parameters
    ----------
    instance
        The instance read from its file.
    solution
        Per day, the routes in node indices; a route's vehicle is its position on its day.

    Returns
    -------
    PvrpifReport
        Every violation found and the recomputed cost (a route that visits an unknown node counts
        0).
    """
    violations: list[PvrpifViolation] = []
    if solution.instance and solution.instance != instance.name:
        violations.append(
            PvrpifViolation(
                "PV-INSTANCE",
                "solution",
                f"is for {solution.instance!r}, not {instance.name!r}",
            )
        )
    if len(solution.days) != instance.horizon_days:
        violations.append(
            PvrpifViolation(
                "PV-HORIZON",
                "solution",
                f"has {len(solution.days)} days, the horizon {instance.horizon_days}",
            )
        )
    visits: dict[int, list[int]] = defaultdict(list)
    costs: list[tuple[int, ...]] = []
    durations: list[tuple[int, ...]] = []
    for day, routes in enumerate(solution.days):
        if len(routes) > instance.vehicles_per_day:
            violations.append(
                PvrpifViolation(
                    "PV-FLEET",
                    f"day {day}",
                    f"runs {len(routes)} routes with {instance.vehicles_per_day} vehicles",
                )
            )
        judged = [
            _judge_route(instance, route, f"day {day}, vehicle {vehicle}")
            for vehicle, route in enumerate(routes)
        ]
        for route, one in zip(routes, judged, strict=True):
            violations += one.violations
            for node in route:
                visits[node].append(day)
        costs.append(tuple(one.travel for one in judged))
        durations.append(tuple(one.duration for one in judged))
    violations += _patterns(instance, visits)
    return PvrpifReport(
        violations=tuple(violations),
        cost=sum(map(sum, costs)),
        route_costs=tuple(costs),
        route_durations=tuple(durations),
    )
