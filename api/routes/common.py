"""What the routers share: the GeoJSON response class and writing records all-or-nothing."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from fastapi import UploadFile
from fastapi.responses import JSONResponse
from sqlalchemy import ColumnElement, func
from sqlalchemy.orm import Session

from api.core.errors import ApiError
from api.repositories import districts as repo
from api.repositories.kinds import RecordKind
from routing.errors import Defect, FieldError, ProblemError

GEOJSON = "application/geo+json"
Rec = TypeVar("Rec")
S = TypeVar("S")
T = TypeVar("T")


class GeoJSONResponse(JSONResponse):
    """JSON served as ``application/geo+json``."""

    media_type = GEOJSON


def geojson_responses(model: Any) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` stating the GeoJSON media type of a 200 answer."""
    return {200: {"content": {GEOJSON: {}}, "model": model}}


def build(convert: Callable[[S], Rec], item: S, *, where: str = "body") -> Rec:
    """``convert(item)``; a :class:`FieldError` is located in the request ``where``."""
    try:
        return convert(item)
    except FieldError as error:
        raise error.at(where) from None


def add_one(session: Session, kind: RecordKind[Rec, Any], district_id: int, record: Rec) -> None:
    """Add one record and commit; nothing is written if any check fails."""
    repo.get_district(session, district_id)
    try:
        repo.add_records(session, kind, district_id, [record])
    except (ApiError, FieldError):
        session.rollback()
        raise
    session.commit()


def replace_one(
    session: Session, kind: RecordKind[Rec, Any], district_id: int, code: str, record: Rec
) -> None:
    """Replace one record and commit; nothing is written if any check fails."""
    try:
        repo.replace_record(session, kind, district_id, code, record)
    except Exception:
        session.rollback()
        raise
    session.commit()


def delete_one(session: Session, kind: RecordKind[Rec, Any], district_id: int, code: str) -> None:
    """Delete one record and commit; a record still referred to stays (409)."""
    try:
        repo.delete_record(session, kind, district_id, code)
    except Exception:
        session.rollback()
        raise
    session.commit()


def bbox_filter(session: Session, geom: Any, bbox: str | None) -> list[ColumnElement[bool]]:
    """A ``west,south,east,north`` box (WGS84) as a spatial filter; PostGIS and SpatiaLite."""
    if bbox is None:
        return []
    try:
        west, south, east, north = (float(v) for v in bbox.split(","))
    except ValueError:
        raise FieldError("bbox", "must be four numbers west,south,east,north").at("query") from None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise FieldError("bbox", "must satisfy west <= east and south <= north, in degrees").at(
            "query"
        )
    bind = session.get_bind()
    if bind.dialect.name == "sqlite":
        box = func.BuildMbr(west, south, east, north, 4326)
    else:
        box = func.ST_MakeEnvelope(west, south, east, north, 4326)
    condition: ColumnElement[bool] = func.ST_Intersects(geom, box) == 1
    if bind.dialect.name != "sqlite":
        condition = func.ST_Intersects(geom, box)
    return [condition]


def read_upload(
    file: UploadFile,
    *,
    name: str,
    suffixes: tuple[str, ...],
    max_bytes: int,
    read: Callable[[Path], T],
) -> T:
    """An uploaded file, named ``name``, read by ``read`` from a temporary copy; a wrong suffix, a
    file above ``max_bytes`` or a bad record is a :class:`ProblemError` naming the upload (its
    records by the upload's name, not the copy's path)."""
    if not name.lower().endswith(suffixes):
        raise ProblemError(
            [Defect("file", "filename", f"must end in {', '.join(suffixes)}")], source="upload"
        )
    data = file.file.read(max_bytes + 1)
    if len(data) > max_bytes:
        message = f"is above {max_bytes // 2**20} MiB"
        raise ProblemError([Defect("file", "size", message)], source="upload")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            return read(path)
        except ProblemError as error:
            raise ProblemError(
                [
                    Defect(d.record.replace(str(path), name), d.field, d.message)
                    for d in error.defects
                ],
                source=name,
            ) from None
