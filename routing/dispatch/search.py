"""Placing and moving visits among the drafts of a :class:`~routing.dispatch.day.Day`.

A :class:`Search` puts together what a change needs: the :class:`~routing.dispatch.ledger.Ledger`
(each draft's objective value, change count and facility loads), the
:class:`~routing.dispatch.placement.Placement` (where a visit may go, timed in full so that every
change kept keeps the rules) and the :class:`~routing.dispatch.relocation.Relocation` (moving
placed visits); on them it places many visits by regret, settles the day-wide limits, and
closes or splits routes. Every change is judged by an
:class:`~routing.dispatch.objective.Objective`.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterable

from routing.dispatch.day import Day
from routing.dispatch.ledger import Ledger
from routing.dispatch.objective import EPSILON, Objective
from routing.dispatch.placement import Option, Placement
from routing.dispatch.relocation import Relocation
from routing.dispatch.requests import VisitKey


def settle_deadline(time_limit_s: float) -> float:
    """When placing again what settling gives back must stop: a tenth of the operation's time
    limit from now, at least 2 s (settling runs after the search's own deadline)."""
    return time.perf_counter() + max(2.0, 0.1 * time_limit_s)


class Search:
    """Insertion and relocation over a day's drafts, judged by an :class:`Objective`."""

    def __init__(self, day: Day, objective: Objective) -> None:
        self.day = day
        self.objective = objective
        self.ledger = Ledger(day, objective)
        self.placement = Placement(self.ledger)
        self.relocation = Relocation(self.ledger, self.placement)

    def apply(self, option: Option) -> None:
        """Make the change ``option`` describes."""
        self.ledger.put(option.index, option.draft, option.timed)

    def relocate(
        self,
        keys: Iterable[VisitKey],
        *,
        deadline: float,
        rng: random.Random,
        rounds: int = 3,
        extra_drafts: Iterable[int] = (),
    ) -> int:
        """See :meth:`~routing.dispatch.relocation.Relocation.relocate`."""
        return self.relocation.relocate(
            keys, deadline=deadline, rng=rng, rounds=rounds, extra_drafts=extra_drafts
        )

    def total(self) -> float:
        """The objective over every draft."""
        return self.ledger.total()

    def insert_pool(self, keys: Iterable[VisitKey], *, deadline: float) -> list[VisitKey]:
        """Place ``keys`` by regret (the visit that loses most if left to later goes first);
        returns those no draft could take.

        Each visit's best place per draft is kept with the draft's version. When a draft takes
        a visit, only the waiting visits near it, and the same point's other visits (FQ), look at
        it again at once; any other visit's place there is looked at again when it is about to
        be chosen (a draft that takes visits only gets fuller, so an old place is no worse than
        the truth, and is never applied without being timed again)."""
        pending = list(dict.fromkeys(keys))
        drafts = range(len(self.day.drafts))
        table: dict[VisitKey, dict[int, tuple[Option | None, int]]] = {
            key: {i: (self.placement.best(key, i), self.ledger.version[i]) for i in drafts}
            for key in pending
        }
        while pending and time.perf_counter() < deadline:
            chosen: tuple[float, float, VisitKey] | None = None
            for key in pending:
                found = sorted(
                    (o for o, _v in table[key].values() if o is not None), key=lambda o: o.delta
                )
                if not found:
                    continue
                regret = found[1].delta - found[0].delta if len(found) > 1 else math.inf
                rank = (-regret, found[0].delta, key)
                if chosen is None or rank < chosen:
                    chosen = rank
            if chosen is None:
                break
            key = chosen[2]
            top = sorted(
                ((o, v) for o, v in table[key].values() if o is not None), key=lambda e: e[0].delta
            )[:2]
            stale = [o.index for o, v in top if v != self.ledger.version[o.index]]
            if stale:
                for index in stale:
                    table[key][index] = (
                        self.placement.best(key, index),
                        self.ledger.version[index],
                    )
                continue
            option = top[0][0]
            if not self.ledger.put_if_the_day_fits(option.index, option.draft, option.timed):
                table[key][option.index] = (None, self.ledger.version[option.index])
                continue
            pending.remove(key)
            del table[key]
            near = set(self.relocation.neighbours(key[0]))
            for other in pending:
                if other[0] == key[0]:  # FQ: the point's other visits see a new shift taken
                    table[other] = {
                        i: (self.placement.best(other, i), self.ledger.version[i]) for i in drafts
                    }
                elif other[0] in near:
                    table[other][option.index] = (
                        self.placement.best(other, option.index),
                        self.ledger.version[option.index],
                    )
        return pending

    def settle(self, *, deadline: float, rounds: int = 20) -> None:
        """Keep facilities and stations within their limits (CT3, TH): the day settles
        (:meth:`routing.dispatch.day.Day.settle`), and the visits it gives back are placed
        again where they fit."""
        for _ in range(rounds):
            waiting = set(self.day.pool)
            self.day.settle()
            self.ledger.recount()
            given_back = [k for k in self.day.pool if k not in waiting]
            if not given_back:
                return
            self.insert_pool(given_back, deadline=deadline)

    def place(
        self, keys: Iterable[VisitKey], *, deadline: float, seed: int, rounds: int
    ) -> tuple[int, int]:
        """Place ``keys`` by regret, then move them where the objective falls most; returns
        (visits placed, moves made)."""
        keys = list(keys)
        self.insert_pool(keys, deadline=deadline)
        placed = [k for k in keys if k in self.day.at]
        moves = self.relocation.relocate(
            placed, deadline=deadline, rng=random.Random(seed), rounds=rounds
        )
        return len(placed), moves

    def close(self, index: int, *, deadline: float) -> bool:
        """Try to give all of draft ``index``'s flexible visits to other drafts; keep the result
        if every visit found a place and the objective fell, else go back. Returns whether it was
        kept."""
        draft = self.day.drafts[index]
        if not draft.movable or draft.pinned or any(t.locked for t in draft.flex):
            return False
        keys = list(draft.flex_visits())
        if not keys:
            return False
        saved, before = self.ledger.snapshot(), self.ledger.total()
        emptied = draft.copy()
        emptied.flex = emptied.flex[:1] if emptied.open_trip is not None else []
        for trip in emptied.flex:
            trip.visits = []
        timed = self.day.timer.time(emptied)
        if timed is None:
            return False
        self.ledger.put(index, emptied, timed)
        self.day.pool.extend(keys)
        self.day.drafts[index].closed = True  # the visits go elsewhere, not back here
        left = self.insert_pool(keys, deadline=deadline)
        self.day.drafts[index].closed = False
        if left or self.ledger.total() >= before - EPSILON:
            self.ledger.restore(saved)
            return False
        return True

    def split(self, index: int, target: int, *, deadline: float) -> bool:
        """Give the last flexible trip of draft ``index`` (the second half of it, if it is the
        only one) to the empty draft ``target`` (a free vehicle-shift), then let the visits of
        every draft move where the objective falls most, the new route among their places; keep
        the result if the objective fell, else go back.

        Balance needs it where the routes of a kind are all long: single moves never open a
        route, as a route of one visit is far below the mean working time."""
        draft = self.day.drafts[index]
        if not draft.movable or not draft.flex or self.day.timed[target].route is not None:
            return False
        last = draft.flex[-1]
        # A route of one trip gives the second half of it.
        keys = list(last.visits) if len(draft.flex) > 1 else last.visits[len(last.visits) // 2 :]
        if last.locked or not keys or any(k in self.placement.pinned for k in keys):
            return False
        saved, before = self.ledger.snapshot(), self.ledger.total()
        shortened = draft.copy()
        shortened.flex[-1].visits = [k for k in last.visits if k not in keys]
        shortened.tidy()
        timed = self.day.timer.time(shortened)
        if timed is None:
            return False
        self.ledger.put(index, shortened, timed)
        for key in keys:
            option = self.placement.best(key, target)
            if option is None or not self.ledger.put_if_the_day_fits(
                option.index, option.draft, option.timed
            ):
                self.ledger.restore(saved)
                return False
        movable = [k for d in self.day.drafts if d.movable for k in d.flex_visits()]
        self.relocation.relocate(
            movable, deadline=deadline, rng=random.Random(index), rounds=1, extra_drafts=[target]
        )
        if self.ledger.total() >= before - EPSILON or self.day.first_overflow() is not None:
            self.ledger.restore(saved)
            return False
        return True
