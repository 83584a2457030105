"""Reading a scenario document's tables: each defect named by its line (when known) and field.

Scenario and siting files share it, with the bounds their figures must keep.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from routing import fields as p
from routing.errors import DefectCollector, FieldError
from scenarios.toml_lines import Lines
from scenarios.toml_lines import Path as KeyPath

T = TypeVar("T")


class TableReader:
    """Reads tables of a scenario document, gathering defects with their lines."""

    def __init__(self, lines: Lines, defects: DefectCollector) -> None:
        self.lines = lines
        self.defects = defects

    def where(self, path: KeyPath, label: str) -> str:
        line = self.lines.of(path)
        return f"line {line}: {label}" if line is not None else label

    def add(self, path: KeyPath, label: str, field_name: str, message: str) -> None:
        self.defects.add(self.where((*path, field_name), label), field_name, message)

    def table(self, raw: Any, path: KeyPath, label: str, allowed: set[str]) -> Mapping[str, Any]:
        if not isinstance(raw, Mapping):
            self.defects.add(self.where(path, label), label, "must be a table")
            return {}
        for key in sorted(set(raw) - allowed):
            known = ", ".join(sorted(allowed))
            self.add(path, label, str(key), f"is not a field here (known: {known})")
        return raw

    def get(
        self,
        raw: Mapping[str, Any],
        path: KeyPath,
        label: str,
        name: str,
        convert: Callable[[Any, str], T],
        default: Any = p.MISSING,
    ) -> T:
        try:
            return p.get(raw, name, convert, default)
        except FieldError as error:
            self.add(path, label, error.field, error.message)
            return None  # type: ignore[return-value]


#: Largest figure a scenario may give (t, min, h, km, counts): beyond it, a typo.
LARGEST = 100_000


def positive_number(value: Any, name: str) -> float:
    """A field's number above 0 and at most :data:`LARGEST`, or a :class:`FieldError` naming it."""
    number = p.number(value, name)
    if number <= 0 or number > LARGEST:
        raise FieldError(name, f"must be more than 0 and at most {LARGEST:,}, got {number:g}")
    return number


def non_negative_int(value: Any, name: str) -> int:
    """A field's whole number from 0 to :data:`LARGEST`, or a :class:`FieldError` naming it."""
    number = p.integer(value, name)
    if number < 0 or number > LARGEST:
        raise FieldError(name, f"must be 0 or more and at most {LARGEST:,}, got {number}")
    return number
