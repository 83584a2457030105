"""Scenario comparisons: planners compare what-ifs of a district's current data, as jobs
(queued, followed, cancelled and retried as plan jobs are)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, status
from fastapi.responses import HTMLResponse

from api.core.errors import JobStateError
from api.db import models as m
from api.db.scenario_models import ScenarioComparisonRow
from api.deps import QueueDep, Role, SessionDep, require_roles
from api.jobs import store
from api.repositories import scenarios as repo
from api.repositories.districts import get_district
from api.schemas.fields import PathId
from api.schemas.scenarios import ComparisonPublic, ComparisonRequest
from scenarios.base import build_base
from scenarios.scenario_file import Base

router = APIRouter(tags=["scenarios"])

#: Planners and admins: the what-if tools.
PlannerUser = Annotated[m.UserRow, Depends(require_roles(Role.ADMIN, Role.PLANNER))]


def comparison_public(row: ScenarioComparisonRow) -> ComparisonPublic:
    """The public form of a comparison."""
    names = [repo.CURRENT] if row.request.get("include_current", True) else []
    names += [str(s.get("name", "")) for s in row.request.get("scenarios", [])]
    return ComparisonPublic(
        id=row.id,
        district_id=row.district_id,
        status=row.status,  # type: ignore[arg-type]
        progress=row.progress,
        scenarios=names,
        error=row.error,
        attempts=row.attempts,
        cancel_requested=row.cancel_requested,
        retryable=row.status in (store.FAILED, store.CANCELLED),
        report=row.report,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
    )


@router.post("/districts/{district_id}/scenario-comparisons", status_code=status.HTTP_202_ACCEPTED)
def request_comparison(
    district_id: PathId,
    body: ComparisonRequest,
    session: SessionDep,
    queue: QueueDep,
    user: PlannerUser,
) -> ComparisonPublic:
    """Queue a comparison of what-ifs on the district's current data.

    Every scenario is read and its changes applied at once: a bad change is refused (422) naming
    ``scenarios[i].changes[j]`` and the field; nothing is queued then.
    """
    document = repo.district_document(session, district_id)
    request = body.model_dump()
    scenarios = repo.scenarios_of(request, document)
    repo.problems_of(scenarios, build_base(Base(document=document)))
    row = ScenarioComparisonRow(
        district_id=district_id, status=repo.QUEUED, request=request, created_by=user.id
    )
    session.add(row)
    session.commit()
    queue.submit(row.id, kind=store.COMPARISONS)
    return comparison_public(row)


@router.get("/districts/{district_id}/scenario-comparisons")
def list_comparisons(
    district_id: PathId, session: SessionDep, user: PlannerUser
) -> list[ComparisonPublic]:
    """The district's comparisons, newest first (at most 100)."""
    get_district(session, district_id)
    rows = repo.list_comparisons(session, district_id, limit=100)
    return [comparison_public(row) for row in rows]


@router.get("/scenario-comparisons/{comparison_id}")
def get_comparison(
    comparison_id: PathId, session: SessionDep, user: PlannerUser
) -> ComparisonPublic:
    """A comparison's status and progress, and its report once it has succeeded."""
    return comparison_public(repo.get_comparison(session, comparison_id))


@router.post("/scenario-comparisons/{comparison_id}/cancel", status_code=status.HTTP_202_ACCEPTED)
def cancel_comparison(
    comparison_id: PathId, session: SessionDep, user: PlannerUser
) -> ComparisonPublic:
    """Cancel a queued comparison, or ask a running one to stop (its solves are ended; it ends
    cancelled, without a report)."""
    row = repo.get_comparison(session, comparison_id)
    store.request_cancel(session, row)
    return comparison_public(row)


@router.post("/scenario-comparisons/{comparison_id}/retry", status_code=status.HTTP_202_ACCEPTED)
def retry_comparison(
    comparison_id: PathId, session: SessionDep, queue: QueueDep, user: PlannerUser
) -> ComparisonPublic:
    """Queue a failed or cancelled comparison again (one whose worker was lost, say)."""
    row = repo.get_comparison(session, comparison_id)
    store.requeue(session, row)
    queue.submit(row.id, kind=store.COMPARISONS)
    return comparison_public(row)


@router.get(
    "/scenario-comparisons/{comparison_id}/report.html",
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": {}}}},
)
def comparison_page(
    comparison_id: PathId,
    session: SessionDep,
    user: PlannerUser,
    lang: Literal["zh", "en"] = "zh",
) -> HTMLResponse:
    """The report as a page: side-by-side figures, charts and route maps (inline SVG), in
    Chinese (``lang=zh``, the default) or English (``en``). A comparison made before pages were
    kept in both languages has its one page (English) served for either."""
    row = repo.get_comparison(session, comparison_id)
    if row.status != repo.SUCCEEDED:
        raise JobStateError(
            f"scenario comparison {comparison_id} is {row.status}: no report yet",
            loc=("path", "comparison_id"),
        )
    return HTMLResponse(row.html_en if lang == "en" and row.html_en else row.html)
