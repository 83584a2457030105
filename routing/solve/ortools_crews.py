"""CP-SAT's assignment of crews to routes (OR-Tools).

:func:`assign_crews` gives each route a crew of its own who may work its hours (SH1), serving as
many routes as possible.
"""

from __future__ import annotations

from collections.abc import Sequence

from ortools.sat.python import cp_model


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
