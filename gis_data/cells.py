"""Reading the cells of a point sheet: numbers with units, clock times, windows, names.

Each reader takes one cell's value (``None`` when blank) and returns what :mod:`gis_data.points`
expects, or raises :class:`CellError` saying what is wrong in Chinese and English. The tables of
words and units are in :mod:`gis_data.headers`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from gis_data.headers import (
    BIN_UNITS,
    DURATION_UNITS,
    VOLUME_UNITS,
    WEIGHT_UNITS,
    key,
)
from routing.domain import SizeClass, WasteStream
from routing.units import CUBIC_METRE, DAY

E = TypeVar("E", WasteStream, SizeClass)


class CellError(Exception):
    """A cell that cannot be read: what is wrong, in Chinese and in English.

    ``given_unit`` is set when the fault is a unit that came from elsewhere than the cell (the
    header or a unit column), so that the error can name where it came from.
    """

    def __init__(self, zh: str, en: str, *, given_unit: bool = False) -> None:
        super().__init__(en)
        self.zh, self.en, self.given_unit = zh, en, given_unit


#: Every unit an amount may be given in, and every unit a volume may be given in.
AMOUNT_UNITS = (*WEIGHT_UNITS, *VOLUME_UNITS, *sorted(BIN_UNITS))
VOLUME_OR_BIN_UNITS = (*VOLUME_UNITS, *sorted(BIN_UNITS))


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def finite(value: Any) -> bool:
    return isinstance(value, float) and math.isfinite(value)


def _fold(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip()


def text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an id typed as a number: 17.0 → "17"
    return _fold(str(value))


_NUMBER = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*(.*)$", re.IGNORECASE)


def _number_and_unit(value: Any) -> tuple[float, str | None]:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise CellError(f"「{value}」不是数字", f"{value!r} is not a number")
    if isinstance(value, str):
        match = _NUMBER.match(_fold(value).replace(",", ""))
        if match is None:
            raise CellError(f"「{value}」不是数字", f"{value!r} is not a number")
        number, unit = float(match[1]), match[2].strip() or None
    else:
        number, unit = float(value), None
    if not math.isfinite(number):
        raise CellError(f"「{value}」不是有限的数字", f"{value!r} is not a finite number")
    return number, unit


def coordinate(value: Any) -> float | None:
    if value is None:
        return None
    number, unit = _number_and_unit(value)
    if unit is not None and unit not in ("°", "度"):
        raise CellError(
            f"「{value}」不是以度为单位的坐标", f"{value!r} is not a coordinate in degrees"
        )
    return number


def _word(value: Any, table: Mapping[str, E], zh: str, en: str, english: Sequence[str]) -> E:
    found = table.get(key(str(value)))
    if found is None:
        chinese = "、".join(n for n in table if not n.isascii())
        raise CellError(
            f"{zh}「{value}」无法识别（可用：{chinese}）",
            f"unknown {en} {value!r} (use: {', '.join(english)})",
        )
    return found


def stream(value: Any, streams: Mapping[str, WasteStream]) -> str | None:
    if value is None:
        return None
    return _word(value, streams, "垃圾类型", "stream", [s.value for s in WasteStream]).value


def size(value: Any, sizes: Mapping[str, SizeClass]) -> str | None:
    if value is None:
        return None
    english = [s.name.lower() for s in SizeClass]
    return _word(value, sizes, "车型", "vehicle size", english).name.lower()


def _unit_error(unit: str, allowed: Sequence[str], *, given: bool = False) -> CellError:
    return CellError(
        f"单位「{unit}」无法识别（可用：{'、'.join(allowed)}）",
        f"unknown unit {unit!r} (use: {', '.join(allowed)})",
        given_unit=given,
    )


def amount(
    value: Any, unit: str | None, density: int | None, bin_litres: float
) -> tuple[float | None, float | None]:
    """Kilograms and litres a day of an amount cell (litres None unless stated as a volume)."""
    if value is None:
        raise CellError("必填", "is required")
    number, own = _number_and_unit(value)
    given, unit = own is None, own or unit
    if unit is None:
        raise CellError(
            "缺少单位：请在表头（如 日产量(吨)）、单位列或单元格中注明 kg、吨或桶",
            "no unit: state kg, t (吨) or bins (桶) in the header (日产量(吨)), a unit column or the cell",
        )
    folded = key(unit)
    if folded in WEIGHT_UNITS:
        return number * WEIGHT_UNITS[folded], None
    litres = _as_litres(number, folded, bin_litres)
    if litres is None:
        raise _unit_error(unit, AMOUNT_UNITS, given=given)
    return (None if density is None else litres * density / CUBIC_METRE), litres


def _as_litres(number: float, folded_unit: str, bin_litres: float) -> float | None:
    if folded_unit in VOLUME_UNITS:
        return number * VOLUME_UNITS[folded_unit]
    if folded_unit in BIN_UNITS:
        return number * bin_litres
    return None


def litres(value: Any, unit: str | None, bin_litres: float) -> float | None:
    if value is None:
        return None
    number, own = _number_and_unit(value)
    unit = own or unit
    if unit is None:
        raise CellError("缺少单位（升、立方米或桶）", "no unit (L, m3 or bins)")
    litres = _as_litres(number, key(unit), bin_litres)
    if litres is None:
        raise _unit_error(unit, VOLUME_OR_BIN_UNITS)
    return litres


def duration(value: Any, unit: str | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, dt.time):
        return float(value.hour * 3600 + value.minute * 60 + value.second)
    number, own = _number_and_unit(value)
    unit = own or unit
    if unit is None:
        raise CellError(
            "缺少单位：请注明秒或分钟，如 服务时间(分钟)",
            "no unit: state s or min, e.g. 服务时间(分钟) or service_s",
        )
    folded = key(unit)
    if folded not in DURATION_UNITS:
        raise _unit_error(unit, tuple(DURATION_UNITS))
    return number * DURATION_UNITS[folded]


_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2})(?::(\d{2}))?|[点时](?:(\d{1,2})分?|(半))?)?$")
_WHOLE_DAY = frozenset({"全天", "allday", "24小时", "不限"})


def _clock_text(text: str) -> str:
    match = _CLOCK.match(text.strip())
    if match is None:
        raise CellError(
            f"「{text}」不是有效时间（应为 07:00）", f"{text!r} is not a clock time HH:MM"
        )
    hours, minutes, seconds, point_minutes, half = match.groups()
    minutes = minutes or point_minutes or ("30" if half else "0")
    clock = f"{int(hours):02d}:{int(minutes):02d}"
    return f"{clock}:{int(seconds):02d}" if seconds else clock


def clock_cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    if isinstance(value, float | int) and not isinstance(value, bool) and 0 <= value <= 1:
        seconds = round(value * DAY)  # Excel keeps an unformatted time as a fraction of a day
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return _clock_text(_fold(str(value)))


def windows(value: Any) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise CellError(
            f"「{value}」不是时段（应为 07:00-11:00，多个用分号隔开）",
            f"{value!r} is not a window HH:MM-HH:MM (several separated by ;)",
        )
    text = _fold(value)
    if key(text) in _WHOLE_DAY:
        return ["00:00-24:00"]
    windows: list[str] = []
    for part in re.split(r"[;,、/\n]|和|及", text):
        part = part.strip()
        if not part:
            continue
        ends = re.split(r"\s*(?:-|~|–|—|至|到)\s*", part)
        if len(ends) != 2:
            raise CellError(
                f"「{part}」不是时段（应为 07:00-11:00）", f"{part!r} is not a window HH:MM-HH:MM"
            )
        windows.append(f"{_clock_text(ends[0])}-{_clock_text(ends[1])}")
    if not windows:
        raise CellError("没有时段", "holds no window")
    return windows


_VISITS = re.compile(r"^(?:每日|每天|日)?\s*(\d+)\s*次?\s*(?:/\s*(?:日|天|day))?$")


def visits(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer():
            return int(value)
    elif isinstance(value, str) and (match := _VISITS.match(_fold(value))) is not None:
        return int(match[1])
    raise CellError(f"「{value}」不是整数次数", f"{value!r} is not a whole number of visits")
