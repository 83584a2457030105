"""What the routers of the district records that are GeoJSON features share.

Collection points, depots, facilities and zones are served alike: a page of features (filter by
box and by the resource's own query filters), add, one, replace, delete. Each router writes its
endpoints out (its own path parameter, ``{depot_id}``, and operation names, ``list_depots``) and
calls these for the work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from geojson_pydantic import Feature
from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from api.deps import Paging
from api.repositories import districts as repo
from api.repositories.kinds import RecordKind
from api.routes import common
from api.schemas.records import FeaturePage

Rec = TypeVar("Rec")
F = TypeVar("F", bound=Feature)  # type: ignore[type-arg]
BBoxQuery = Annotated[str | None, Query(description="west,south,east,north (WGS84)")]


@dataclass(frozen=True, slots=True, kw_only=True)
class FeatureKind(Generic[Rec, F]):
    """A kind of district record served as GeoJSON features.

    Parameters
    ----------
    kind
        How the record is stored.
    to_feature, from_feature
        The record as its feature and back (a bad feature raises a ``FieldError``).
    geom
        The geometry column the ``bbox`` filter looks at.
    """

    kind: RecordKind[Rec, Any]
    to_feature: Callable[[Rec], F]
    from_feature: Callable[[F], Rec]
    geom: Any


def feature_page(
    session: Session,
    kind: FeatureKind[Rec, F],
    district_id: int,
    paging: Paging,
    *,
    page: type[FeaturePage[F]],
    bbox: str | None,
    where: Sequence[ColumnElement[bool]] = (),
) -> FeaturePage[F]:
    """A page of the district's features of ``kind`` in the box ``bbox`` that match ``where``.

    Parameters
    ----------
    page
        The page's class (``FeaturePage[PointFeature]``).
    bbox
        A ``west,south,east,north`` box (WGS84), or None for anywhere.
    where
        The resource's own filters.
    """
    repo.get_district(session, district_id)
    conditions = [*common.bbox_filter(session, kind.geom, bbox), *where]
    rows, total = repo.list_rows(
        session, kind.kind, district_id, offset=paging.offset, limit=paging.limit, where=conditions
    )
    features = [kind.to_feature(kind.kind.from_row(row)) for row in rows]
    return page(
        type="FeatureCollection",
        features=features,
        number_matched=total,
        number_returned=len(features),
        offset=paging.offset,
        limit=paging.limit,
    )


def create_feature(session: Session, kind: FeatureKind[Rec, F], district_id: int, feature: F) -> F:
    """Add the record ``feature`` describes (committed); its feature."""
    record = common.build(kind.from_feature, feature)
    common.add_one(session, kind.kind, district_id, record)
    return kind.to_feature(record)


def get_feature(session: Session, kind: FeatureKind[Rec, F], district_id: int, code: str) -> F:
    """The feature of record ``code``."""
    row = repo.get_row(session, kind.kind, district_id, code)
    return kind.to_feature(kind.kind.from_row(row))


def replace_feature(
    session: Session, kind: FeatureKind[Rec, F], district_id: int, code: str, feature: F
) -> F:
    """Replace record ``code`` by the one ``feature`` describes (committed); its feature."""
    record = common.build(kind.from_feature, feature)
    common.replace_one(session, kind.kind, district_id, code, record)
    return kind.to_feature(record)
