"""Decomposition of a large stream's search: nearby routes searched again on their own.

PyVRP's iterated local search on a thousand visits makes a hundred or so iterations a second, and
a minute's search ends far from what ten minutes find (Campo Grande's residual stream: 14 % dearer
in its objective). After Santini, Schneider, Vidal & Vigo (2023, "Decomposition strategies for
vehicle routing heuristics", INFORMS J. Computing 35(3)): once a search of the whole stream has
made its routes, a piece of it — a route drawn at random (every other piece, while visits are left
out, the route serving the visit nearest one of them that has had no piece yet), the routes
nearest it, the visits left out
nearest them, the idle vehicle-shifts — is searched on its own, starting from its routes;
the piece's new routes replace its old ones when PyVRP's objective for them is lower (the rest of
the routes are unchanged, so the whole's objective falls by as much). The search goes from piece
to piece until its stop; on Campo Grande's residual stream every 3 s piece of a 50 s run found
cheaper routes.

Only streams of at least :attr:`SolveParams.decompose_min_jobs` visits are decomposed; the whole's
search keeps :attr:`SolveParams.decompose_whole_share` of the time (and of an iteration budget,
so a seed gives the same plan under one).
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Callable, Sequence

import numpy as np

from routing.params import SolveParams
from routing.solve.model import SlotRoute, StreamProblem
from routing.solve.pyvrp_adapter import improve_piece, solve_stream
from routing.solve.stop import Stop


class _Nearness:
    """How near two sets of jobs are: the mean seconds between them on the roads of the profile
    most of the stream's vehicle-shifts drive (jobs that profile's matrix lacks are left out)."""

    def __init__(self, sub: StreamProblem) -> None:
        profiles = [s.profile for s in sub.slots]
        matrix = sub.matrices[max(sorted(set(profiles)), key=profiles.count)]
        self._time = matrix.time_s
        self._index = np.array([matrix.index.get(j.point_id, -1) for j in sub.jobs])

    def mean_s(self, a: Sequence[int], b: Sequence[int]) -> float:
        rows = self._index[list(a)]
        cols = self._index[list(b)]
        rows, cols = rows[rows >= 0], cols[cols >= 0]
        if not len(rows) or not len(cols):
            return float("inf")
        return float(self._time[np.ix_(rows, cols)].mean())

    def nearest(self, job: int, among: Sequence[int]) -> int | None:
        """Of ``among``, the job nearest ``job``."""
        row = self._index[job]
        cols = self._index[list(among)]
        if row < 0 or not (cols >= 0).any():
            return None
        times = np.where(cols >= 0, self._time[row, np.maximum(cols, 0)], np.inf)
        return int(among[int(times.argmin())])


@dataclasses.dataclass(frozen=True, slots=True)
class _Piece:
    """A piece of a stream problem, and the whole's numbers of its jobs and slots."""

    sub: StreamProblem
    jobs: list[int]
    slots: list[int]

    def in_whole(self, routes: Sequence[SlotRoute]) -> list[SlotRoute]:
        return [
            SlotRoute(
                self.slots[r.slot],
                r.start_s,
                tuple(
                    dataclasses.replace(t, jobs=tuple(self.jobs[k] for k in t.jobs))
                    for t in r.trips
                ),
            )
            for r in routes
        ]


def _jobs(route: SlotRoute) -> list[int]:
    return [k for trip in route.trips for k in trip.jobs]


def _piece(
    sub: StreamProblem,
    routes: Sequence[SlotRoute],
    near: _Nearness,
    rng: random.Random,
    most: int,
    *,
    round_job: int | None = None,
) -> _Piece:
    """A route drawn at random and the routes nearest it, up to ``most`` jobs (at least two
    routes); the left-out jobs nearest them; the idle slots. ``round_job``: a job left out; the
    first route is then the one serving the job nearest it (the piece is made where it may be
    taken in)."""
    served = [k for r in routes for k in _jobs(r)]
    left_out = sorted(set(range(len(sub.jobs))) - set(served))
    first = rng.choice(routes)
    if round_job is not None:
        nearest = near.nearest(round_job, served)
        first = next((r for r in routes if nearest in _jobs(r)), first)
    others = sorted(
        (r for r in routes if r is not first),
        key=lambda r: (near.mean_s(_jobs(first), _jobs(r)), r.slot),
    )
    chosen = [first]
    count = len(_jobs(first))
    for route in others:
        if count >= most and len(chosen) >= 2:
            break
        chosen.append(route)
        count += len(_jobs(route))
    mine = {k for r in chosen for k in _jobs(r)}
    # The visits left out, nearest the piece first: a piece may serve any of them.
    left_out.sort(key=lambda k: (near.mean_s([k], sorted(mine)), k))
    jobs = sorted(mine) + left_out[: max(1, most // 4)]
    busy = {r.slot for r in routes}
    slots = sorted({r.slot for r in chosen} | (set(range(len(sub.slots))) - busy))
    job_no = {k: n for n, k in enumerate(jobs)}
    slot_no = {k: n for n, k in enumerate(slots)}
    warm = tuple(
        SlotRoute(
            slot_no[r.slot],
            r.start_s,
            tuple(dataclasses.replace(t, jobs=tuple(job_no[k] for k in t.jobs)) for t in r.trips),
        )
        for r in sorted(chosen, key=lambda r: r.slot)
    )
    piece = dataclasses.replace(
        sub,
        jobs=tuple(sub.jobs[k] for k in jobs),
        slots=tuple(sub.slots[k] for k in slots),
        warm=warm,
    )
    return _Piece(piece, jobs, slots)


def decomposed_search(
    sub: StreamProblem,
    *,
    stop: Stop,
    seed: int,
    params: SolveParams,
    tick: Callable[[], None] | None = None,
) -> list[SlotRoute]:
    """Routes for ``sub`` by PyVRP: the whole, then pieces of it until ``stop`` (see the
    module); the whole alone below :attr:`SolveParams.decompose_min_jobs` jobs."""
    if len(sub.jobs) < params.decompose_min_jobs:
        return solve_stream(sub, stop=stop, seed=seed, params=params, tick=tick)
    end = time.perf_counter() + stop.time_limit_s
    whole_iterations = None
    if stop.iterations is not None:
        whole_iterations = max(1, round(stop.iterations * params.decompose_whole_share))
    whole = dataclasses.replace(
        stop,
        time_limit_s=stop.time_limit_s * params.decompose_whole_share,
        iterations=whole_iterations,
    )
    routes = sorted(
        solve_stream(sub, stop=whole, seed=seed, params=params, tick=tick),
        key=lambda r: r.slot,
    )
    iterations = None if stop.iterations is None else stop.iterations - (whole_iterations or 0)
    near = _Nearness(sub)
    rng = random.Random(seed)
    number = 0
    tried: set[int] = set()
    while len(routes) >= 2:
        left = min(end - time.perf_counter(), stop.seconds_left())
        if left < params.decompose_min_piece_s or (iterations is not None and iterations <= 0):
            break
        # Every other piece is made round a job left out that has had none made round it.
        served = {k for r in routes for t in r.trips for k in t.jobs}
        fresh = [k for k in range(len(sub.jobs)) if k not in served and k not in tried]
        round_job = rng.choice(fresh) if fresh and number % 2 == 0 else None
        if round_job is not None:
            tried.add(round_job)
        piece = _piece(sub, routes, near, rng, params.decompose_jobs, round_job=round_job)
        number += 1
        piece_stop = Stop(
            min(params.decompose_piece_s, left),
            None if iterations is None else min(params.decompose_piece_iterations, iterations),
        )
        found, done = improve_piece(
            piece.sub, stop=piece_stop, seed=seed + number, params=params, tick=tick
        )
        if iterations is not None:
            iterations -= max(done, 1)
        if found is not None:
            kept = [r for r in routes if r.slot not in set(piece.slots)]
            routes = sorted([*kept, *piece.in_whole(found)], key=lambda r: r.slot)
    return routes
