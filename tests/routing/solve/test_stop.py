"""The stopping criterion: one object for a solve's time limit, iteration budget and deadline."""

from __future__ import annotations

import time

import pytest

from routing.errors import FieldError
from routing.solve import Stop
from routing.solve.pyvrp_adapter import stop_criterion


def test_an_iteration_budget_makes_a_stop_bounded_by_work() -> None:
    assert not Stop(10.0).bounded_by_work
    assert Stop(10.0, iterations=200).bounded_by_work


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"time_limit_s": 0.0}, "time_limit_s"),
        ({"time_limit_s": float("nan")}, "time_limit_s"),
        ({"time_limit_s": 5.0, "iterations": 0}, "iterations"),
        ({"time_limit_s": 5.0, "iterations": True}, "iterations"),
        ({"time_limit_s": 5.0, "deadline": float("inf")}, "deadline"),
    ],
)
def test_a_bad_limit_is_refused_naming_its_field(options: dict[str, float], field: str) -> None:
    with pytest.raises(FieldError) as caught:
        Stop(**options)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_a_share_keeps_the_budget_of_work_and_the_deadline() -> None:
    stop = Stop(10.0, iterations=300, deadline=time.time() + 100)
    part = stop.share(0.3)
    assert part.time_limit_s == pytest.approx(3.0)
    assert (part.iterations, part.deadline) == (stop.iterations, stop.deadline)


def test_the_deadline_cuts_the_seconds_left_but_not_below_the_least() -> None:
    assert Stop(10.0).seconds_left() == 10.0
    assert Stop(10.0, deadline=time.time() + 2).seconds_left() <= 2.0
    assert Stop(10.0, deadline=time.time() - 5).seconds_left(least=0.2) == 0.2


def test_pyvrp_stops_at_whichever_limit_comes_first() -> None:
    criterion = stop_criterion(Stop(60.0, iterations=3))
    assert [criterion(100) for _ in range(4)] == [False, False, False, True]


def test_pyvrps_clock_starts_when_the_criterion_is_made_not_at_its_first_call() -> None:
    """PyVRP first asks its criterion once the starting solution is made and searched, seconds
    on thousands of visits: that time is part of the search's share."""
    criterion = stop_criterion(Stop(0.2))
    time.sleep(0.3)  # as PyVRP's exhaustive search of its starting solution would take
    assert criterion(0)
    assert not stop_criterion(Stop(5.0))(0)
