"""One router factory for the district records that are GeoJSON features.

Collection points, depots, facilities and zones are served alike: a page of features (filter by
box and by the resource's own query filters), add, one, replace, delete. Each resource keeps its
own path parameter (``{depot_id}``) and operation names (``list_depots``), so the OpenAPI spec
reads as if each router were written by hand.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Generic, TypeVar, cast

from fastapi import APIRouter, Body, Query, status

from api.deps import PagingDep, SessionDep, StaffUser
from api.repositories import districts as repo
from api.repositories.kinds import RecordKind
from api.routes import common
from api.routes.common import GEOJSON, GeoJSONResponse
from api.schemas.fields import PathId
from api.schemas.records import FeaturePage

Rec = TypeVar("Rec")
F = TypeVar("F")
BBoxQuery = Annotated[str | None, Query(description="west,south,east,north (WGS84)")]


@dataclass(frozen=True, slots=True)
class EnumFilter:
    """A query parameter ``name`` that keeps the records whose ``column`` holds its value."""

    name: str
    values: type[Enum]
    column: Any


@dataclass(frozen=True, slots=True, kw_only=True)
class FeatureResource(Generic[Rec, F]):
    """A kind of district record served as GeoJSON features.

    Parameters
    ----------
    path, tag
        The path below ``/districts/{district_id}/`` and the OpenAPI tag.
    singular, plural
        Names in operations and the path parameter: ``list_{plural}``, ``{singular}_id``.
    noun
        The record in the operations' descriptions (``"restricted zone"``).
    to_feature, from_feature
        The record as its feature and back (a bad feature raises a ``FieldError``).
    geom
        The geometry column the ``bbox`` filter looks at.
    """

    kind: RecordKind[Rec, Any]
    feature: type[F]
    to_feature: Callable[[Rec], F]
    from_feature: Callable[[F], Rec]
    geom: Any
    path: str
    tag: str
    singular: str
    plural: str
    noun: str
    filters: Sequence[EnumFilter] = ()


def _signature(endpoint: Callable[..., Any], params: Sequence[tuple[str, Any, Any]]) -> None:
    """Give ``endpoint`` (taking ``**values``) the parameters FastAPI reads: name, type, default."""
    cast(Any, endpoint).__signature__ = inspect.Signature(
        [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=kind, default=dflt)
            for name, kind, dflt in params
        ]
    )


def feature_router(r: FeatureResource[Rec, F]) -> APIRouter:
    """The router of ``r``: ``GET``/``POST`` on the collection, ``GET``/``PUT``/``DELETE`` on one."""
    router = APIRouter(prefix=f"/districts/{{district_id}}/{r.path}", tags=[r.tag])
    page = cast(Any, FeaturePage)[r.feature]
    record_id = f"{r.singular}_id"
    empty = inspect.Parameter.empty
    district = ("district_id", PathId, empty)
    code = (record_id, str, empty)
    body = ("feature", Annotated[r.feature, Body(media_type=GEOJSON)], empty)
    auth = [("session", SessionDep, empty), ("user", StaffUser, empty)]
    filters = [(f.name, cast(Any, f.values) | None, None) for f in r.filters]

    def list_records(**v: Any) -> Any:
        session, paging = v["session"], v["paging"]
        repo.get_district(session, v["district_id"])
        where = common.bbox_filter(session, r.geom, v["bbox"])
        where += [f.column == v[f.name].value for f in r.filters if v[f.name] is not None]
        rows, total = repo.list_rows(
            session, r.kind, v["district_id"], offset=paging.offset, limit=paging.limit, where=where
        )
        features = [r.to_feature(r.kind.from_row(row)) for row in rows]
        return page(
            type="FeatureCollection",
            features=features,
            number_matched=total,
            number_returned=len(features),
            offset=paging.offset,
            limit=paging.limit,
        )

    def create_record(**v: Any) -> Any:
        record = common.build(r.from_feature, v["feature"])
        common.add_one(v["session"], r.kind, v["district_id"], record)
        return r.to_feature(record)

    def get_record(**v: Any) -> Any:
        row = repo.get_row(v["session"], r.kind, v["district_id"], v[record_id])
        return r.to_feature(r.kind.from_row(row))

    def replace_record(**v: Any) -> Any:
        record = common.build(r.from_feature, v["feature"])
        common.replace_one(v["session"], r.kind, v["district_id"], v[record_id], record)
        return r.to_feature(record)

    def delete_record(**v: Any) -> None:
        common.delete_one(v["session"], r.kind, v["district_id"], v[record_id])

    by = " and ".join([*(f.name for f in r.filters), "box"])
    one = f"/{{{record_id}}}"
    feature = {"response_model": r.feature, "response_class": GeoJSONResponse}
    operations: list[tuple[str, str, Callable[..., Any], list[Any], str, str, dict[str, Any]]] = [
        (
            "",
            "GET",
            list_records,
            [district, *auth, ("paging", PagingDep, empty), ("bbox", BBoxQuery, None), *filters],
            f"list_{r.plural}",
            f"A page of the district's {r.noun} records, by id; filter by {by}.",
            {
                "response_model": page,
                "response_class": GeoJSONResponse,
                "responses": common.geojson_responses(page),
            },
        ),
        (
            "",
            "POST",
            create_record,
            [district, body, *auth],
            f"create_{r.singular}",
            f"Add a {r.noun}.",
            feature | {"status_code": status.HTTP_201_CREATED},
        ),
        (
            one,
            "GET",
            get_record,
            [district, code, *auth],
            f"get_{r.singular}",
            f"One {r.noun}.",
            feature,
        ),
        (
            one,
            "PUT",
            replace_record,
            [district, code, body, *auth],
            f"replace_{r.singular}",
            f"Replace a {r.noun} (its id may change unless others refer to it).",
            feature,
        ),
        (
            one,
            "DELETE",
            delete_record,
            [district, code, *auth],
            f"delete_{r.singular}",
            f"Delete a {r.noun}; one that others refer to stays (409).",
            {"status_code": status.HTTP_204_NO_CONTENT},
        ),
    ]
    for path, method, endpoint, params, name, description, options in operations:
        _signature(endpoint, params)
        router.add_api_route(
            path, endpoint, methods=[method], name=name, description=description, **options
        )
    return router
