"""Dispatching a live day: changing a published plan without throwing it away.

- :func:`reoptimise`: keep what is locked, done or past; re-plan the rest.
- :func:`rank_urgent`, :func:`apply_urgent`: the places where an urgent pickup fits, by the cost
  they add; put it in one.
- :func:`breakdown`: a vehicle is out from a given time; its work goes to the rest of the fleet
  with as few other visits moved as the rules allow; the disruption is reported.
- :func:`apply_feedback`: crews' done and skipped visits; skipped ones go to later shifts.

Every plan returned has passed the independent validator (:func:`routing.validation.validate`);
what changed, visit by visit, is in :attr:`DispatchResult.disruption`.
"""

from __future__ import annotations

from routing.dispatch.breakdown import breakdown
from routing.dispatch.errors import DispatchError
from routing.dispatch.replan import apply_feedback, reoptimise
from routing.dispatch.requests import (
    DISRUPTION,
    Breakdown,
    Locks,
    StopReport,
    UrgentRequest,
    Weights,
)
from routing.dispatch.result import DispatchResult, Disruption, VisitChange, compare
from routing.dispatch.urgent import Slot, UrgentRanking, apply_urgent, rank_urgent

__all__ = [
    "DISRUPTION",
    "Breakdown",
    "DispatchError",
    "DispatchResult",
    "Disruption",
    "Locks",
    "Slot",
    "StopReport",
    "UrgentRanking",
    "UrgentRequest",
    "VisitChange",
    "Weights",
    "apply_feedback",
    "apply_urgent",
    "breakdown",
    "compare",
    "rank_urgent",
    "reoptimise",
]
