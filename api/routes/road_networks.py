"""A district's road network: the OSM extract it plans on (uploaded, or one the server holds).

=================================================  ===============================================
path                                               what
=================================================  ===============================================
``GET /road-extracts``                             the extracts the server holds (by file name)
``GET /districts/{id}/road-network``               how the district's travel is computed
``PUT /districts/{id}/road-network``               plan on one of the server's extracts (by name)
``POST /districts/{id}/road-network``              plan on an uploaded extract (.osm.pbf, .osm…)
``DELETE /districts/{id}/road-network``            back to straight lines
=================================================  ===============================================

An extract is attached only if every collection point of the district lies on its roads (each
size class's main network within the snapping distance); depots and facilities beyond it join it
by a road link. The road matrices are computed then (and cached), so the first plan is quick.
Uploaded extracts are kept under the data directory, named by their content.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, File, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from api.core.errors import NotFoundError
from api.db import models as m
from api.deps import SessionDep, SettingsDep, StaffUser
from api.repositories import districts as repo
from api.repositories import travel
from api.routes import common
from api.routes.web import road_sources
from api.schemas.fields import PathId
from routing.errors import Defect, ProblemError

router = APIRouter(tags=["districts"])

SUFFIXES = (".osm.pbf", ".osm", ".osm.gz")
MAX_EXTRACT_BYTES = 200 * 1024 * 1024


class RoadExtract(BaseModel):
    """An OSM extract the server holds."""

    name: str
    size_bytes: int


class RoadNetworkChoice(BaseModel):
    """One of the server's extracts, by the name ``GET /road-extracts`` lists."""

    model_config = ConfigDict(extra="forbid")

    extract: str = Field(min_length=1, max_length=300)


class RoadNetworkPublic(BaseModel):
    """How a district's travel is computed: on roads (which extract, its size, what joins it by
    a link) or along straight lines."""

    method: Literal["road", "straight-line"]
    source: str | None = None
    junctions: int | None = None
    road_km: float | None = None
    linked: list[str] = Field(
        default_factory=list, description="depots and facilities beyond the extract"
    )


def _public(session: SessionDep, district: m.District) -> RoadNetworkPublic:
    if district.road_osm is None:
        return RoadNetworkPublic(method="straight-line")
    network = travel.road_network(district.road_osm)
    parts = repo.district_records(session, district, with_travel=False)
    places = [d.id for d in parts.depots] + [f.id for f in parts.facilities]
    km = float(network.edge_length_m.sum()) / 1000 / 2  # two-way streets counted once, about
    return RoadNetworkPublic(
        method="road",
        source=Path(district.road_osm).name,
        junctions=int(network.node_lon.size),
        road_km=round(km, 1),
        linked=sorted(travel.off_map(network, parts.locations(), places)),
    )


def _check(session: SessionDep, district: m.District, osm: Path) -> None:
    """Check that the district can plan on ``osm``, computing (and caching) its matrices.

    Raises
    ------
    ProblemError
        The extract is not readable OSM data, or holds a collection point off its roads.
    """
    parts = repo.district_records(session, district, with_travel=False)
    points = {p.id for p in parts.points}
    if points and travel.off_map(travel.road_network(osm), parts.locations(), points) == points:
        message = f"covers none of the district's {len(points)} collection points"
        raise ProblemError([Defect(str(osm), "extract", message)], source=str(osm))
    travel.build_road_travel(
        osm,
        parts.locations(),
        parts.vehicle_types,
        parts.zones,
        places=[d.id for d in parts.depots] + [f.id for f in parts.facilities],
    )


@router.get("/road-extracts")
def list_extracts(user: StaffUser) -> list[RoadExtract]:
    """The OSM extracts the server holds (``HUANWEI_ROAD_OSM``), to name in ``PUT``."""
    return [
        RoadExtract(name=path.name, size_bytes=path.stat().st_size)
        for path in road_sources()
        if path.is_file()
    ]


@router.get("/districts/{district_id}/road-network")
def get_road_network(
    district_id: PathId, session: SessionDep, user: StaffUser
) -> RoadNetworkPublic:
    """How the district's travel is computed."""
    return _public(session, repo.get_district(session, district_id))


@router.put("/districts/{district_id}/road-network")
def choose_road_network(
    district_id: PathId, body: RoadNetworkChoice, session: SessionDep, user: StaffUser
) -> RoadNetworkPublic:
    """Plan the district on one of the server's extracts (``GET /road-extracts``)."""
    district = repo.get_district(session, district_id)
    found = {path.name: path for path in road_sources() if path.is_file()}
    if body.extract not in found:
        known = ", ".join(sorted(found)) or "none"
        raise NotFoundError(
            f"the server holds no extract {body.extract!r} (it holds: {known})",
            loc=("body", "extract"),
        )
    osm = found[body.extract]
    try:
        _check(session, district, osm)
    except ProblemError as error:
        raise ProblemError(
            [
                Defect(d.record.replace(str(osm), osm.name), d.field, d.message)
                for d in error.defects
            ],
            source=osm.name,
        ) from None
    district.road_osm = str(osm)
    session.commit()
    return _public(session, district)


@router.post("/districts/{district_id}/road-network")
def upload_road_network(
    district_id: PathId,
    file: Annotated[UploadFile, File(description="an OSM extract: .osm.pbf, .osm or .osm.gz")],
    session: SessionDep,
    settings: SettingsDep,
    user: StaffUser,
) -> RoadNetworkPublic:
    """Plan the district on an uploaded OSM extract, kept on the server."""
    district = repo.get_district(session, district_id)
    name = Path(file.filename or "extract").name.lower()
    folder = Path(settings.data_dir) / "roads"

    def keep(path: Path) -> Path:
        _check(session, district, path)
        suffix = next(s for s in SUFFIXES if name.endswith(s))
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        folder.mkdir(parents=True, exist_ok=True)
        kept = folder / f"{digest}{suffix}"
        if not kept.is_file():
            shutil.copyfile(path, kept)
        return kept

    kept = common.read_upload(
        file, name=name, suffixes=SUFFIXES, max_bytes=MAX_EXTRACT_BYTES, read=keep
    )
    district.road_osm = str(kept)
    session.commit()
    return _public(session, district)


@router.delete("/districts/{district_id}/road-network")
def drop_road_network(
    district_id: PathId, session: SessionDep, user: StaffUser
) -> RoadNetworkPublic:
    """Plan the district along straight lines again."""
    district = repo.get_district(session, district_id)
    district.road_osm = None
    session.commit()
    return _public(session, district)
