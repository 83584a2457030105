"""Collection calendars (收运日历): which days of a horizon each point is served.

A :class:`CalendarProblem` is a district's day (:class:`~routing.problem.Problem`: every point,
the fleet, facilities, travel) planned over ``horizon_days`` days. Each point follows a
:class:`VisitRule` — ``visits`` visits every ``cycle_days`` days, on one of its allowed
*patterns* (the cycle days it is served on); a point without a rule is served every day (its
``visits_per_day`` as on any day). Each day may have its own resources (:class:`DayResources`:
fewer vehicles or crews on Sunday, a facility's hours of that weekday, a facility closed).

Patterns. A rule lists its patterns, or gets the evenly spaced ones: ``visits`` visits every
``cycle_days // visits`` days, starting on any day that leaves room for the last one::

    gap = cycle // visits;  patterns = {(s, s + gap, …, s + (visits - 1)·gap) : s + (visits - 1)·gap < cycle}

so twice a week gives (0, 3), (1, 4), (2, 5), (3, 6), and where ``visits`` divides the cycle this
is the periodic-VRP rule (Taverna & Tilk: twice in 4 days is (0, 2) or (1, 3)). ``weekdays``
keeps the patterns whose every day falls on one of them (bulky waste on Tuesdays or Fridays).

Days. Day ``d`` of the horizon is cycle day ``d mod cycle_days``: a weekly rule repeats in a
fortnight's horizon, and a fortnightly rule in a week's horizon serves its point this week only if
its pattern's day falls in it (the tanks pumped every 14 days are spread over both weeks).

Loads. A visit collects ``kg_per_visit``: by default what the point produces between two visits
(``kg_per_day × cycle_days / visits``, rounded up), litres alike.

Vehicles. ``vehicle_day_fen`` prices each vehicle that works a day (its standing cost: the lease,
the driver's day, the morning checks), for vehicle types with a lower fixed cost of their own:
every day is then routed with as few vehicles as its work needs, so that the days' vehicle counts
follow their work and a calendar that evens the work evens the fleet a day needs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property

from routing._checks import checked, identifier, integer, positive, require
from routing.domain import CollectionPoint, TimeWindow
from routing.errors import DefectCollector
from routing.problem import Problem

#: Weekday names as files spell them (day 0 of the week is Monday, as ``datetime.weekday``).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Pattern = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class VisitRule:
    """How often a point is served, and on which days it may be.

    Parameters
    ----------
    point_id
        The point.
    visits
        Visits per cycle.
    cycle_days
        Length of the cycle; None: the horizon.
    weekdays
        If given, the only weekdays (0 Monday … 6 Sunday) its visits may fall on.
    patterns
        If given, the allowed patterns (sorted cycle days, ``visits`` of them), in place of the
        evenly spaced ones.
    kg_per_visit, litres_per_visit
        Collected at each visit; None: produced between two visits.
    """

    point_id: str
    visits: int
    cycle_days: int | None = None
    weekdays: tuple[int, ...] = ()
    patterns: tuple[Pattern, ...] = ()
    kg_per_visit: int | None = None
    litres_per_visit: int | None = None

    @checked
    def __post_init__(self) -> None:
        identifier(self.point_id, "point_id")
        if integer(self.visits, "visits"):
            positive(self.visits, "visits")
        if self.cycle_days is not None and integer(self.cycle_days, "cycle_days"):
            positive(self.cycle_days, "cycle_days")
            require(
                self.visits <= self.cycle_days,
                "visits",
                f"must be at most the cycle's {self.cycle_days} days",
            )
        require(
            all(isinstance(w, int) and 0 <= w < 7 for w in self.weekdays),
            "weekdays",
            "must be weekday numbers 0 (Monday) to 6 (Sunday)",
        )
        for pattern in self.patterns:
            require(
                len(pattern) == self.visits
                and all(isinstance(d, int) and d >= 0 for d in pattern)
                and list(pattern) == sorted(set(pattern)),
                "patterns",
                f"{list(pattern)} must be {self.visits} distinct cycle days in order",
            )
        for name in ("kg_per_visit", "litres_per_visit"):
            value = getattr(self, name)
            if value is not None and integer(value, name):
                require(value >= 0, name, "must be zero or more")


@dataclass(frozen=True, slots=True)
class DayResources:
    """What a day of the horizon has: which vehicles and crews work, facilities' hours.

    Parameters
    ----------
    day
        Day of the horizon (0-based).
    vehicles, crews
        The ids that work that day; None: all of the district's.
    opening
        Per facility, its hours that day (in place of its usual ones).
    closed
        Facilities closed that day.
    """

    day: int
    vehicles: tuple[str, ...] | None = None
    crews: tuple[str, ...] | None = None
    opening: tuple[tuple[str, tuple[TimeWindow, ...]], ...] = ()
    closed: frozenset[str] = frozenset()

    @checked
    def __post_init__(self) -> None:
        if integer(self.day, "day"):
            require(self.day >= 0, "day", "must be zero or more")
        for facility, windows in self.opening:
            require(bool(windows), "opening", f"{facility}: give at least one window, or close it")


def even_patterns(visits: int, cycle_days: int) -> tuple[Pattern, ...]:
    """The evenly spaced patterns of ``visits`` visits in ``cycle_days`` days (see the module)."""
    gap = cycle_days // visits
    last = (visits - 1) * gap
    return tuple(tuple(s + i * gap for i in range(visits)) for s in range(cycle_days - last))


@dataclass(frozen=True)
class CalendarProblem:
    """A district planned over ``horizon_days`` days (see the module).

    Construction checks the rules and days against the base problem and raises one
    :class:`~routing.errors.ProblemError` naming each defect. ``vehicle_day_fen``: see the
    module (0: the vehicle types' own fixed costs).
    """

    name: str
    base: Problem
    horizon_days: int
    rules: tuple[VisitRule, ...] = ()
    days: tuple[DayResources, ...] = ()
    first_weekday: int = 0
    vehicle_day_fen: int = 0

    def __post_init__(self) -> None:
        defects = DefectCollector()
        if (
            not isinstance(self.vehicle_day_fen, int)
            or isinstance(self.vehicle_day_fen, bool)
            or self.vehicle_day_fen < 0
        ):
            defects.add("calendar", "vehicle_day_cost_yuan", "must be a cost of zero or more")
        if not isinstance(self.horizon_days, int) or not 1 <= self.horizon_days <= 366:
            defects.add("calendar", "horizon_days", "must be a whole number of days, 1 to 366")
        if not isinstance(self.first_weekday, int) or not 0 <= self.first_weekday < 7:
            defects.add("calendar", "first_weekday", "must be 0 (Monday) to 6 (Sunday)")
        seen: set[str] = set()
        for rule in self.rules:
            record = f"visit rule of {rule.point_id}"
            if rule.point_id not in self.base.point_by_id:
                defects.add(record, "point_id", "names no collection point of the district")
            elif rule.point_id in seen:
                defects.add(record, "point_id", "has a second rule")
            seen.add(rule.point_id)
            if not self._allowed(rule):
                defects.add(record, "weekdays", "leaves no pattern of its visits on those days")
            for pattern in rule.patterns:
                if pattern and pattern[-1] >= self.cycle_of(rule):
                    defects.add(record, "patterns", f"{list(pattern)} goes beyond the cycle")
        days_seen: set[int] = set()
        for resources in self.days:
            record = f"day {resources.day}"
            if not 0 <= resources.day < max(self.horizon_days, 1):
                defects.add(record, "day", f"lies outside the horizon of {self.horizon_days} days")
            if resources.day in days_seen:
                defects.add(record, "day", "is given twice")
            days_seen.add(resources.day)
            for name, ids, known in (
                ("vehicles", resources.vehicles, self.base.vehicle_by_id),
                ("crews", resources.crews, self.base.crew_by_id),
            ):
                for i in ids or ():
                    if i not in known:
                        defects.add(record, name, f"{i!r} is not one of the district's")
            for facility in {f for f, _ in resources.opening} | resources.closed:
                if facility not in self.base.facility_by_id:
                    defects.add(record, "opening", f"{facility!r} is not a facility")
        defects.raise_if_any(source=f"calendar {self.name!r}")

    # ---------------------------------------------------------------- rules and patterns

    @cached_property
    def rule_by_point(self) -> Mapping[str, VisitRule]:
        """Every point's rule; points without one are served daily."""
        given = {rule.point_id: rule for rule in self.rules}
        return {p.id: given.get(p.id) or VisitRule(p.id, 1, cycle_days=1) for p in self.base.points}

    def cycle_of(self, rule: VisitRule) -> int:
        """The rule's cycle in days (the horizon when it names none)."""
        return self.horizon_days if rule.cycle_days is None else rule.cycle_days

    def weekday(self, day: int) -> int:
        """Weekday (0 Monday) of day ``day`` of the horizon."""
        return (self.first_weekday + day) % 7

    def _allowed(self, rule: VisitRule) -> tuple[Pattern, ...]:
        cycle = self.cycle_of(rule)
        found = rule.patterns or even_patterns(rule.visits, cycle)
        if not rule.weekdays:
            return found
        # A weekday restriction on a cycle that is not whole weeks applies to the first cycle.
        return tuple(p for p in found if all(self.weekday(d) in rule.weekdays for d in p))

    def patterns(self, point_id: str) -> tuple[Pattern, ...]:
        """The point's allowed patterns (cycle days), in order."""
        return self._allowed(self.rule_by_point[point_id])

    def service_days(self, point_id: str, pattern: Pattern) -> tuple[int, ...]:
        """The days of the horizon on which ``pattern`` serves the point."""
        cycle = self.cycle_of(self.rule_by_point[point_id])
        on = set(pattern)
        return tuple(d for d in range(self.horizon_days) if d % cycle in on)

    @cached_property
    def period_days(self) -> int:
        """Days after which every rule repeats (the horizon at least): the span over which work
        is balanced, so that a fortnightly point is not pushed past a week's horizon."""
        period = self.horizon_days
        for rule in self.rule_by_point.values():
            period = math.lcm(period, self.cycle_of(rule))
        return period

    def period_days_of(self, point_id: str, pattern: Pattern) -> tuple[int, ...]:
        """The days of the whole period (:attr:`period_days`) on which ``pattern`` serves it."""
        cycle = self.cycle_of(self.rule_by_point[point_id])
        on = set(pattern)
        return tuple(d for d in range(self.period_days) if d % cycle in on)

    def visit_amounts(self, point_id: str) -> tuple[int, int]:
        """Kilograms and litres collected at one visit of the point (its ``kg_per_day`` and
        ``litres_per_day`` for a daily point)."""
        point = self.base.point_by_id[point_id]
        rule = self.rule_by_point[point_id]
        cycle = self.cycle_of(rule)
        kg = rule.kg_per_visit
        litres = rule.litres_per_visit
        if kg is None:
            kg = math.ceil(point.kg_per_day * cycle / rule.visits)
        if litres is None:
            litres = math.ceil(point.litres_per_day * cycle / rule.visits)
        return kg, litres

    # ---------------------------------------------------------------- days

    def resources(self, day: int) -> DayResources:
        """What day ``day`` has (everything the district has, if not stated)."""
        return next((r for r in self.days if r.day == day), DayResources(day))

    def day_problem(self, day: int, assignment: Mapping[str, Pattern]) -> Problem:
        """The problem of day ``day``: the points ``assignment`` serves that day, each collecting
        one visit's load, with the day's vehicles, crews and facility hours.

        Raises
        ------
        KeyError
            A point with a rule has no pattern in ``assignment``.
        """
        base = self.base
        points: list[CollectionPoint] = []
        for point in base.points:
            if point.id not in self._ruled:  # served daily, as on any day
                points.append(point)
                continue
            if day % self.cycle_of(self.rule_by_point[point.id]) not in assignment[point.id]:
                continue
            kg, litres = self.visit_amounts(point.id)
            points.append(replace(point, kg_per_day=kg, litres_per_day=litres, visits_per_day=1))
        res = self.resources(day)
        opening = dict(res.opening)
        facilities = tuple(
            replace(f, opening=opening.get(f.id, f.opening))
            for f in base.facilities
            if f.id not in res.closed
        )
        vehicles = base.vehicles
        if res.vehicles is not None:
            vehicles = tuple(v for v in vehicles if v.id in set(res.vehicles))
        crews = base.crews
        if res.crews is not None:
            crews = tuple(c for c in crews if c.id in set(res.crews))
        types = base.vehicle_types
        if self.vehicle_day_fen > 0:
            types = tuple(
                replace(t, fixed_cost_fen=max(t.fixed_cost_fen, self.vehicle_day_fen))
                for t in types
            )
        return base.replace(
            name=f"{base.name} · day {day + 1}",
            points=tuple(points),
            facilities=facilities,
            vehicles=vehicles,
            crews=crews,
            vehicle_types=types,
        )

    @cached_property
    def _ruled(self) -> frozenset[str]:
        return frozenset(r.point_id for r in self.rules)


def rules_for_streams(
    problem: Problem, by_stream: Mapping[str, VisitRule], *, except_points: Iterable[str] = ()
) -> tuple[VisitRule, ...]:
    """One rule per point of each stream in ``by_stream`` (its ``point_id`` is replaced), for
    the points not in ``except_points``."""
    skip = set(except_points)
    rules: list[VisitRule] = []
    for point in problem.points:
        template = by_stream.get(point.stream.value)
        if template is not None and point.id not in skip:
            rules.append(replace(template, point_id=point.id))
    return tuple(rules)
