"""Facilities (transfer stations, landfills, plants) of a district, as GeoJSON."""

from __future__ import annotations

from api.db import models as m
from api.repositories import convert as c
from api.repositories import kinds as k
from api.routes.features import EnumFilter, FeatureResource, feature_router
from api.schemas.records import FacilityFeature
from routing.domain import FacilityKind

router = feature_router(
    FeatureResource(
        kind=k.FACILITIES,
        feature=FacilityFeature,
        to_feature=c.facility_feature,
        from_feature=c.facility_from_feature,
        geom=m.FacilityRow.geom,
        path="facilities",
        tag="facilities",
        singular="facility",
        plural="facilities",
        noun="facility",
        filters=(EnumFilter("kind", FacilityKind, m.FacilityRow.kind),),
    )
)
