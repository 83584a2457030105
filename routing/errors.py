"""Domain errors.

Every error that comes from bad input names the record and the field, so that a dispatcher can find
and fix the line in their own file. Errors subclass :class:`ValueError` (bad values), following osmnx.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class HuanweiError(Exception):
    """Base class of every error Huanwei raises on purpose."""


class FieldError(HuanweiError, ValueError):
    """One field of one record holds a bad value.

    Parameters
    ----------
    field
        Name of the offending field, as it is spelt in files and in the data class.
    message
        One sentence saying what is wrong and what is expected.
    record
        The record, e.g. ``"collection point P17"``; filled in by the caller that knows it.
    """

    def __init__(self, field: str, message: str, *, record: str = "") -> None:
        self.field = field
        self.message = message
        self.record = record
        super().__init__(self._text())

    def _text(self) -> str:
        where = f"{self.record}: " if self.record else ""
        return f"{where}{self.field}: {self.message}"

    def at(self, record: str) -> FieldError:
        """The same error, attributed to ``record``."""
        return FieldError(self.field, self.message, record=record)


class RecordError(FieldError):
    """Several fields of one record hold bad values; ``errors`` lists each."""

    def __init__(self, errors: Iterable[FieldError], *, record: str = "") -> None:
        self.errors = tuple(errors)
        first = self.errors[0]
        super().__init__(first.field, first.message, record=record)
        self.args = ("; ".join(f"{e.field}: {e.message}" for e in self.errors),)

    def _text(self) -> str:
        where = f"{self.record}: " if self.record else ""
        return where + "; ".join(f"{e.field}: {e.message}" for e in self.errors)

    def at(self, record: str) -> FieldError:
        return RecordError(self.errors, record=record)


@dataclass(frozen=True, slots=True)
class Defect:
    """One defect found while checking input: which record, which field, what is wrong."""

    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.record}: {self.field}: {self.message}"


class ProblemError(HuanweiError, ValueError):
    """A problem (or a file describing one) has one or more defects.

    All defects are gathered first and reported together, one per line, so that a user fixes a
    file in one pass instead of one error at a time.
    """

    def __init__(self, defects: Iterable[Defect], *, source: str = "problem") -> None:
        self.defects = tuple(defects)
        self.source = source
        lines = "\n".join(f"  - {d}" for d in self.defects)
        count = len(self.defects)
        noun = "defect" if count == 1 else "defects"
        super().__init__(f"{source} has {count} {noun}:\n{lines}")


class PlanFormatError(ProblemError):
    """A plan file cannot be read: it is not the documented plan JSON form."""


class DefectCollector:
    """Gathers defects while a loader or a validation walks many records."""

    def __init__(self) -> None:
        self.defects: list[Defect] = []

    def add(self, record: str, field: str, message: str) -> None:
        """Record one defect."""
        self.defects.append(Defect(record, field, message))

    def add_error(self, record: str, error: FieldError) -> None:
        """Record a :class:`FieldError` (or each of :class:`RecordError`) raised for ``record``."""
        for one in error.errors if isinstance(error, RecordError) else (error,):
            self.add(error.record or record, one.field, one.message)

    def raise_if_any(
        self, *, source: str = "problem", kind: type[ProblemError] = ProblemError
    ) -> None:
        """Raise one error listing every defect, if there are any."""
        if self.defects:
            raise kind(self.defects, source=source)
