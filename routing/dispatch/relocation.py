"""Moving visits already placed to where the objective falls most.

A visit may move to any place in its own route, and to the routes of the nearest points of its
stream (the parameters' ``relocate_neighbours``); a move is kept when it lowers the objective and the day's
facilities and stations stay within their limits. Locked and fixed visits never move.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable

import numpy as np
from scipy.spatial import cKDTree

from routing.dispatch.ledger import Ledger
from routing.dispatch.objective import EPSILON, local_xy
from routing.dispatch.placement import Option, Placement
from routing.dispatch.requests import VisitKey
from routing.domain import WasteStream


class Relocation:
    """Moves of visits among the drafts a :class:`~routing.dispatch.ledger.Ledger` keeps, to
    places its :class:`~routing.dispatch.placement.Placement` finds."""

    def __init__(self, ledger: Ledger, placement: Placement) -> None:
        self.ledger = ledger
        self.placement = placement
        self.day = ledger.day
        self._near: dict[str, list[str]] | None = None

    def neighbours(self, point_id: str) -> list[str]:
        """The nearest points of the same stream as ``point_id``, nearest first."""
        if self._near is None:
            problem = self.day.problem
            xy = local_xy(problem.points)
            self._near = {}
            for stream in WasteStream:
                ids = [p.id for p in problem.points if p.stream is stream]
                if not ids:
                    continue
                coords = np.array([xy[i] for i in ids])
                tree = cKDTree(coords)
                k = min(self.day.timer.params.relocate_neighbours + 1, len(ids))
                _dist, near = tree.query(coords, k=k)
                near = np.asarray(near).reshape(len(ids), k)
                for row, pid in enumerate(ids):
                    self._near[pid] = [ids[int(n)] for n in near[row] if ids[int(n)] != pid]
        return self._near.get(point_id, [])

    def _candidate_drafts(self, key: VisitKey, home: int) -> set[int]:
        found = {home}
        point = self.day.problem.point_by_id[key[0]]
        for other in self.neighbours(point.id):
            for visit in range(self.day.problem.point_by_id[other].visits_per_day):
                index = self.day.at.get((other, visit))
                if index is not None and self.day.drafts[index].movable:
                    found.add(index)
        return found

    def relocate(
        self,
        keys: Iterable[VisitKey],
        *,
        deadline: float,
        rng: random.Random,
        rounds: int = 3,
        extra_drafts: Iterable[int] = (),
    ) -> int:
        """Move flexible visits of ``keys`` to where the objective falls most, round after
        round until no move helps, ``rounds`` are done or the deadline passes; returns the
        number of moves made. Locked and fixed visits never move."""
        moves = 0
        extra = set(extra_drafts)
        keys = list(dict.fromkeys(keys))
        for _ in range(rounds):
            improved = False
            rng.shuffle(keys)
            for key in keys:
                if time.perf_counter() > deadline:
                    return moves
                if self._relocate_one(key, extra):
                    moves += 1
                    improved = True
            if not improved:
                break
        return moves

    def _relocate_one(self, key: VisitKey, extra: set[int]) -> bool:
        day = self.day
        home = day.at.get(key)
        if home is None:
            return False
        draft = day.drafts[home]
        if not draft.movable:
            return False
        trip_at = next((j for j, t in enumerate(draft.flex) if key in t.visits), None)
        if trip_at is None or draft.flex[trip_at].locked:
            return False
        removed = draft.copy()
        removed.flex[trip_at].visits.remove(key)
        removed.tidy()
        timed_removed = day.timer.time(removed)
        if timed_removed is None:
            return False
        removed_score = self.ledger.objective.score(timed_removed)
        gain = self.ledger.scores[home] - removed_score
        best: Option | None = None
        targets = (
            {home} if key in self.placement.pinned else self._candidate_drafts(key, home) | extra
        )
        for index in sorted(targets):
            if index == home:
                found = self.placement.options(
                    key, index, base=removed, base_score=removed_score, base_timed=timed_removed
                )
            else:
                if self.placement.refusal(key, index) is not None:
                    continue
                found = self.placement.options(key, index)
            if found and (best is None or found[0].delta < best.delta):
                best = found[0]
        if best is None or best.delta - gain >= -EPSILON:
            return False
        old = [(i, day.drafts[i], day.timed[i]) for i in {home, best.index}]
        if best.index != home:
            self.ledger.put(home, removed, timed_removed)
        self.ledger.put(best.index, best.draft, best.timed)
        if day.first_overflow() is None:
            return True
        for index, draft_before, timed_before in old:
            self.ledger.put(index, draft_before, timed_before)
        return False
