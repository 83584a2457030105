"""The project's layers: which package may import which, and no package imports its way back.

The flow, lowest first; each package may import only those before it:

- ``routing``: the library (domain, problems, plans, solvers, dispatch, validator). It imports
  none of the others.
- ``gis_data``: user files and map data turned into routing's objects (point sheets, GeoJSON,
  OSM features, coordinate systems, the bundled demo extract).
- ``scenarios``: named district-days and what-ifs, built from routing and gis_data.
- ``api``: the web service over all three.
- ``huanwei``: the command line, over everything.

Within routing, its parts (subpackages such as ``routing.solve`` and ``routing.dispatch``, and
modules such as ``routing.plan``) import one another one way only. Each solver library is imported
by its adapter modules alone (STYLE.md rule 4).

Every import counts: at module level, inside functions, and under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: The packages, lowest first: each may import those before it.
LAYERS = ("routing", "gis_data", "scenarios", "api", "huanwei")

#: Packages whose parts (direct subpackages and modules) must not import one another in a cycle.
PARTS_WITHOUT_CYCLES = ("routing", "gis_data", "scenarios", "api", "huanwei")

#: The only modules that may import each solver library.
SOLVER_ADAPTERS: Mapping[str, frozenset[str]] = {
    "pyvrp": frozenset({"routing.solve.pyvrp_adapter"}),
    "ortools": frozenset(
        {
            "routing.solve.ortools_allocation",
            "routing.solve.ortools_crews",
            "routing.solve.ortools_routing",
            "routing.solve.ortools_routing_model",
            # CP-SAT's set partitioning of a calendar's routes (the route pool's model).
            "routing.calendar.pool",
        }
    ),
}


@dataclass(frozen=True, slots=True)
class Import:
    """One import statement's target, resolved to a module name."""

    importer: str
    target: str
    line: int

    def __str__(self) -> str:
        return f"{self.importer}:{self.line} imports {self.target}"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _sources() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in LAYERS
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def _targets(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = node.module or ""
    if node.level:  # relative: from the importer's package, up ``level - 1`` more
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join([*package, base] if base else package)
    for alias in node.names:
        # ``from routing import fields`` imports the module routing.fields
        submodule = f"{base}.{alias.name}"
        yield submodule if submodule in _sources() else base


@cache
def imports() -> tuple[Import, ...]:
    """Every import in the project's packages, at any depth of the module's code."""
    found = []
    for module, path in _sources().items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for target in _targets(module, path.name == "__init__.py", node):
                    found.append(Import(module, target, node.lineno))
    return tuple(dict.fromkeys(found))  # once per statement and target


def _part(module: str, depth: int) -> str:
    return ".".join(module.split(".")[:depth])


def cycles(edges: list[Import], depth: int) -> list[list[Import]]:
    """The imports that tie parts (module names cut to ``depth`` components) into cycles.

    One list per group of parts that reach one another, naming each import between two of them.
    """
    graph: dict[str, set[str]] = {}
    for edge in edges:
        a, b = _part(edge.importer, depth), _part(edge.target, depth)
        if a != b:
            graph.setdefault(a, set()).add(b)

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    reached = {node: reach(node) for node in graph}
    groups: list[frozenset[str]] = []
    for node in sorted(graph):
        group = frozenset({node} | {n for n in reached[node] if node in reached.get(n, ())})
        if len(group) > 1 and group not in groups:
            groups.append(group)
    return [
        [
            e
            for e in edges
            if _part(e.importer, depth) in group
            and _part(e.target, depth) in group
            and _part(e.importer, depth) != _part(e.target, depth)
        ]
        for group in groups
    ]


def _within_project() -> list[Import]:
    return [i for i in imports() if i.target.split(".")[0] in LAYERS]


def test_the_import_graph_is_read() -> None:
    # A guard for the checks below: they pass vacuously on an empty graph.
    edges = _within_project()
    assert len(edges) > 500
    assert any(i.importer == "routing.solve" and i.target == "routing.solve.greedy" for i in edges)
    assert any(i.importer == "routing.kim.convert" and i.target == "routing.problem" for i in edges)


def test_no_package_imports_a_higher_layer() -> None:
    rank = {package: n for n, package in enumerate(LAYERS)}
    breaches = [
        str(i)
        for i in _within_project()
        if rank[i.target.split(".")[0]] > rank[i.importer.split(".")[0]]
    ]
    assert not breaches, (
        "imports against the layers " + " → ".join(LAYERS) + ":\n" + "\n".join(breaches)
    )


def test_no_cycle_between_packages() -> None:
    found = cycles(_within_project(), depth=1)
    assert not found, "\n\n".join("\n".join(map(str, group)) for group in found)


@pytest.mark.parametrize("package", PARTS_WITHOUT_CYCLES)
def test_no_cycle_between_the_parts_of_a_package(package: str) -> None:
    inside = [
        i
        for i in _within_project()
        if _part(i.importer, 1) == package and _part(i.target, 1) == package
    ]
    found = cycles(inside, depth=2)
    assert not found, "\n\n".join("\n".join(map(str, group)) for group in found)


@pytest.mark.parametrize("library", sorted(SOLVER_ADAPTERS))
def test_a_solver_library_is_imported_by_its_adapters_only(library: str) -> None:
    outside = [
        str(i)
        for i in imports()
        if i.target.split(".")[0] == library and i.importer not in SOLVER_ADAPTERS[library]
    ]
    assert not outside, "\n".join(outside)


def test_the_checks_find_a_cycle() -> None:
    edges = [
        Import("routing.solve.optimiser", "routing.dispatch.replan", 10),
        Import("routing.dispatch.day", "routing.solve.hauls", 20),
        Import("routing.dispatch.day", "routing.plan", 18),
    ]
    (group,) = cycles(edges, depth=2)
    assert group == edges[:2]
    assert cycles(edges[1:], depth=2) == []
