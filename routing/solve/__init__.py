"""Solver backends. Each returns the project's :class:`~routing.plan.Plan`; every plan from every
backend is judged by :func:`routing.validation.validate` in the tests."""

from routing.solve.greedy import plan_greedy

__all__ = ["plan_greedy"]
