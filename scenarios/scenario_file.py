"""Scenario files (TOML): a base district-day plus what-if changes, and how to solve it.

.. code-block:: toml

    name = "second-landfill"
    description = "The old landfill closes; the second one opens east of town."

    [base]
    scenario = "district-baseline"   # or: problem = "district.json" (relative to this file)
    seed = 1
    scale = 0.2                      # share of the district's points (built-in scenarios)

    [solve]
    time_limit_s = 60
    iterations = 2000

    [[changes]]
    type = "remove-facility"
    id = "landfill"

    [[changes]]
    type = "add-facility"
    id = "landfill-2"
    kind = "landfill"
    like = "landfill"
    near = "depot"
    east_km = 25.0

Every defect of a file is reported at once, each with its line and field
(``line 14: changes[1] (add-facility): capacity_t: must be a number``). The same reader takes
the JSON form the API receives (no lines there: positions only). docs: README "What-if scenarios".
The ``[[changes]]`` tables are read by :mod:`scenarios.change_tables`.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from routing import fields as p
from routing.errors import Defect, DefectCollector, FieldError, ProblemError
from scenarios.change_tables import read_change
from scenarios.changes import Change
from scenarios.table_reader import TableReader, non_negative_int, positive_number
from scenarios.toml_lines import NO_LINES, Lines
from scenarios.toml_lines import Path as KeyPath


class ScenarioError(ProblemError):
    """A scenario file (or request) has defects; each names its line (when known) and field."""


@dataclass(frozen=True, slots=True, eq=False)
class Base:
    """The district-day a scenario changes.

    Exactly one of ``scenario`` (a built-in name, see :data:`scenarios.SCENARIOS`), ``problem``
    (a problem file) or ``document`` (a problem file's JSON form, as the API holds it).
    """

    scenario: str | None = None
    problem: Path | None = None
    document: Mapping[str, Any] | None = None
    osm: Path | None = None
    seed: int = 0
    scale: float | None = None

    def key(self) -> str:
        """What identifies the base (to build it once per process)."""
        if self.document is not None:
            text = json.dumps(self.document, sort_keys=True, default=str)
            return f"document:{hashlib.sha256(text.encode()).hexdigest()}"
        return f"{self.scenario}|{self.problem}|{self.osm}|{self.seed}|{self.scale}"

    def describe(self, lang: str = "en") -> str:
        """The base in a few words (``lang``: en or zh)."""
        zh = lang == "zh"
        if self.scenario is not None:
            scale = (
                (f"，比例 {self.scale:g}" if zh else f", scale {self.scale:g}")
                if self.scale is not None
                else ""
            )
            osm = (
                (f"（路网 {self.osm.name}）" if zh else f" on {self.osm.name}")
                if self.osm is not None
                else ""
            )
            return (
                f"{self.scenario}{osm}（种子 {self.seed}{scale}）"
                if zh
                else f"{self.scenario}{osm} (seed {self.seed}{scale})"
            )
        if self.problem is not None:
            return f"问题文件 {self.problem.name}" if zh else f"problem file {self.problem.name}"
        return "辖区现有数据" if zh else "the district's stored data"


@dataclass(frozen=True, slots=True)
class SolveOptions:
    """How each scenario is solved: seed, time limit (s) and an optional iteration bound."""

    seed: int = 0
    time_limit_s: float = 60.0
    iterations: int | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Scenario:
    """A named what-if: a base, changes applied in order, and solve options."""

    name: str
    base: Base
    changes: tuple[Change, ...] = ()
    solve: SolveOptions = SolveOptions()
    description: str = ""
    source: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)


def _scale(value: Any, name: str) -> float:
    number = positive_number(value, name)
    if number > 10:
        raise FieldError(name, f"must be at most 10, got {number:g}")
    return number


def _base(
    r: TableReader, raw: Any, base_dir: Path | None, document: Mapping[str, Any] | None
) -> Base | None:
    if document is not None:
        return Base(document=document)
    path: KeyPath = ("base",)
    table = r.table(raw, path, "base", {"scenario", "problem", "osm", "seed", "scale"})
    if not table:
        r.defects.add(r.where(path, "base"), "base", "is required: give scenario or problem")
        return None
    scenario = r.get(table, path, "base", "scenario", p.text, None)
    problem = r.get(table, path, "base", "problem", p.text, None)
    osm = r.get(table, path, "base", "osm", p.text, None)
    seed = r.get(table, path, "base", "seed", p.integer, 0)
    scale = r.get(table, path, "base", "scale", _scale, None)
    if (scenario is None) == (problem is None):
        r.add(path, "base", "scenario", "give exactly one of scenario or problem")
        return None

    def resolve(text: str | None) -> Path | None:
        if text is None:
            return None
        where = Path(text).expanduser()
        return where if where.is_absolute() or base_dir is None else (base_dir / where).resolve()

    if scenario is not None:
        from scenarios import SCENARIOS

        if scenario not in SCENARIOS:
            r.add(
                path,
                "base",
                "scenario",
                f"{scenario!r} is not one of: {', '.join(sorted(SCENARIOS))}",
            )
            return None
    problem_path = resolve(problem)
    if problem_path is not None and not problem_path.is_file():
        r.add(path, "base", "problem", f"no problem file at {problem_path}")
        return None
    osm_path = resolve(osm)
    if osm_path is not None and not osm_path.is_file():
        r.add(path, "base", "osm", f"no OSM file at {osm_path}")
        return None
    if problem is not None and (osm is not None or scale is not None):
        r.add(path, "base", "scale", "osm and scale apply to a built-in scenario only")
        return None
    if seed is None:
        return None
    return Base(scenario=scenario, problem=problem_path, osm=osm_path, seed=seed, scale=scale)


def _solve(r: TableReader, raw: Any) -> SolveOptions:
    if raw is None:
        return SolveOptions()
    path: KeyPath = ("solve",)
    table = r.table(raw, path, "solve", {"seed", "time_limit_s", "iterations"})
    iterations = r.get(table, path, "solve", "iterations", non_negative_int, None)
    return SolveOptions(
        seed=r.get(table, path, "solve", "seed", p.integer, 0) or 0,
        time_limit_s=r.get(table, path, "solve", "time_limit_s", positive_number, 60.0) or 60.0,
        iterations=iterations or None,
    )


TOP_LEVEL = {"name", "description", "base", "solve", "changes"}


def scenario_from_dict(
    raw: Any,
    *,
    source: str = "scenario",
    lines: Lines = NO_LINES,
    base_dir: Path | None = None,
    document: Mapping[str, Any] | None = None,
    extra: frozenset[str] = frozenset(),
) -> Scenario:
    """A :class:`Scenario` from its parsed form; every defect is reported at once.

    ``document`` (the API's stored district) replaces the ``base`` table; ``extra`` names other
    top-level tables a caller reads itself (``siting``, ``candidates``).

    Raises
    ------
    ScenarioError
        Naming, for each defect, the line (when ``lines`` knows it), the table and the field.
    """
    defects = DefectCollector()
    r = TableReader(lines, defects)
    if not isinstance(raw, Mapping):
        defects.add("scenario", "format", "must be a table of name, base and changes")
        defects.raise_if_any(source=source, kind=ScenarioError)
        raise AssertionError  # unreachable
    allowed = TOP_LEVEL | extra | ({"base"} if document is not None else set())
    r.table(raw, (), "scenario", allowed)
    default_name = Path(source).stem if source != "scenario" else "scenario"
    name = r.get(raw, (), "scenario", "name", p.text, default_name)
    description = r.get(raw, (), "scenario", "description", p.text, "")
    base = _base(r, raw.get("base"), base_dir, document)
    solve = _solve(r, raw.get("solve"))
    changes_raw = raw.get("changes", [])
    changes: list[Change] = []
    if not isinstance(changes_raw, list):
        r.add((), "scenario", "changes", "must be a list of [[changes]] tables")
    else:
        for i, item in enumerate(changes_raw):
            change = read_change(r, item, i)
            if change is not None:
                changes.append(change)
    defects.raise_if_any(source=source, kind=ScenarioError)
    assert base is not None
    return Scenario(
        name=name,
        base=base,
        changes=tuple(changes),
        solve=solve,
        description=description or "",
        source=source,
        raw=raw,
    )


def read_toml(path: Path) -> tuple[dict[str, Any], Lines]:
    """The parsed TOML of ``path`` and its key lines; a syntax error names line and column."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(
            [Defect("file", "encoding", "is not UTF-8 text")], source=str(path)
        ) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        where = message[message.find("(at ") + 1 : -1] if "(at " in message else "file"
        raise ScenarioError(
            [Defect(where, "toml", message.split(" (at ")[0])], source=str(path)
        ) from None
    return raw, Lines.of_text(text)


def read_scenario(path: str | Path, *, extra: frozenset[str] = frozenset()) -> Scenario:
    """Read a scenario file; errors name the file, and each defect's line and field.

    Raises
    ------
    ScenarioError
        On a file that is not TOML, or any defect of its tables.
    """
    path = Path(path)
    raw, lines = read_toml(path)
    return scenario_from_dict(
        raw, source=str(path), lines=lines, base_dir=path.parent.resolve(), extra=extra
    )
