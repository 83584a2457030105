"""Which stream each vehicle-shift slot carries: work estimates, then CP-SAT (ortools adapter)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from routing.domain import WasteStream
from routing.problem import Problem
from routing.solve.jobs import carriers, dumps_for
from routing.solve.model import Job, Slot
from routing.solve.ortools_allocation import Need, Offer, allocate_slots
from routing.solve.stop import Stop

STREAMS = list(WasteStream)
UNREACHABLE_S = 10**8  # legs this long are closed roads, not work


def nearest_legs_s(problem: Problem, jobs: Sequence[Job], profile: str) -> NDArray[np.float64]:
    """Per job, seconds to the nearest other job's point (0 where none is reachable)."""
    matrix = problem.travel[profile]
    index = np.array([matrix.index[j.point_id] for j in jobs])
    legs = matrix.time_s[np.ix_(index, index)].astype(np.float64)
    np.fill_diagonal(legs, np.inf)
    legs[legs == 0] = np.inf  # a second visit of the same point is no leg
    legs[legs >= UNREACHABLE_S] = np.inf
    nearest = legs.min(axis=1)
    result: NDArray[np.float64] = np.where(np.isfinite(nearest), nearest, 0.0)
    return result


def dump_leg_s(problem: Problem, stream: WasteStream, jobs: Sequence[Job], profile: str) -> float:
    """Median seconds from a job to its nearest dump (0 without dumps)."""
    dumps = dumps_for(problem, stream)
    if not dumps or not jobs:
        return 0.0
    matrix = problem.travel[profile]
    index = np.array([matrix.index[j.point_id] for j in jobs])
    dump_index = np.array([matrix.index[d.facility_id] for d in dumps])
    reach = matrix.time_s[np.ix_(index, dump_index)].min(axis=1)
    reach = reach[reach < UNREACHABLE_S]
    return float(np.median(reach)) if len(reach) else 0.0


def estimate_work_s(
    problem: Problem, stream: WasteStream, jobs: Sequence[Job], profile: str
) -> int:
    """Seconds of work to serve ``jobs``: service, a leg to the nearest other job each, and per
    truckload a return drive to the nearest dump plus tipping."""
    if not jobs:
        return 0
    nearest = nearest_legs_s(problem, jobs, profile)
    dumps = dumps_for(problem, stream)
    to_dump = dump_leg_s(problem, stream, jobs, profile)
    tipping = float(np.mean([d.tipping_s for d in dumps])) if dumps else 0.0
    capacity = max((problem.vehicle_type_of(v).capacity_kg for v in problem.vehicles), default=1)
    loads = sum(j.kg for j in jobs) / capacity + 1
    return int(sum(j.service_s for j in jobs) + nearest.sum() + loads * (2 * to_dump + tipping))


def allocate(
    problem: Problem,
    jobs: Mapping[WasteStream, Sequence[Job]],
    slots: Sequence[Slot],
    *,
    seed: int = 0,
    stop: Stop | None = None,
    work: float = 2.0,
) -> list[WasteStream | None]:
    """The stream each slot carries (None: idle); ``stop`` (5 s when None) and ``work`` as in
    :func:`~routing.solve.ortools_allocation.allocate_slots`."""
    shifts = sorted(problem.shifts, key=lambda sh: sh.start_s)

    def shifts_of(job: Job) -> frozenset[int]:
        return frozenset(
            k for k, sh in enumerate(shifts) if job.tw_start < sh.end_s and job.tw_end >= sh.start_s
        )

    subsets = [
        frozenset(k for k in range(len(shifts)) if mask >> k & 1)
        for mask in range(1, 2 ** len(shifts))
    ]
    needs: list[Need] = []
    for stream, stream_jobs in jobs.items():
        if not stream_jobs or not any(carriers(problem, s, stream) for s in slots):
            continue
        allowed = [shifts_of(j) for j in stream_jobs]
        # Hall-type conditions: the jobs that only small vehicles reach, or only some shifts can
        # serve, need that much supply from exactly those slots.
        for size in sorted({j.max_size for j in stream_jobs}):
            # Estimate on the roads of the vehicles that reach these jobs.
            profiles = [s.profile for s in slots if carriers(problem, s, stream) and s.size <= size]
            if not profiles:
                continue
            profile = max(sorted(set(profiles)), key=profiles.count)
            for subset in subsets:
                reach = [
                    j
                    for j, a in zip(stream_jobs, allowed, strict=True)
                    if j.max_size <= size and a <= subset
                ]
                if reach:
                    work = estimate_work_s(problem, stream, reach, profile)
                    needs.append(Need(STREAMS.index(stream), size, work, subset))
    shift_index = {sh.id: k for k, sh in enumerate(shifts)}
    offers = [
        Offer(
            s.size,
            s.end_s - s.start_s,
            shift_index[s.shift_id],
            frozenset(STREAMS.index(st) for st in jobs if carriers(problem, s, st)),
        )
        for s in slots
    ]
    chosen = allocate_slots(needs, offers, stop=stop or Stop(5.0), seed=seed, work=work)
    return [None if c is None else STREAMS[c] for c in chosen]
