"""Sectors: a stream too large for one search is cut into sweeps round the depot.

HGS on one core improves a 7,000-visit instance only slowly, and its matrices grow with the square
of the visits. A city's largest stream is therefore split: the visits only the smallest vehicles can
reach (the old town's lanes) go with those vehicles, and the rest is cut into angular sectors round
the depots of about :data:`SECTOR_JOBS` visits each, equal by weight, each with a share of the
stream's vehicle-shifts in proportion to its weight, shift by shift. Districts below the size are
never split. What a sector's search leaves out, the insertion and greedy fill that follow may still
put on any route of the stream.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from routing.params import SolveParams
from routing.problem import Problem
from routing.solve.model import Job, Slot

Piece = tuple[tuple[Job, ...], tuple[Slot, ...]]


def split_jobs(
    problem: Problem, jobs: Sequence[Job], slots: Sequence[Slot], most: int | None = None
) -> list[Piece]:
    """``jobs`` and ``slots`` in pieces of at most about ``most`` jobs
    (:attr:`SolveParams.sector_jobs` unless given); one piece if they fit."""
    most = most or SolveParams().sector_jobs
    if len(jobs) <= most or not slots:
        return [(tuple(jobs), tuple(slots))]
    sizes = sorted({s.size for s in slots})
    pieces: list[Piece] = []
    wide, trucks = list(jobs), list(slots)
    if len(sizes) > 1:
        # Visits no vehicle but the smallest can reach, with the smallest vehicles.
        narrow = [j for j in jobs if j.max_size < sizes[1]]
        small = [s for s in slots if s.size == sizes[0]]
        if narrow:
            wide = [j for j in jobs if j.max_size >= sizes[1]]
            trucks = [s for s in slots if s.size != sizes[0]]
            pieces += _sweep(problem, narrow, small, most)
    if wide:
        pieces += _sweep(problem, wide, trucks, most)
    return [p for p in pieces if p[0]]


def _sweep(problem: Problem, jobs: list[Job], slots: list[Slot], most: int) -> list[Piece]:
    count = math.ceil(len(jobs) / most)
    if count <= 1 or len(slots) < count:
        return [(tuple(jobs), tuple(slots))]
    depots = [problem.depot_by_id[i].location for i in sorted({s.depot_id for s in slots})]
    lon0 = sum(d.lon for d in depots) / len(depots)
    lat0 = sum(d.lat for d in depots) / len(depots)
    squeeze = math.cos(math.radians(lat0))

    def angle(job: Job) -> float:
        where = problem.point_by_id[job.point_id].location
        return math.atan2(where.lat - lat0, (where.lon - lon0) * squeeze)

    ordered = sorted(jobs, key=lambda j: (angle(j), j.point_id, j.visit))
    # Start the sweep after the widest empty arc, so no sector wraps round a gap.
    angles = [angle(j) for j in ordered]
    gaps = [b - a for a, b in itertools.pairwise(angles)]
    gaps.append(angles[0] + 2 * math.pi - angles[-1])
    start = (max(range(len(gaps)), key=gaps.__getitem__) + 1) % len(ordered)
    ordered = ordered[start:] + ordered[:start]
    total = sum(max(1, j.kg) for j in ordered)
    groups: list[list[Job]] = [[] for _ in range(count)]
    running = 0
    for job in ordered:
        sector = min(count - 1, running * count // total)
        groups[sector].append(job)
        running += max(1, job.kg)
    weights = [sum(max(1, j.kg) for j in g) / total for g in groups]
    # Deal the slots shift by shift, each to the sector furthest below its share so far.
    dealt: list[list[Slot]] = [[] for _ in range(count)]
    ranked = sorted(
        slots, key=lambda s: (s.start_s, s.shift_id, s.profile, -s.capacity_kg, s.vehicle_id)
    )
    for number, slot in enumerate(ranked, start=1):
        sector = max(range(count), key=lambda i: weights[i] * number - len(dealt[i]))
        dealt[sector].append(slot)
    return [(tuple(g), tuple(d)) for g, d in zip(groups, dealt, strict=True)]
