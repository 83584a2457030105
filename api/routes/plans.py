"""Plan versions: list per day, read as JSON or GeoJSON, route sheets (Excel, PDF, a page to
print), validation report, KPIs, publish."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Request, Response, UploadFile
from fastapi.responses import HTMLResponse
from sqlalchemy.exc import IntegrityError

from api.core.cache import BuildCache
from api.core.errors import ConflictError
from api.db import models as m
from api.deps import DispatcherUser, PagingDep, SessionDep, StaffUser
from api.repositories import districts as repo
from api.repositories import plans as plan_store
from api.routes.common import GeoJSONResponse, read_upload
from api.routes.web import road_legs
from api.schemas.fields import PathId
from api.schemas.plans import PlanDocument, PlanVersion, PlanVersionPage
from gis_data.current_routes import read_current_routes
from gis_data.route_sheet_html import page_html
from gis_data.route_sheet_pdf import pdf_bytes
from gis_data.route_sheets import workbook_bytes
from routing.current import time_current_routes
from routing.plan_file import plan_from_dict, plan_to_geojson
from routing.problem_file import problem_from_dict
from scenarios.savings import savings_html, savings_report

router = APIRouter(tags=["plans"])


def version_public(row: m.PlanRow) -> PlanVersion:
    """A plan version without its body."""
    return PlanVersion(
        id=row.id,
        district_id=row.district_id,
        date=row.plan_date,
        version=row.version,
        job_id=row.job_id,
        published=row.published,
        published_at=row.published_at,
        created_at=row.created_at,
        cost_fen=row.cost_fen,
        valid=bool(row.validation.get("ok", False)),
        violations=len(row.validation.get("violations", [])),
        unserved=len(row.plan.get("unserved", [])),
    )


@router.get("/districts/{district_id}/plans")
def list_plans(
    district_id: PathId,
    session: SessionDep,
    user: StaffUser,
    paging: PagingDep,
    date: dt.date | None = None,
    published: bool | None = None,
) -> PlanVersionPage:
    """A page of the district's plan versions, newest day and version first."""
    repo.get_district(session, district_id)
    rows, total = plan_store.list_versions(
        session,
        district_id,
        plan_date=date,
        published=published,
        offset=paging.offset,
        limit=paging.limit,
    )
    return PlanVersionPage(
        items=[version_public(row) for row in rows],
        total=total,
        offset=paging.offset,
        limit=paging.limit,
    )


@router.get("/plans/{plan_id}")
def get_plan(plan_id: PathId, session: SessionDep, user: StaffUser) -> PlanDocument:
    """A plan version with its body (docs/plan-format.md)."""
    row = plan_store.get_plan(session, plan_id)
    return PlanDocument(**version_public(row).model_dump(), plan=row.plan)


#: Plan versions whose GeoJSON (with road paths) is kept; a version never changes.
GEOJSON_CACHE = 16


@router.get("/plans/{plan_id}/geojson", response_class=GeoJSONResponse)
def get_plan_geojson(
    plan_id: PathId, request: Request, session: SessionDep, user: StaffUser
) -> dict[str, Any]:
    """The plan as GeoJSON: a LineString per trip and a Point per stop with its ETA.

    Each trip is drawn along the streets it drives where a configured OSM extract covers the
    district (its ``legs`` property ``road``), straight from stop to stop elsewhere
    (``straight``); ``travel`` names how the plan's times were computed.
    """
    row = plan_store.get_plan(session, plan_id)

    def build() -> dict[str, Any]:
        problem = problem_from_dict(row.problem, source=f"plan {plan_id} problem")
        plan = plan_from_dict(row.plan, source=f"plan {plan_id}")
        body = plan_to_geojson(problem, plan, legs=road_legs(request)(row.problem))
        body["travel"] = sorted({matrix.method for matrix in problem.travel.values()})
        return body

    cache: BuildCache[int, dict[str, Any]] = request.app.state.plan_geojson
    return cache.get(plan_id, build)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_FORMATS = {"xlsx": XLSX, "pdf": "application/pdf"}


def _route_sheets(
    session: SessionDep, plan_id: int, extension: Literal["xlsx", "pdf"], lang: str
) -> Response:
    row = plan_store.get_plan(session, plan_id)
    problem = problem_from_dict(row.problem, source=f"plan {plan_id} problem")
    plan = plan_from_dict(row.plan, source=f"plan {plan_id}")
    write = workbook_bytes if extension == "xlsx" else pdf_bytes
    name = f"route-sheets-{row.plan_date.isoformat()}-v{row.version}-{lang}.{extension}"
    return Response(
        write(problem, plan, lang=lang),
        media_type=SHEET_FORMATS[extension],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/plans/{plan_id}/route-sheets.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
)
def get_route_sheets_workbook(
    plan_id: PathId, session: SessionDep, user: StaffUser, lang: Literal["zh", "en"] = "zh"
) -> Response:
    """The plan's route sheets (路线单) as an Excel workbook: a summary and a sheet per vehicle
    and shift (stops in order with ETA, name, address, access note, waste, kg; unloadings,
    breaks), in Chinese or English."""
    return _route_sheets(session, plan_id, "xlsx", lang)


@router.get(
    "/plans/{plan_id}/route-sheets.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def get_route_sheets_pdf(
    plan_id: PathId, session: SessionDep, user: StaffUser, lang: Literal["zh", "en"] = "zh"
) -> Response:
    """The plan's route sheets (路线单) to print: a page or more per vehicle and shift with a
    small map of the route, in Chinese or English."""
    return _route_sheets(session, plan_id, "pdf", lang)


@router.get(
    "/plans/{plan_id}/route-sheets.html",
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": {}}}},
)
def get_route_sheets_page(
    plan_id: PathId, session: SessionDep, user: StaffUser, lang: Literal["zh", "en"] = "zh"
) -> HTMLResponse:
    """The plan's route sheets (路线单) as a page to print from the browser: what the PDF holds,
    a sheet per vehicle and shift, each on its own paper page, with a small map of the route
    (inline SVG), in Chinese or English. Nothing is fetched; a print button, hidden in print."""
    row = plan_store.get_plan(session, plan_id)
    problem = problem_from_dict(row.problem, source=f"plan {plan_id} problem")
    plan = plan_from_dict(row.plan, source=f"plan {plan_id}")
    return HTMLResponse(page_html(problem, plan, lang=lang))


#: Largest current-routes sheet taken (bytes).
MAX_ROUTES_BYTES = 20 * 1024 * 1024
ROUTE_SHEET_SUFFIXES = (".xlsx", ".csv")


@router.post(
    "/plans/{plan_id}/savings",
    responses={200: {"content": {"text/html": {}}}},
)
def savings(
    plan_id: PathId,
    file: UploadFile,
    session: SessionDep,
    user: StaffUser,
    format: Literal["json", "html"] = "json",
    lang: Literal["zh", "en"] = "zh",
) -> Any:
    """The plan against the district's current routes: upload today's routes (.xlsx or .csv: one
    row per stop with vehicle, shift, point and optionally order and crew; Chinese or English
    headers). They are timed as crews drive them on the plan's own travel, judged by the
    validator (their rule breaches are part of the report) and compared figure by figure:
    vehicles per shift, km, hours, overtime, trips, CO2, cost, breaches, visits not made.
    Nothing is stored. ``format=html``: the report as a page."""
    row = plan_store.get_plan(session, plan_id)
    problem = problem_from_dict(row.problem, source=f"plan {plan_id} problem")
    current = read_upload(
        file,
        name=Path(file.filename or "routes").name,
        suffixes=ROUTE_SHEET_SUFFIXES,
        max_bytes=MAX_ROUTES_BYTES,
        read=lambda path: time_current_routes(problem, read_current_routes(path)),
    )
    report = savings_report(problem, current, plan_from_dict(row.plan, source=f"plan {plan_id}"))
    report["plan_id"] = plan_id
    if format == "html":
        return HTMLResponse(savings_html(report, lang=lang))
    return report


@router.get("/plans/{plan_id}/validation")
def get_validation(plan_id: PathId, session: SessionDep, user: StaffUser) -> dict[str, Any]:
    """The validator's report on the plan, by rule id."""
    return plan_store.get_plan(session, plan_id).validation


@router.get("/plans/{plan_id}/kpis")
def get_kpis(plan_id: PathId, session: SessionDep, user: StaffUser) -> dict[str, Any]:
    """The plan's key figures (km, hours, tonnes, cost, CO2 …)."""
    return plan_store.get_plan(session, plan_id).kpis


@router.post("/plans/{plan_id}/publish")
def publish_plan(
    plan_id: PathId, session: SessionDep, user: DispatcherUser, force: bool = False
) -> PlanVersion:
    """Publish this version of its day; the day's previously published version is withdrawn.

    The crews' reports move to this version wherever it serves the same stop. A publication that
    would drop reported work, undo a dispatch change (urgent pickup, breakdown re-plan) or replace
    a past day's plan is refused with 409 naming what would be lost, unless ``force`` is true.
    """
    row = plan_store.get_plan(session, plan_id)
    try:
        plan_store.publish_checked(session, row, force=force)
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ConflictError(
            "another version of this day was published at the same time; try again"
        ) from None
    return version_public(row)
