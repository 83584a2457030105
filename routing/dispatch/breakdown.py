"""A vehicle breaks down: re-plan the rest of its work over the remaining fleet.

From the breakdown on, every route's stops already reached stay as they are (nothing done
moves). The broken truck finishes the stop it is at; if it carries waste, it is taken to its
trip's facility to unload, then home. Its remaining visits, and those of its later routes until
it is back in service, are placed in the other routes from the breakdown time on (or in free
vehicle-shifts), by regret, weighing the cost they add against the visits of other routes whose
times they push beyond the tolerance (:data:`routing.dispatch.requests.DISRUPTION`); then they
are moved where the same objective falls. What cannot be placed is listed unserved with the
reason.
"""

from __future__ import annotations

from collections.abc import Iterable

from routing.dispatch.day import Day
from routing.dispatch.draft import Draft
from routing.dispatch.errors import DispatchError
from routing.dispatch.pipeline import (
    Budget,
    Facts,
    Opened,
    Run,
    against,
    move_the_placed,
    reopen,
    run_operation,
)
from routing.dispatch.requests import DISRUPTION, Breakdown, StopReport, VisitKey, Weights
from routing.dispatch.result import DispatchResult
from routing.errors import Defect, ProblemError
from routing.params import SolveParams
from routing.plan import Plan
from routing.problem import Problem
from routing.units import DAY, format_clock


def _stop_vehicle(day: Day, event: Breakdown, until: int) -> list[VisitKey]:
    """Close the broken vehicle's routes; returns the visits they give up."""
    freed: list[VisitKey] = []
    for index, draft in enumerate(day.drafts):
        if draft.vehicle_id != event.vehicle_id or not draft.movable:
            continue
        if draft.start_s >= until:
            continue
        keys = list(draft.flex_visits())
        closed = draft.copy()
        if closed.open_trip is not None:
            closed.flex = [closed.flex[0]]
            closed.flex[0].visits = []
            closed.flex[0].locked = True
        else:
            closed.flex = []
        timed = day.timer.time(closed)
        if timed is None:
            raise DispatchError(
                f"{event.vehicle_id} cannot be brought home after its breakdown",
                reasons=[day.timer.last_failure[1]],
            )
        frozen = Draft(
            closed.vehicle_id,
            closed.shift_id,
            closed.crew_id,
            closed.start_s,
            closed.latest_end_s,
            frozen=timed.route,
            closed=True,
        )
        day.replace(index, frozen, timed)
        freed += keys
    reason = f"{event.vehicle_id} broke down at {format_clock(event.at_s)}; no other vehicle could take it within the rules"
    for key in freed:
        day.pool.append(key)
        day.reasons[key] = ("SH1", reason)
    return freed


def breakdown(
    problem: Problem,
    plan: Plan,
    event: Breakdown,
    *,
    reports: Iterable[StopReport] = (),
    weights: Weights = DISRUPTION,
    time_limit_s: float = 20.0,
    seed: int = 0,
    rounds: int = 2,
    params: SolveParams | None = None,
) -> DispatchResult:
    """``plan`` re-planned after ``event`` (see the module's description).

    ``weights`` weigh cost against disruption; ``time_limit_s`` and ``rounds`` bound the search
    (deterministic for a seed when ``rounds`` ends it first); ``params``: the tuning constants
    (:class:`~routing.params.SolveParams`; the defaults when None).
    """
    if event.vehicle_id not in problem.vehicle_by_id:
        raise ProblemError(
            [Defect("breakdown", "vehicle_id", f"no vehicle {event.vehicle_id!r}")],
            source="breakdown",
        )
    until = event.until_s if event.until_s is not None else DAY

    def opening() -> Opened:
        day = reopen(
            problem,
            plan,
            now_s=event.at_s,
            reports=reports,
            out_of_service={event.vehicle_id: (event.at_s, until)},
            params=params,
        )
        return Opened(day, _stop_vehicle(day, event, until))

    def facts(run: Run) -> Facts:
        freed = run.to_place
        return {
            "vehicle": event.vehicle_id,
            "at": format_clock(event.at_s),
            "until": format_clock(until),
            "visits_freed": len(freed),
            "visits_placed": sum(1 for k in freed if k in run.day.at),
            "moves": run.moves,
        }

    return run_operation(
        "breakdown",
        opening,
        move_the_placed,
        objective=against(weights, plan),
        budget=Budget(time_limit_s, seed, rounds),
        facts=facts,
        tolerance_s=weights.tolerance_s,
        meta={"breakdown": event.vehicle_id},
    )
