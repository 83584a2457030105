"""Reading fields of records from JSON-like dicts, each failure a :class:`FieldError`."""

from __future__ import annotations

import enum
import json
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from routing.domain import TimeWindow
from routing.errors import Defect, FieldError, ProblemError, RecordError
from routing.units import parse_clock

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)

MISSING: Any = object()


def get(
    raw: Mapping[str, Any], name: str, convert: Callable[[Any, str], T], default: Any = MISSING
) -> T:
    """Field ``name`` of ``raw`` converted by ``convert``; a default when absent, else an error."""
    if name not in raw or raw[name] is None:
        if default is MISSING:
            raise FieldError(name, "is required")
        return default  # type: ignore[no-any-return]
    return convert(raw[name], name)


class Fields:
    """Reads the fields of one record, gathering every conversion error before building it.

    Each call converts one field (``None`` when it fails); :meth:`make` builds an object from the
    fields that were read, and :meth:`result` raises one error naming every bad field.
    """

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.errors: list[FieldError] = []

    def __call__(self, name: str, convert: Callable[[Any, str], T], default: Any = MISSING) -> T:
        try:
            return get(self.raw, name, convert, default)
        except FieldError as error:
            self.errors.append(error)
            return None  # type: ignore[return-value]

    def make(self, build: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``build(*args, **kwargs)`` unless an argument could not be read (is None); the
        object's own checks are gathered too, so every bad field of the record is named."""
        if any(a is None for a in args) or any(v is None for v in kwargs.values()):
            return None  # type: ignore[return-value]
        try:
            return build(*args, **kwargs)
        except RecordError as error:
            self.errors.extend(error.errors)
        except FieldError as error:
            self.errors.append(error)
        return None  # type: ignore[return-value]

    def result(self, value: T) -> T:
        """``value``, or one error naming every bad field of the record."""
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise RecordError(self.errors)
        return value


def text(value: Any, name: str) -> str:
    """A string field."""
    if not isinstance(value, str):
        raise FieldError(name, f"must be a text, got {value!r}")
    return value


#: The largest magnitude of an integer field (metres, seconds, kilograms, litres, fen): what the
#: databases' integer columns hold, far beyond any real quantity of a district's day.
MAX_INTEGER = 2**31 - 1


def integer(value: Any, name: str) -> int:
    """An integer field of magnitude at most :data:`MAX_INTEGER`; a float with no fraction is
    accepted (JSON writers produce ``5.0``)."""
    if isinstance(value, bool):
        raise FieldError(name, f"must be an integer, got {value!r}")
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        raise FieldError(name, f"must be an integer, got {value!r:.40}")
    if abs(value) > MAX_INTEGER:
        raise FieldError(name, f"must be at most {MAX_INTEGER:,} in size, got {value:.3g}")
    return value


def number(value: Any, name: str) -> float:
    """A finite number field."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise FieldError(name, f"must be a number, got {value!r}")
    return float(value)


def boolean(value: Any, name: str) -> bool:
    """A true/false field."""
    if not isinstance(value, bool):
        raise FieldError(name, f"must be true or false, got {value!r}")
    return value


def clock_value(value: Any, name: str) -> int:
    """A clock time: ``"HH:MM"`` text or seconds since midnight."""
    if isinstance(value, str):
        try:
            return parse_clock(value)
        except ValueError as error:
            raise FieldError(name, str(error)) from None
    return integer(value, name)


def window(value: Any, name: str) -> TimeWindow:
    """A time window: ``"HH:MM-HH:MM"`` text or a pair of clock values."""
    if isinstance(value, str):
        parts = value.replace("–", "-").split("-")
        if len(parts) != 2:
            raise FieldError(name, f"{value!r} is not a window HH:MM-HH:MM")
        start, end = (clock_value(part, name) for part in parts)
    elif isinstance(value, list | tuple) and len(value) == 2:
        start, end = (clock_value(part, name) for part in value)
    else:
        raise FieldError(name, f"{value!r} is not a window HH:MM-HH:MM")
    try:
        return TimeWindow(start, end)
    except FieldError as error:
        raise FieldError(name, f"{value!r}: {error.field} {error.message}") from None


def windows(value: Any, name: str) -> tuple[TimeWindow, ...]:
    """A list of time windows (a single window is accepted too)."""
    if isinstance(value, str):
        return (window(value, name),)
    if not isinstance(value, list | tuple) or not value:
        raise FieldError(name, "must be a non-empty list of windows HH:MM-HH:MM")
    return tuple(window(item, name) for item in value)


def enum_value(kind: type[E]) -> Callable[[Any, str], E]:
    """A converter to a member of ``kind`` by its value (for IntEnum: by its lower-case name)."""

    def convert(value: Any, name: str) -> E:
        for member in kind:
            key = member.name.lower() if isinstance(member.value, int) else member.value
            if value == key:
                return member
        allowed = ", ".join(
            member.name.lower() if isinstance(member.value, int) else str(member.value)
            for member in kind
        )
        raise FieldError(name, f"{value!r} is not one of: {allowed}")

    return convert


def enum_set(kind: type[E]) -> Callable[[Any, str], frozenset[E]]:
    """A converter of a list of enum values to a frozenset."""
    one = enum_value(kind)

    def convert(value: Any, name: str) -> frozenset[E]:
        if not isinstance(value, list | tuple):
            raise FieldError(name, "must be a list")
        return frozenset(one(item, name) for item in value)

    return convert


def enum_text(member: enum.Enum) -> str:
    """How an enum member is written in files (the inverse of :func:`enum_value`)."""
    return member.name.lower() if isinstance(member.value, int) else str(member.value)


def read_json(path: Path, *, kind: type[ProblemError] = ProblemError) -> Any:
    """The JSON value in ``path``; a file that is not JSON is a ``kind`` error naming line and column."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise kind([Defect(where, "json", error.msg)], source=str(path)) from None
    except UnicodeDecodeError:
        raise kind([Defect("file", "encoding", "is not UTF-8 text")], source=str(path)) from None
