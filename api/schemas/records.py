"""Schemas of a district's records: GeoJSON features for what has a place, JSON for the rest.

Every record is named by its ``id`` (its id in the routing model, unique in the district). Field
names and meanings are those of the problem file (docs/problem-format.md).
"""

from __future__ import annotations

from typing import Annotated, Generic, Literal, TypeVar

from geojson_pydantic import Feature, FeatureCollection, Point, Polygon
from pydantic import BaseModel, ConfigDict, Field

from api.schemas.fields import Amount, ClockText, Code, Name, Seconds, SizeName, WindowText
from routing.domain import BodyType, FacilityKind, WasteStream

WHOLE_DAY = "00:00-24:00"
T = TypeVar("T")
F = TypeVar("F", bound=Feature)  # type: ignore[type-arg]


class Strict(BaseModel):
    """Unknown fields are refused, so that a misspelt field is named instead of ignored."""

    model_config = ConfigDict(extra="forbid")


class PointProperties(Strict):
    """A collection point's fields (its place is the feature's geometry)."""

    id: Code
    stream: WasteStream
    kg_per_day: Amount
    litres_per_day: Amount | None = Field(
        default=None, description="default: from kg and the stream's density"
    )
    service_s: Seconds = 120
    time_windows: Annotated[list[WindowText], Field(min_length=1)] = [WHOLE_DAY]
    visits_per_day: Annotated[int, Field(ge=1, le=3)] = 1
    max_size_class: SizeName = "heavy"
    name: Name = ""
    address: Annotated[str, Field(max_length=300)] = ""
    note: Annotated[str, Field(max_length=500, description="access note for crews")] = ""


class DepotProperties(Strict):
    """A depot's fields."""

    id: Code
    name: Name = ""


class FacilityProperties(Strict):
    """A facility's fields; storage and container sizes are for transfer stations."""

    id: Code
    kind: FacilityKind
    accepts: Annotated[list[WasteStream], Field(min_length=1)]
    opening: Annotated[list[WindowText], Field(min_length=1)] = [WHOLE_DAY]
    tipping_s: Seconds = 600
    daily_capacity_kg: Amount = 10**9
    storage_kg: Amount = 0
    container_kg: Amount = 0
    initial_storage_kg: Amount = 0
    name: Name = ""


class ZoneProperties(Strict):
    """A restricted zone's fields (its area is the feature's polygon, exterior ring only)."""

    id: Code
    allowed_size_classes: list[SizeName]
    open_windows: Annotated[list[WindowText], Field(min_length=1)] = [WHOLE_DAY]
    name: Name = ""


class PointFeature(Feature[Point, PointProperties]):
    """A collection point as a GeoJSON feature."""


class DepotFeature(Feature[Point, DepotProperties]):
    """A depot as a GeoJSON feature."""


class FacilityFeature(Feature[Point, FacilityProperties]):
    """A facility as a GeoJSON feature."""


class ZoneFeature(Feature[Polygon, ZoneProperties]):
    """A zone as a GeoJSON feature."""


class FeaturePage(FeatureCollection[F], Generic[F]):
    """One page of features; ``numberMatched`` counts every feature the filters match."""

    number_matched: int = Field(serialization_alias="numberMatched")
    number_returned: int = Field(serialization_alias="numberReturned")
    offset: int
    limit: int


class VehicleTypeRecord(Strict):
    """A kind of truck."""

    id: Code
    body: BodyType
    sealed: bool
    capacity_kg: Annotated[int, Field(gt=0, le=2_000_000_000)]
    capacity_l: Annotated[int, Field(gt=0, le=2_000_000_000)]
    size_class: SizeName
    cost_per_km_fen: Amount = 600
    cost_per_hour_fen: Amount = 8000
    fuel_ml_per_km: Amount = 350
    profile: Code = "default"


class VehicleRecord(Strict):
    """One truck of a type, garaged at a depot."""

    id: Code
    type_id: Code
    depot_id: Code
    name: Name = ""


class CrewRecord(Strict):
    """A crew: longest working time, break, and legal hours."""

    id: Code
    max_work_s: Annotated[int, Field(gt=0, le=86_400)] = 6 * 3600
    break_s: Seconds = 20 * 60
    break_after_s: Annotated[int, Field(gt=0, le=86_400)] = 4 * 3600
    available: WindowText = WHOLE_DAY
    name: Name = ""


class ShiftRecord(Strict):
    """One of the day's shifts."""

    id: Code
    start_s: ClockText
    end_s: ClockText


class Page(BaseModel, Generic[T]):
    """One page of records; ``total`` counts every record the filters match."""

    items: list[T]
    total: int
    offset: int
    limit: int


class ImportResult(BaseModel):
    """What an import wrote."""

    kind: Literal["collection points", "district"]
    created: int
    replaced: int = 0
