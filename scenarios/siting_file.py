"""Siting files: a scenario file with the candidate sites and what to ask of them.

A scenario file (base, solve, changes) with a ``[siting]`` table (``k``, ``finalists``, ``kind``,
``like`` and the new facility's figures) and ``[[candidates]]`` (``id`` and a place); every defect
is named by its line and field, as in scenario files. :mod:`scenarios.siting` answers it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from routing import fields as p
from routing.domain import FacilityKind
from routing.errors import DefectCollector, FieldError
from scenarios.change_tables import read_facility_figures, read_place
from scenarios.facility_changes import AddFacility, FacilityFigures, Place
from scenarios.scenario_file import Scenario, ScenarioError, read_toml, scenario_from_dict
from scenarios.table_reader import TableReader, non_negative_int

SITING_TABLES = frozenset({"siting", "candidates"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A candidate site."""

    id: str
    place: Place


@dataclass(frozen=True, slots=True, eq=False)
class Siting:
    """A siting question: the scenario, the candidates, the k to try, finalists per k."""

    scenario: Scenario
    candidates: tuple[Candidate, ...]
    ks: tuple[int, ...] = (1, 2)
    finalists: int = 2
    kind: FacilityKind = FacilityKind.TRANSFER_STATION
    like: str | None = None
    figures: FacilityFigures = dataclasses.field(default_factory=FacilityFigures)

    def opening(self, sites: Sequence[str]) -> Scenario:
        """The scenario with the facilities at ``sites`` opened."""
        by_id = {c.id: c for c in self.candidates}
        added = tuple(
            AddFacility(s, self.kind, by_id[s].place, self.figures, self.like, where=f"site {s}")
            for s in sites
        )
        name = f"{self.scenario.name}+{'+'.join(sites)}" if sites else self.scenario.name
        return dataclasses.replace(self.scenario, name=name, changes=self.scenario.changes + added)


def read_siting(path: str | Path) -> Siting:
    """Read a siting file; every defect named by its line and field (like scenario files)."""
    path = Path(path)
    raw, lines = read_toml(path)
    scenario = scenario_from_dict(
        raw, source=str(path), lines=lines, base_dir=path.parent.resolve(), extra=SITING_TABLES
    )
    defects = DefectCollector()
    r = TableReader(lines, defects)
    allowed = {"k", "finalists", "kind", "like"} | {
        "name",
        "accepts",
        "opening",
        "tipping_min",
        "capacity_t",
        "storage_t",
        "container_t",
    }
    table = r.table(raw.get("siting", {}), ("siting",), "siting", allowed)
    ks_raw = table.get("k", [1, 2])
    ks = r.get(
        {"k": ks_raw if isinstance(ks_raw, list) else [ks_raw]}, ("siting",), "siting", "k", _k_list
    )
    finalists = r.get(table, ("siting",), "siting", "finalists", non_negative_int, 2)
    kind = r.get(
        table,
        ("siting",),
        "siting",
        "kind",
        p.enum_value(FacilityKind),
        FacilityKind.TRANSFER_STATION,
    )
    like = r.get(table, ("siting",), "siting", "like", p.text, None)
    figures = read_facility_figures(r, table, ("siting",), "siting")
    candidates: list[Candidate] = []
    listed = raw.get("candidates", [])
    if not isinstance(listed, list) or not listed:
        r.add((), "siting", "candidates", "must list at least one [[candidates]] site")
        listed = []
    for i, item in enumerate(listed):
        where = ("candidates", i)
        label = f"candidates[{i}]"
        site_table = r.table(
            item, where, label, {"id", "lon", "lat", "near", "east_km", "north_km"}
        )
        site_id = r.get(site_table, where, label, "id", p.text)
        place = read_place(r, site_table, where, label)
        if site_id is not None and place is not None:
            if site_id in {c.id for c in candidates}:
                r.add(where, label, "id", f"{site_id!r} is listed twice")
            candidates.append(Candidate(site_id, place))
    if ks and candidates and max(ks) > len(candidates):
        r.add(
            ("siting",), "siting", "k", f"asks for {max(ks)} sites of {len(candidates)} candidates"
        )
    defects.raise_if_any(source=str(path), kind=ScenarioError)
    return Siting(scenario, tuple(candidates), tuple(ks), max(1, finalists), kind, like, figures)


def _k_list(value: Any, name: str) -> list[int]:
    ks = [p.integer(v, name) for v in value]
    if not ks or any(k < 1 for k in ks):
        raise FieldError(name, "must list numbers of sites, each 1 or more")
    return sorted(set(ks))
