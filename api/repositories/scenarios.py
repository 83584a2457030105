"""Scenario comparisons of a district: reading planners' what-ifs, and their rows.

A comparison is checked when it is requested (every scenario read and its changes applied to the
district's current data, so a bad change is refused at once, naming ``scenarios[i].changes[j]``
and the field) and run later as a job (:mod:`api.jobs.comparisons`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.core.errors import NotFoundError
from api.db.scenario_models import ScenarioComparisonRow
from api.repositories.districts import get_district, load_problem
from routing.errors import Defect, HuanweiError
from routing.problem import Problem
from routing.problem_file import problem_to_dict
from scenarios.base import BaseDay, build_base, scenario_problem
from scenarios.scenario_file import Base, Scenario, ScenarioError, SolveOptions, scenario_from_dict

QUEUED, SUCCEEDED = "queued", "succeeded"
CURRENT = "current"


def district_document(session: Session, district_id: int) -> dict[str, Any]:
    """The district's current data as a problem file's JSON form (the scenarios' base)."""
    return problem_to_dict(load_problem(session, get_district(session, district_id)))


def scenarios_of(request: Mapping[str, Any], document: Mapping[str, Any]) -> list[Scenario]:
    """The request's scenarios on the district ``document``, the district as it is first.

    Raises
    ------
    ScenarioError
        Naming ``scenarios[i]``, the change and the field of every defect.
    """
    options = SolveOptions(
        seed=int(request.get("seed", 0)),
        time_limit_s=float(request.get("time_limit_s", 30.0)),
        iterations=request.get("iterations"),
    )
    base = Base(document=document)
    scenarios: list[Scenario] = []
    if request.get("include_current", True):
        scenarios.append(Scenario(CURRENT, base, (), options, "the district as it is"))
    defects: list[Defect] = []
    for i, raw in enumerate(request["scenarios"]):
        try:
            read = scenario_from_dict(
                {k: raw[k] for k in ("name", "description", "changes") if k in raw},
                source=f"scenarios[{i}]",
                document=document,
            )
        except ScenarioError as error:
            defects += [
                Defect(f"scenarios[{i}].{d.record}", d.field, d.message) for d in error.defects
            ]
            continue
        scenarios.append(Scenario(read.name, base, read.changes, options, read.description))
    names = [s.name for s in scenarios]
    for i, name in enumerate(names):
        if name in names[:i]:
            defects.append(Defect(f"scenarios[{i}]", "name", f"{name!r} is used twice"))
    if defects:
        raise ScenarioError(defects, source="scenario comparison")
    return scenarios


def problems_of(scenarios: list[Scenario], day: BaseDay) -> dict[str, Problem]:
    """Each scenario's problem; a change that does not apply is named with its scenario."""
    problems: dict[str, Problem] = {}
    for i, scenario in enumerate(scenarios):
        try:
            problems[scenario.name] = scenario_problem(scenario, day)
        except ScenarioError:
            raise
        except HuanweiError as error:
            defects = getattr(error, "defects", (Defect("scenario", "changes", str(error)),))
            where = f"scenario {scenario.name}"
            raise ScenarioError(
                [Defect(f"{where}: {d.record}", d.field, d.message) for d in defects],
                source=f"scenarios[{i}]",
            ) from None
    return problems


def scenario_of_plan(scenario: Mapping[str, Any], problem: Problem) -> Problem:
    """The what-if of a plan request on the district's current ``problem``: its problem (whose
    matrices state their travel sections).

    Raises
    ------
    ScenarioError
        Naming ``scenario``, the change and the field of every defect.
    """
    document = problem_to_dict(problem)
    request = {"scenarios": [scenario], "include_current": False}
    try:
        day = build_base(Base(document=document))
        (read,) = scenarios_of(request, document)
        return problems_of([read], day)[read.name]
    except ScenarioError as error:
        raise ScenarioError(
            [
                Defect(d.record.replace("scenarios[0]", "scenario", 1), d.field, d.message)
                for d in error.defects
            ],
            source="plan request",
        ) from None


def get_comparison(session: Session, comparison_id: int) -> ScenarioComparisonRow:
    """The comparison, or :class:`NotFoundError`."""
    row = session.get(ScenarioComparisonRow, comparison_id)
    if row is None:
        raise NotFoundError(
            f"no scenario comparison {comparison_id}", loc=("path", "comparison_id")
        )
    return row


def list_comparisons(
    session: Session, district_id: int, *, limit: int
) -> list[ScenarioComparisonRow]:
    """The district's comparisons, newest first (at most ``limit``)."""
    return list(
        session.scalars(
            select(ScenarioComparisonRow)
            .where(ScenarioComparisonRow.district_id == district_id)
            .order_by(ScenarioComparisonRow.id.desc())
            .limit(limit)
        )
    )
