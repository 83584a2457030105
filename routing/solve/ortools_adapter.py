"""The OR-Tools adapter: CP-SAT for the assignments the routing engine does not model.

The only module that imports :mod:`ortools`. Two models:

- :func:`allocate_slots` gives each vehicle-shift slot to one stream, so that every stream's
  coverage (supply of working time over its estimated need, also for the points only small
  vehicles reach) is as high as possible, the lowest coverage first.
- :func:`assign_crews` gives each route a crew of its own who may work its hours (SH1), serving
  as many routes as possible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

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


#: CP-SAT's deterministic time for a reproducible allocation (about a second of work here).
DETERMINISTIC_ALLOCATION = 2.0


def allocate_slots(
    needs: Sequence[Need],
    offers: Sequence[Offer],
    *,
    time_limit_s: float = 5.0,
    seed: int = 0,
    deterministic: bool = False,
) -> list[int | None]:
    """The stream each offer (slot) carries, or None for a slot left idle.

    ``deterministic``: one search worker, stopped by CP-SAT's deterministic time (a measure of
    work, not of the clock), so the same input gives the same answer on any machine as long as
    the wall-clock limit does not strike first.
    """
    model = cp_model.CpModel()
    streams = sorted({n.stream for n in needs})
    x = {
        (o, s): model.new_bool_var(f"x{o}_{s}")
        for o, offer in enumerate(offers)
        for s in streams
        if s in offer.streams
    }
    for o in range(len(offers)):
        model.add(sum(x[o, s] for s in streams if (o, s) in x) <= 1)
    cap = 20 * SCALE  # high enough that supply is shared in proportion to need
    z = model.new_int_var(0, cap, "z")  # the lowest coverage of a need that can be met at all
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
        model.add(z <= cover)
        coverages.append(cover * (1 + 1000 * need.work_s // total_work))
    used = sum(x.values())
    # The lowest coverage first, then the coverage of all needs weighted by their work, then
    # every slot put to use.
    second = (len(offers) + 1) * cap * 1001 * (len(coverages) + 1)
    model.maximize(z * second + sum(coverages) * (len(offers) + 1) + used)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = 2
    if deterministic:
        solver.parameters.num_workers = 1
        solver.parameters.max_deterministic_time = DETERMINISTIC_ALLOCATION
        solver.parameters.max_time_in_seconds = max(time_limit_s, 60.0)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [None] * len(offers)
    chosen: list[int | None] = [None] * len(offers)
    for (o, s), var in x.items():
        if solver.value(var):
            chosen[o] = s
    return chosen


def assign_crews(
    routes: Sequence[tuple[int, int]],
    crews: Sequence[tuple[int, int, int]],
    *,
    time_limit_s: float = 5.0,
) -> list[int | None]:
    """A crew per route (index into ``crews``) or None.

    ``routes`` are (start, end) seconds; ``crews`` are (available from, available to, longest
    working time). A crew works at most one route (SH1).

    Crews with the same hours are interchangeable, so the model picks a *kind* of crew per route,
    at most as many routes per kind as it has crews: a city's 300 routes × 600 identical crews
    are one kind, not 180,000 choices (that model found no solution in its time). The crews of a
    kind are then handed out in their listed order, routes in their listed order.
    """
    kinds: dict[tuple[int, int, int], list[int]] = {}
    for c, hours in enumerate(crews):
        kinds.setdefault(hours, []).append(c)
    hours_of = list(kinds)
    model = cp_model.CpModel()
    y = {
        (r, k): model.new_bool_var(f"y{r}_{k}")
        for r, (start, end) in enumerate(routes)
        for k, (early, late, longest) in enumerate(hours_of)
        if early <= start and end <= late and end - start <= longest
    }
    by_route: dict[int, list[cp_model.IntVar]] = {}
    by_kind: dict[int, list[cp_model.IntVar]] = {}
    for (r, k), v in y.items():
        by_route.setdefault(r, []).append(v)
        by_kind.setdefault(k, []).append(v)
    for group in by_route.values():
        model.add_at_most_one(group)
    for k, group in by_kind.items():
        model.add(sum(group) <= len(kinds[hours_of[k]]))
    # Serve every route you can; among equals, the kind whose first crew is listed first.
    first = [kinds[h][0] for h in hours_of]
    model.maximize(sum(v * (10 * len(crews) - first[k]) for (_, k), v in y.items()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        picked = {r: k for (r, k), v in y.items() if solver.value(v)}
    else:  # no solution in time: the first free kind that fits, route by route
        left = {k: len(kinds[h]) for k, h in enumerate(hours_of)}
        picked = {}
        for r, k in sorted(y):
            if r not in picked and left[k] > 0:
                picked[r] = k
                left[k] -= 1
    free = {k: iter(kinds[h]) for k, h in enumerate(hours_of)}
    return [next(free[picked[r]]) if r in picked else None for r in range(len(routes))]
