"""Where a key stands in a TOML file: the line of every key, table and array-of-tables entry.

:mod:`tomllib` reads values but forgets where they were written; a planner fixing a scenario file
wants "line 14, capacity_t". :func:`key_lines` scans the text once, line by line, and maps each
key path (``("changes", 2, "capacity_t")``) to its 1-based line. It understands what scenario
files use: ``[table]`` and ``[[array]]`` headers, ``key = value`` lines, dotted keys, and values
spanning lines (arrays, inline tables, multi-line strings), whose inner keys take the line where
their key starts. :class:`Lines` answers the nearest located ancestor for a path it lacks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

Path = tuple[str | int, ...]

_BARE = r"[A-Za-z0-9_-]+"
_KEY = rf'(?:{_BARE}|"[^"]*"|\'[^\']*\')'
_DOTTED = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_DOTTED})\s*\]\]?")
_ASSIGN = re.compile(rf"^\s*({_DOTTED})\s*=")
_INLINE_KEY = re.compile(rf"[{{,]\s*({_KEY})\s*=")


def _parts(dotted: str) -> list[str]:
    return [k.strip().strip("\"'") for k in re.findall(_KEY, dotted)]


def _depth_change(text: str, in_string: str | None) -> tuple[int, str | None]:
    """Bracket depth change of one line outside strings; the multi-line string still open."""
    depth = 0
    i = 0
    while i < len(text):
        if in_string is not None:
            if text.startswith(in_string, i):
                i += len(in_string)
                in_string = None
                continue
            if text[i] == "\\" and in_string.startswith('"'):
                i += 2
                continue
            i += 1
            continue
        ch = text[i]
        if ch == "#":
            break
        for quote in ('"""', "'''", '"', "'"):
            if text.startswith(quote, i):
                in_string = quote
                i += len(quote)
                break
        else:
            depth += (ch in "[{") - (ch in "]}")
            i += 1
            continue
        if in_string is not None and len(in_string) == 1:
            # A one-line string must close on this line.
            end = text.find(in_string, i)
            i = len(text) if end < 0 else end + 1
            in_string = None
    return depth, in_string


def key_lines(text: str) -> dict[Path, int]:
    """Every key path of the TOML ``text`` and its 1-based line (see the module's description)."""
    lines: dict[Path, int] = {}
    counters: dict[Path, int] = {}
    table: Path = ()
    depth = 0
    open_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if depth == 0 and open_string is None:
            header = _HEADER.match(line)
            assign = _ASSIGN.match(line) if header is None else None
            if header is not None:
                keys: Path = tuple(_parts(header.group(2)))
                if header.group(1) == "[[":
                    index = counters.get(keys, 0)
                    counters[keys] = index + 1
                    table = (*keys, index)
                else:
                    table = keys
                lines.setdefault(table, number)
                continue
            if assign is not None:
                path = (*table, *_parts(assign.group(1)))
                lines.setdefault(path, number)
                rest = line[assign.end() :]
                for inner in _INLINE_KEY.finditer(rest):
                    lines.setdefault((*path, inner.group(1).strip("\"'")), number)
        change, open_string = _depth_change(line, open_string)
        depth = max(0, depth + change)
    return lines


@dataclass(frozen=True, slots=True)
class Lines:
    """The located lines of one file; :meth:`of` falls back to the nearest located ancestor."""

    located: Mapping[Path, int]

    @classmethod
    def of_text(cls, text: str) -> Lines:
        """The lines of TOML ``text``."""
        return cls(key_lines(text))

    def of(self, path: Path) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        for end in range(len(path), 0, -1):
            line = self.located.get(path[:end])
            if line is not None:
                return line
        return None


NO_LINES = Lines({})
