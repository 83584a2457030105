"""CP-SAT's allocation of vehicle-shift slots to streams (OR-Tools).

:func:`allocate_slots` gives each vehicle-shift slot to one stream, so that every stream's
coverage (supply of working time over its estimated need, also for the points only small
vehicles reach) is as high as possible, the lowest coverage first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from routing.solve.stop import Stop

SCALE = 1000  # coverage ratios in thousandths


@dataclass(frozen=True, slots=True)
class Need:
    """Estimated work (s) of a stream's jobs that only vehicles of at most ``max_size`` reach and
    only slots of the ``shifts`` can serve."""

    stream: int
    max_size: int
    work_s: int
    shifts: frozenset[int]


@dataclass(frozen=True, slots=True)
class Offer:
    """A slot: its size, its working seconds, its shift, and the streams it may carry."""

    size: int
    work_s: int
    shift: int
    streams: frozenset[int]


def allocate_slots(
    needs: Sequence[Need],
    offers: Sequence[Offer],
    *,
    stop: Stop,
    seed: int = 0,
    work: float = 2.0,
) -> list[int | None]:
    """The stream each offer (slot) carries, or None for a slot left idle, within ``stop``.

    When ``stop`` is bounded by work (it has iterations): one search worker, stopped by
    ``work`` units of CP-SAT's deterministic time (a measure of work, not of the clock; 2.0 is
    about a second here), so the same input gives the same answer on any machine as long as the
    wall-clock limit (``stop``'s, at least 60 s) does not strike first.
    """
    model = cp_model.CpModel()
    x = _carries(model, needs, offers)
    cap = 20 * SCALE  # high enough that supply is shared in proportion to need
    z = model.new_int_var(0, cap, "z")  # the lowest coverage of a need that can be met at all
    coverages = _coverages(model, needs, offers, x, lowest=z, cap=cap)
    used = sum(x.values())
    # The lowest coverage first, then the coverage of all needs weighted by their work, then
    # every slot put to use.
    second = (len(offers) + 1) * cap * 1001 * (len(coverages) + 1)
    model.maximize(z * second + sum(coverages) * (len(offers) + 1) + used)
    solver = _solver(stop, seed=seed, work=work)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [None] * len(offers)
    chosen: list[int | None] = [None] * len(offers)
    for (o, s), var in x.items():
        if solver.value(var):
            chosen[o] = s
    return chosen


def _carries(
    model: cp_model.CpModel, needs: Sequence[Need], offers: Sequence[Offer]
) -> dict[tuple[int, int], cp_model.IntVar]:
    """Per offer and stream it may carry, whether it carries that stream: one stream at most."""
    streams = sorted({n.stream for n in needs})
    x = {
        (o, s): model.new_bool_var(f"x{o}_{s}")
        for o, offer in enumerate(offers)
        for s in streams
        if s in offer.streams
    }
    for o in range(len(offers)):
        model.add(sum(x[o, s] for s in streams if (o, s) in x) <= 1)
    return x


def _coverages(
    model: cp_model.CpModel,
    needs: Sequence[Need],
    offers: Sequence[Offer],
    x: dict[tuple[int, int], cp_model.IntVar],
    *,
    lowest: cp_model.IntVar,
    cap: int,
) -> list[cp_model.LinearExpr]:
    """Each need's coverage (thousandths, at most ``cap``, at least ``lowest``), weighted by its
    share of all the work; a need nothing can serve is left out."""
    total_work = sum(n.work_s for n in needs) or 1
    coverages = []
    for k, need in enumerate(needs):
        eligible = [
            o
            for o in range(len(offers))
            if (o, need.stream) in x
            and offers[o].size <= need.max_size
            and offers[o].shift in need.shifts
        ]
        if need.work_s <= 0 or not eligible:
            continue  # nothing can serve these jobs: they are listed unserved with the reason
        cover = model.new_int_var(0, cap, f"cover{k}")
        supply = sum(offers[o].work_s * x[o, need.stream] for o in eligible)
        model.add(cover * need.work_s <= SCALE * supply)
        model.add(lowest <= cover)
        coverages.append(cover * (1 + 1000 * need.work_s // total_work))
    return coverages


def _solver(stop: Stop, *, seed: int, work: float) -> cp_model.CpSolver:
    """CP-SAT's solver for ``stop``: by deterministic time ``work`` when ``stop`` is bounded by
    work, else by the clock."""
    time_limit_s = stop.time_limit_s
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = 2
    if stop.bounded_by_work:
        solver.parameters.num_workers = 1
        solver.parameters.max_deterministic_time = work
        solver.parameters.max_time_in_seconds = max(time_limit_s, 60.0)
    return solver
