"""The district baseline on every real OSM extract in ``../shared/data/osm``: the optimiser's own
plan serves every visit and keeps every rule.

The extracts are read from the folder, so one added there is planned too. The search is bounded
by iterations (the same plan for the seed on any machine), well below a dispatcher's minute.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from routing.solve import solve
from routing.validation import validate
from scenarios.road_district import road_district

OSM_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "osm"
EXTRACTS = sorted(
    p.name for p in OSM_DIR.glob("*") if p.name.endswith((".osm.pbf", ".osm.gz", ".osm"))
)


def test_the_folder_holds_extracts() -> None:
    assert len(EXTRACTS) >= 4, f"real OSM data missing in {OSM_DIR.resolve()}"


@pytest.mark.parametrize("extract", EXTRACTS)
def test_the_optimisers_own_plan_serves_every_visit(extract: str) -> None:
    problem = road_district(OSM_DIR / extract, seed=1)
    plan = solve(problem, time_limit_s=120, seed=1, max_iterations=200)
    report = validate(problem, plan)
    assert report.ok, [str(v) for v in report.violations[:5]]
    assert plan.unserved == (), [f"{u.point_id}: {u.rule} {u.reason}" for u in plan.unserved[:5]]
    assert plan.stats is not None and plan.stats.chosen == "pyvrp+ortools"
