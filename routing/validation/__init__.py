"""The independent validator: the one judge of every plan.

It checks a plan against its problem for every rule id (:data:`RULES`; docs/rules.md),
recomputing travel times and loads itself from the problem's data. It imports nothing from any
solver backend, so a solver bug cannot hide in shared code.
"""

from __future__ import annotations

from routing.plan import Plan
from routing.problem import Problem
from routing.validation.context import Context
from routing.validation.daily import check_daily_limits
from routing.validation.haul import check_hauls
from routing.validation.references import resolve_routes
from routing.validation.report import RULES, ValidationReport, Violation
from routing.validation.schedule import check_loads, check_schedule
from routing.validation.service import check_coverage, check_windows
from routing.validation.shifts import check_day, check_route_shift
from routing.validation.transport import check_facility_capacity, check_trips, check_zones

__all__ = ["RULES", "ValidationReport", "Violation", "validate"]


def validate(problem: Problem, plan: Plan) -> ValidationReport:
    """Check ``plan`` against ``problem`` for every rule.

    Returns
    -------
    ValidationReport
        Every violation, each with its rule id, the record and a sentence; empty when the plan
        keeps every rule.
    """
    ctx = Context(problem, plan)
    routes = resolve_routes(ctx)
    for rr in routes:
        check_schedule(ctx, rr)
        check_loads(ctx, rr)
        check_trips(ctx, rr)
        check_zones(ctx, rr)
        check_windows(ctx, rr)
        check_route_shift(ctx, rr)
    check_day(ctx, routes)
    check_daily_limits(ctx, routes)
    check_coverage(ctx)
    check_facility_capacity(ctx)
    check_hauls(ctx)
    return ValidationReport(tuple(ctx.violations))
