"""Field types shared by the schemas, and their conversion to the routing model's values.

Clock windows are written ``"HH:MM-HH:MM"`` as in the problem file; vehicle sizes by their
lower-case names (``cart`` … ``heavy``).
"""

from __future__ import annotations

from typing import Annotated, Literal

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
Code = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^\S(.*\S)?$")]
Name = Annotated[str, Field(max_length=200)]
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
