"""What a search keeps about the drafts of a day as it changes them.

Each draft's value under the :class:`~routing.dispatch.objective.Objective`, how often each draft
has changed (so that a place found in a draft can be known to be stale), and the kg each
facility takes (so that a place is only offered where the facility has room). Every change to a
draft goes through :meth:`Ledger.put`, which keeps the three true.
"""

from __future__ import annotations

from routing.dispatch.day import Day
from routing.dispatch.draft import Draft, Timed
from routing.dispatch.objective import Objective
from routing.dispatch.requests import VisitKey

Snapshot = tuple[list[Draft], list[Timed], list[VisitKey]]


class Ledger:
    """A day's drafts with their objective values (``scores``), change counts (``version``) and
    the kg each facility takes (``taken``)."""

    def __init__(self, day: Day, objective: Objective) -> None:
        self.day = day
        self.objective = objective
        self.scores = [objective.score(t) for t in day.timed]
        self.version = [0] * len(day.drafts)  # how often each draft has changed
        self.taken = day.facility_kg()

    def put(self, index: int, draft: Draft, timed: Timed) -> None:
        """Put ``draft`` (timed) in place of draft ``index``, keeping scores and facility loads."""
        self._count(self.day.timed[index], -1)
        self.day.replace(index, draft, timed)
        self.scores[index] = self.objective.score(timed)
        self._count(timed, +1)
        self.version[index] += 1

    def put_if_the_day_fits(self, index: int, draft: Draft, timed: Timed) -> bool:
        """:meth:`put`, unless it overfills a facility or a station (CT3, TH)."""
        old = (self.day.drafts[index], self.day.timed[index])
        self.put(index, draft, timed)
        if self.day.first_overflow() is None:
            return True
        self.put(index, *old)
        return False

    def _count(self, timed: Timed, sign: int) -> None:
        for trip in timed.route.trips if timed.route else ():
            if trip.unload is not None:
                fid = trip.unload.facility_id
                self.taken[fid] = self.taken.get(fid, 0) + sign * trip.unload.kg

    def recount(self) -> None:
        """Read everything again after the day changed by itself (it settled): every draft
        counts as changed."""
        self.scores = [self.objective.score(t) for t in self.day.timed]
        self.version = [v + 1 for v in self.version]
        self.taken = self.day.facility_kg()

    def snapshot(self) -> Snapshot:
        """The drafts, their timings and the pool, to :meth:`restore` after a trial."""
        return [d.copy() for d in self.day.drafts], list(self.day.timed), list(self.day.pool)

    def restore(self, saved: Snapshot) -> None:
        """Go back to a :meth:`snapshot`."""
        drafts, timed, pool = saved
        for index, (draft, one) in enumerate(zip(drafts, timed, strict=True)):
            self.put(index, draft, one)
        self.day.pool = list(pool)

    def total(self) -> float:
        """The objective over every draft."""
        return sum(self.scores)
