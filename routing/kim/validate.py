"""The judge of Kim solutions: recomputes every time and load itself, shares nothing with the solver.

Rules (ids used in reports and tests):

- ``KIM-ROUTE``: a route starts and ends at the depot and visits only sites of the instance.
- ``KIM-ALL``: every regular stop is visited exactly once (zero-load stops included).
- ``KIM-DISPOSAL``: the last visit before the depot is a disposal facility.
- ``KIM-TW``: service starts within every site's window (arriving early, the vehicle waits);
  the vehicle leaves the depot no earlier than it opens and is back by its closing time.
- ``KIM-CAP``: the yards picked up between two unloadings fit the vehicle.
- ``KIM-DAY-YD``: a vehicle collects at most the daily yards.
- ``KIM-DAY-STOPS``: a vehicle serves at most the daily number of regular stops.
- ``KIM-LUNCH``: a route still out after 12:00 takes the lunch, idle at a stop of the route, starting
  between 11:00 and 12:00 (it may wait there for 11:00); the lunch lasts the file's lunch seconds.

Times: the vehicle leaves the depot when it opens; travel is the Manhattan distance in feet at the
file's speed; service starts at max(arrival, earliest); a stop's service time is spent there.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from routing.kim.reader import KimInstance, SiteType
from routing.kim.solution import KimSolution

LUNCH_EARLIEST_S = 11 * 3600
LUNCH_LATEST_S = 12 * 3600
TOLERANCE = 1e-6  # seconds and yards: the files' values are floats


@dataclass(frozen=True, slots=True)
class KimViolation:
    """One broken rule: its id, the route (None: the whole solution) and what is wrong."""

    rule: str
    route: int | None
    message: str


@dataclass(frozen=True, slots=True)
class KimReport:
    """The verdict on a solution, with the recomputed totals."""

    violations: tuple[KimViolation, ...]
    vehicles: int
    miles: float
    route_end_s: tuple[float, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when no rule is broken."""
        return not self.violations

    def rules(self) -> set[str]:
        """The ids of the broken rules."""
        return {v.rule for v in self.violations}


def _feet(instance: KimInstance, a: int, b: int) -> float:
    p, q = instance.sites[a], instance.sites[b]
    return abs(p.x_ft - q.x_ft) + abs(p.y_ft - q.y_ft)


@dataclass(slots=True)
class _Drive:
    """A vehicle on its route: the clock, the feet driven, the loads and the lunch taken."""

    clock: float
    feet: float = 0.0
    on_board: float = 0.0
    day_yd: float = 0.0
    day_stops: int = 0
    lunch_start: float | None = None


def _check_route(
    instance: KimInstance, r: int, stops: tuple[int, ...], lunch_after: int | None
) -> tuple[list[KimViolation], float, float]:
    """Violations of one route, its feet and its return time."""
    bad: list[KimViolation] = []
    sites = instance.sites
    depot = instance.depot
    if len(stops) < 2 or stops[0] != depot or stops[-1] != depot:
        bad.append(KimViolation("KIM-ROUTE", r, "must start and end at the depot"))
    if any(not 0 <= s < len(sites) for s in stops):
        bad.append(KimViolation("KIM-ROUTE", r, "visits a row position that is not in the file"))
        return bad, 0.0, 0.0
    if any(sites[s].kind is SiteType.DEPOT for s in stops[1:-1]):
        bad.append(KimViolation("KIM-ROUTE", r, "passes through the depot mid-route"))
    if len(stops) >= 2 and sites[stops[-2]].kind is not SiteType.DISPOSAL:
        bad.append(
            KimViolation(
                "KIM-DISPOSAL", r, "the last visit before the depot is not a disposal facility"
            )
        )
    if lunch_after is not None and not 0 < lunch_after < len(stops) - 1:
        bad.append(
            KimViolation("KIM-LUNCH", r, f"lunch_after {lunch_after} is not a stop of the route")
        )
        lunch_after = None
    drive = _Drive(clock=float(sites[stops[0]].early_s))
    bad += _drive_route(instance, r, stops, lunch_after, drive)
    bad += _check_day(instance, r, drive)
    return bad, drive.feet, drive.clock


def _drive_route(
    instance: KimInstance,
    r: int,
    stops: tuple[int, ...],
    lunch_after: int | None,
    drive: _Drive,
) -> list[KimViolation]:
    """Drive ``stops`` from the first, advancing ``drive``: the windows and capacity broken."""
    bad: list[KimViolation] = []
    mph_ft_per_s = instance.speed_mph * 5280 / 3600
    for n in range(1, len(stops)):
        leg = _feet(instance, stops[n - 1], stops[n])
        drive.feet += leg
        arrive = drive.clock + leg / mph_ft_per_s
        site = instance.sites[stops[n]]
        if n == len(stops) - 1:
            if arrive > site.late_s + TOLERANCE:
                bad.append(
                    KimViolation(
                        "KIM-TW", r, f"back at the depot at {arrive:.0f} s, after {site.late_s} s"
                    )
                )
            drive.clock = arrive
            break
        bad += _serve(instance, r, n, stops[n], arrive, drive)
        if n == lunch_after:
            drive.lunch_start = max(drive.clock, float(LUNCH_EARLIEST_S))
            drive.clock = drive.lunch_start + instance.lunch_s
    return bad


def _serve(
    instance: KimInstance, r: int, n: int, row: int, arrive: float, drive: _Drive
) -> list[KimViolation]:
    """Serve stop ``n`` (file row ``row``) on arriving at ``arrive``: its window and capacity."""
    bad: list[KimViolation] = []
    site = instance.sites[row]
    start = max(arrive, float(site.early_s))
    if start > site.late_s + TOLERANCE:
        bad.append(
            KimViolation(
                "KIM-TW",
                r,
                f"stop {n} (row {row}) served from {start:.0f} s, after {site.late_s} s",
            )
        )
    drive.clock = start + site.service_s
    if site.kind is SiteType.STOP:
        drive.on_board += site.load_yd
        drive.day_yd += site.load_yd
        drive.day_stops += 1
        if drive.on_board > instance.capacity_yd + TOLERANCE:
            bad.append(
                KimViolation(
                    "KIM-CAP",
                    r,
                    f"{drive.on_board:g} yd on board at stop {n}, over {instance.capacity_yd:g}",
                )
            )
    elif site.kind is SiteType.DISPOSAL:
        drive.on_board = 0.0
    return bad


def _check_day(instance: KimInstance, r: int, drive: _Drive) -> list[KimViolation]:
    """The daily caps and the lunch rule, over a route driven to its end."""
    bad: list[KimViolation] = []
    if drive.day_yd > instance.daily_yd + TOLERANCE:
        bad.append(
            KimViolation(
                "KIM-DAY-YD", r, f"{drive.day_yd:g} yd in the day, over {instance.daily_yd:g}"
            )
        )
    if drive.day_stops > instance.daily_stops:
        bad.append(
            KimViolation(
                "KIM-DAY-STOPS",
                r,
                f"{drive.day_stops} stops in the day, over {instance.daily_stops}",
            )
        )
    lunch_start = drive.lunch_start
    if lunch_start is not None and lunch_start > LUNCH_LATEST_S + TOLERANCE:
        bad.append(
            KimViolation("KIM-LUNCH", r, f"lunch starts at {lunch_start:.0f} s, after 12:00")
        )
    if lunch_start is None and drive.clock > LUNCH_LATEST_S + TOLERANCE:
        bad.append(KimViolation("KIM-LUNCH", r, "out after 12:00 and takes no lunch"))
    return bad


def validate_kim(instance: KimInstance, solution: KimSolution) -> KimReport:
    """Check a solution against every rule of the Kim benchmark.

    Parameters
    ----------
    instance
        The instance read from its file.
    solution
        Routes in row positions.

    Returns
    -------
    KimReport
        Every violation found (not only the first), the vehicles used and the miles driven.
    """
    violations: list[KimViolation] = []
    if solution.instance and solution.instance != instance.name:
        violations.append(
            KimViolation(
                "KIM-ROUTE", None, f"solution is for {solution.instance!r}, not {instance.name!r}"
            )
        )
    feet = 0.0
    ends: list[float] = []
    seen: Counter[int] = Counter()
    for r, route in enumerate(solution.routes):
        bad, route_ft, end = _check_route(instance, r, route.stops, route.lunch_after)
        violations += bad
        feet += route_ft
        ends.append(end)
        seen.update(s for s in route.stops if 0 <= s < len(instance.sites))
    for stop in instance.stops:
        if seen[stop] != 1:
            violations.append(
                KimViolation("KIM-ALL", None, f"row {stop} visited {seen[stop]} times, not once")
            )
    used = sum(1 for route in solution.routes if len(route.stops) > 2)
    return KimReport(tuple(violations), used, feet / 5280, tuple(ends))
