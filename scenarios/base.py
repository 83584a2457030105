"""A scenario's base district-day, and its travel made again for new or moved facilities.

A base is the problem, whose matrices state the travel section that made them (their recipes: a
problem file's ``travel``, road, straight-line or estimated; none when given). Changes that add or move a facility need travel to and
from the new site: road and straight-line profiles are computed again over the new locations (a
site beyond the road map's edge joins it by an external link, as the baseline's landfill does);
estimated profiles (great-circle at a fitted speed) too; given matrices cannot grow, and saying so
names the profile and the locations.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from routing.domain import Location, SizeClass
from routing.errors import Defect
from routing.network import RoadNetwork, load_network, road_matrix_from_spec
from routing.network.augment import zone_closed
from routing.problem import Problem
from routing.problem_file import problem_from_dict, read_problem
from routing.travel import TravelMatrix, straight_line_matrix
from routing.travel_estimate import estimated_matrix_from_spec
from scenarios.changes import AddFacility, apply_changes
from scenarios.road_district import RoadTravel, main_component
from scenarios.scenario_file import Base, Scenario, ScenarioError

TravelSection = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True, slots=True, eq=False)
class BaseDay:
    """A built base: the problem, and where relative paths start."""

    problem: Problem
    base_dir: Path | None = None

    @property
    def travel(self) -> TravelSection:
        """The travel section per profile, as the problem's matrices state it."""
        return {
            name: matrix.recipe if matrix.recipe is not None else {"method": "given"}
            for name, matrix in self.problem.travel.items()
        }

    def osm(self) -> Path | None:
        """The OSM file of the first road profile, if travel is by road."""
        for spec in self.travel.values():
            if spec.get("method") == "road":
                osm = Path(str(spec["osm"]))
                return osm if osm.is_absolute() or self.base_dir is None else self.base_dir / osm
        return None


@functools.lru_cache(maxsize=4)
def network_of(osm: str) -> RoadNetwork:
    """The road network of an OSM file, read once per process."""
    return load_network(osm)


def _built_in(base: Base) -> BaseDay:
    from gis_data.demo import helsinki_extract
    from scenarios import load_scenario
    from scenarios.district_figures import DistrictSpec
    from scenarios.road_district import road_district

    assert base.scenario is not None
    if base.scenario != "district-baseline":
        problem = load_scenario(base.scenario, osm=base.osm, seed=base.seed)
        return BaseDay(problem)
    osm = base.osm or helsinki_extract()
    spec = DistrictSpec(scale=base.scale if base.scale is not None else 1.0)
    return BaseDay(road_district(network_of(str(osm)), seed=base.seed, spec=spec))


def build_base(base: Base) -> BaseDay:
    """The base district-day (problem and travel section) a scenario starts from."""
    if base.document is not None:
        return BaseDay(problem_from_dict(base.document, source="district"))
    if base.problem is not None:
        return BaseDay(read_problem(base.problem), base.problem.parent)
    return _built_in(base)


_BASES: dict[str, BaseDay] = {}


def cached_base(base: Base) -> BaseDay:
    """:func:`build_base`, kept per process (a sweep's scenarios share a few bases)."""
    key = base.key()
    if key not in _BASES:
        if len(_BASES) >= 4:
            _BASES.pop(next(iter(_BASES)))
        _BASES[key] = build_base(base)
    return _BASES[key]


def _outside(network: RoadNetwork, where: Location) -> bool:
    return not (
        float(network.node_lon.min()) <= where.lon <= float(network.node_lon.max())
        and float(network.node_lat.min()) <= where.lat <= float(network.node_lat.max())
    )


def _road_profile(
    profile: str,
    spec: Mapping[str, Any],
    problem: Problem,
    fresh: set[str],
    base_dir: Path | None,
) -> TravelMatrix:
    osm = Path(str(spec["osm"]))
    if not osm.is_absolute() and base_dir is not None:
        osm = base_dir / osm
    network = network_of(str(osm))
    locations = problem.locations
    kept = [
        link
        for link in spec.get("external_links", [])
        if link.get("location_id") in locations and link.get("location_id") not in fresh
    ]
    off_map = frozenset(i for i in fresh if i in locations and _outside(network, locations[i]))
    links = list(kept)
    if off_map:
        linked = RoadTravel(network, off_map=off_map).specs(
            {i: locations[i] for i in sorted(off_map)}, problem.vehicle_types, problem.zones
        )
        links += next(iter(linked.values()))["external_links"]
    new_spec = dict(spec) | {"external_links": links}
    return road_matrix_from_spec(
        profile, new_spec, locations, problem.zones, base_dir=base_dir, network=network
    )


def onto_streets(problem: Problem, fresh: set[str], network: RoadNetwork) -> Problem:
    """``problem`` with each fresh facility inside the map moved to the nearest junction that the
    large trucks reach (a site given as "2 km east of the depot" may fall in a park or the sea)."""
    open_large = network.view(SizeClass.LARGE).routable & ~zone_closed(
        network, problem.zones, SizeClass.LARGE, None
    )
    nodes = np.unique(network.edge_u[main_component(network, open_large)])
    moved = {}
    for facility in problem.facilities:
        if facility.id in fresh and not _outside(network, facility.location):
            where = facility.location
            gap = (network.node_lon[nodes] - where.lon) ** 2 + (
                network.node_lat[nodes] - where.lat
            ) ** 2
            node = int(nodes[int(np.argmin(gap))])
            street = Location(
                round(float(network.node_lon[node]), 7), round(float(network.node_lat[node]), 7)
            )
            moved[facility.id] = dataclasses.replace(facility, location=street)
    if not moved:
        return problem
    return problem.replace(facilities=tuple(moved.get(f.id, f) for f in problem.facilities))


def rebuild_travel(day: BaseDay, problem: Problem, fresh: set[str]) -> Problem:
    """``problem`` with travel computed again where ``fresh`` locations (new or moved) need it.

    Raises
    ------
    ScenarioError
        If a profile's matrices are given (fixed) and cannot take the fresh locations.
    """
    if not fresh:
        return problem
    matrices: dict[str, TravelMatrix] = {}
    defects: list[Defect] = []
    for profile, matrix in problem.travel.items():
        spec = matrix.recipe or {"method": "given"}
        method = spec.get("method")
        if method == "straight-line":
            matrices[profile] = straight_line_matrix(
                problem.locations,
                profile=profile,
                speed_kmh=float(spec.get("speed_kmh", 25.0)),
                detour_factor=float(spec.get("detour_factor", 1.3)),
            ).described_by(spec)
        elif method == "road":
            road = _road_profile(profile, spec, problem, fresh, day.base_dir)
            matrices[profile] = road.described_by(spec)
        elif method == "estimated":
            estimated = estimated_matrix_from_spec(profile, spec, problem.locations)
            matrices[profile] = estimated.described_by(spec)
        else:
            shown = ", ".join(sorted(fresh))
            message = (
                f"holds fixed (given) matrices, which cannot take new or moved locations: {shown}; "
                "use a base with road or straight-line travel"
            )
            defects.append(Defect(f"travel profile {profile}", "method", message))
            matrices[profile] = matrix
    if defects:
        raise ScenarioError(defects, source=f"scenario {problem.name!r}")
    return problem.replace(travel=matrices)


def _with_room(problem: Problem, ids: list[str]) -> Problem:
    """``problem`` with zero rows and columns for locations still to be added, so that the
    problem stays whole while changes apply; :func:`rebuild_travel` computes them after."""
    room = [i for i in dict.fromkeys(ids) if i not in problem.travel[next(iter(problem.travel))]]
    if not room:
        return problem
    matrices = {}
    for profile, matrix in problem.travel.items():
        size = len(matrix.location_ids) + len(room)
        grown = [np.zeros((size, size), dtype=np.int64) for _ in range(2)]
        for array, old in zip(grown, (matrix.distance_m, matrix.time_s), strict=True):
            array[: old.shape[0], : old.shape[1]] = old
        ids_out = (*matrix.location_ids, *room)
        matrices[profile] = TravelMatrix(
            profile, ids_out, grown[0], grown[1], matrix.method, matrix.recipe
        )
    return problem.replace(travel=matrices)


def scenario_problem(scenario: Scenario, day: BaseDay | None = None) -> Problem:
    """The district-day of ``scenario``: its base with every change applied, travel included.

    Raises
    ------
    ProblemError
        Naming the change, record and field that failed (see :func:`apply_changes`).
    """
    day = day or cached_base(scenario.base)
    before = {f.id: f.location for f in day.problem.facilities}
    added = [c.id for c in scenario.changes if isinstance(c, AddFacility)]
    problem = apply_changes(_with_room(day.problem, added), scenario.changes, name=scenario.name)
    fresh = {f.id for f in problem.facilities if before.get(f.id) != f.location}
    osm = day.osm()
    if fresh and osm is not None:
        problem = onto_streets(problem, fresh, network_of(str(osm)))
    return rebuild_travel(day, problem, fresh)
