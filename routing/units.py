"""Units and the named constants that convert at the boundary.

Inside Huanwei every quantity is an integer: metres, seconds, kilograms, litres, and money in fen
(0.01 CNY). Clock times are seconds since midnight of the plan's day. Floats appear only at the edges
(coordinates, user files) and are rounded once, here.
"""

from __future__ import annotations

import re

SECOND = 1
MINUTE = 60
HOUR = 3600
DAY = 24 * HOUR

METRE = 1
KILOMETRE = 1000

KILOGRAM = 1
TONNE = 1000

LITRE = 1
CUBIC_METRE = 1000

FEN_PER_YUAN = 100

#: Diesel burnt per kilometre by the default truck classes is given per vehicle type in
#: millilitres per kilometre; burning a litre of diesel emits 2.68 kg of CO2 (the default factor).
CO2_G_PER_L_DIESEL = 2680

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def parse_clock(text: str) -> int:
    """Seconds since midnight for ``"HH:MM"`` or ``"HH:MM:SS"`` (``"24:00"`` is the day's end).

    Raises
    ------
    ValueError
        If the text is not a clock time between 00:00 and 24:00.
    """
    match = _CLOCK.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a clock time HH:MM")
    hours, minutes = int(match[1]), int(match[2])
    seconds = int(match[3] or 0)
    if minutes > 59 or seconds > 59:
        raise ValueError(f"{text!r} has minutes or seconds above 59")
    total = hours * HOUR + minutes * MINUTE + seconds
    if total > DAY:
        raise ValueError(f"{text!r} is after 24:00")
    return total


def format_clock(seconds: int) -> str:
    """``"HH:MM"`` (or ``"HH:MM:SS"`` when seconds are not whole minutes) for seconds since midnight."""
    hours, rest = divmod(seconds, HOUR)
    minutes, secs = divmod(rest, MINUTE)
    if secs:
        return f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{hours:02d}:{minutes:02d}"


def round_int(value: float) -> int:
    """Round half away from zero: the one rounding rule used at every boundary."""
    return int(value + 0.5) if value >= 0 else -int(-value + 0.5)
