"""Field types shared by the schemas, and their conversion to the routing model's values.

Clock windows are written ``"HH:MM-HH:MM"`` as in the problem file; vehicle sizes by their
lower-case names (``cart`` … ``heavy``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path
from pydantic import Field

from routing.domain import SizeClass, TimeWindow
from routing.errors import FieldError
from routing.units import format_clock, parse_clock

WindowText = Annotated[
    str,
    Field(
        pattern=r"^\s*\d{1,2}:\d{2}(:\d{2})?\s*-\s*\d{1,2}:\d{2}(:\d{2})?\s*$",
        examples=["04:30-10:30"],
    ),
]
ClockText = Annotated[str, Field(pattern=r"^\d{1,2}:\d{2}(:\d{2})?$", examples=["04:30"])]
#: The largest id the database holds: ids are PostgreSQL ``integer`` (int4) columns.
MAX_ID = 2**31 - 1
#: A record's id in a path; beyond the database's integers it is a 422 naming the parameter
#: (PostgreSQL would refuse the number, SQLite overflow, both a 500).
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
#: A record's id in a body.
BodyId = Annotated[int, Field(ge=1, le=MAX_ID)]
#: C0 and C1 control characters (and DEL): never part of a one-line text.
CONTROLS = "\\x00-\\x1f\\x7f-\\x9f"
#: A one-line text: no control characters. The class is written with ``\xNN`` escapes, which
#: pydantic's (Rust) regex, Python's ``re`` (schemathesis) and JavaScript all read alike.
LINE_PATTERN = f"^[^{CONTROLS}]*$"
#: One line, neither starting nor ending with a blank.
TRIMMED_PATTERN = f"^[^\\s{CONTROLS}]([^{CONTROLS}]*[^\\s{CONTROLS}])?$"
#: Several lines: tabs and line breaks, no other control characters.
TEXT_PATTERN = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]*$"
Code = Annotated[str, Field(min_length=1, max_length=100, pattern=TRIMMED_PATTERN)]
Name = Annotated[str, Field(max_length=200, pattern=LINE_PATTERN)]
#: One line of free text (a driver's reason).
Line = Annotated[str, Field(pattern=LINE_PATTERN)]
#: A name that must be given (a district's).
Title = Annotated[str, Field(min_length=1, max_length=200, pattern=TRIMMED_PATTERN)]
#: A number that must be finite (JSON has no NaN; other inputs may still spell it).
Finite = Annotated[float, Field(allow_inf_nan=False)]
SizeName = Literal["cart", "small", "medium", "large", "heavy"]
Amount = Annotated[int, Field(ge=0, le=2_000_000_000)]
Seconds = Annotated[int, Field(ge=0, le=86_400)]


def size_class(name: str) -> SizeClass:
    """The size class written ``name``."""
    return SizeClass[name.upper()]


def size_name(size: SizeClass) -> SizeName:
    """How ``size`` is written."""
    names: dict[SizeClass, SizeName] = {
        SizeClass.CART: "cart",
        SizeClass.SMALL: "small",
        SizeClass.MEDIUM: "medium",
        SizeClass.LARGE: "large",
        SizeClass.HEAVY: "heavy",
    }
    return names[size]


def clock_of(text: str, field: str) -> int:
    """Seconds since midnight of ``"HH:MM"``; a :class:`FieldError` on ``field`` otherwise."""
    try:
        return parse_clock(text)
    except ValueError as error:
        raise FieldError(field, str(error)) from None


def window_of(text: str, field: str) -> TimeWindow:
    """The window ``"HH:MM-HH:MM"``; a :class:`FieldError` on ``field`` otherwise."""
    start, _, end = text.partition("-")
    start_s, end_s = clock_of(start, field), clock_of(end, field)
    if end_s < start_s:
        raise FieldError(field, f"{text!r} ends before it starts")
    return TimeWindow(start_s, end_s)


def windows_of(texts: list[str], field: str) -> tuple[TimeWindow, ...]:
    """Windows from texts; at least one, as the routing model requires."""
    if not texts:
        raise FieldError(field, "must list at least one window HH:MM-HH:MM")
    return tuple(window_of(text, field) for text in texts)


def window_text(window: TimeWindow) -> str:
    """``"HH:MM-HH:MM"`` for ``window``."""
    return f"{format_clock(window.start_s)}-{format_clock(window.end_s)}"


def window_texts(windows: tuple[TimeWindow, ...]) -> list[str]:
    """Texts of ``windows``."""
    return [window_text(window) for window in windows]
