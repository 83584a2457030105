"""The error of a dispatch request that cannot be carried out."""

from __future__ import annotations

from collections.abc import Iterable

from routing.errors import HuanweiError


class DispatchError(HuanweiError, ValueError):
    """A dispatch request is valid but cannot be carried out; ``reasons`` say why.

    Bad input (an unknown vehicle, a visit not in the plan) is a
    :class:`~routing.errors.ProblemError` naming the record and the field instead.
    """

    def __init__(self, message: str, *, reasons: Iterable[str] = ()) -> None:
        self.message = message
        self.reasons = tuple(reasons)
        shown = "".join(f"\n  - {r}" for r in self.reasons)
        super().__init__(f"{message}{shown}")
