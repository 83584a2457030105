"""Restricted zones (polygons) of a district, as GeoJSON."""

from __future__ import annotations

from api.db import models as m
from api.repositories import convert as c
from api.repositories import kinds as k
from api.routes.features import FeatureResource, feature_router
from api.schemas.records import ZoneFeature

router = feature_router(
    FeatureResource(
        kind=k.ZONES,
        feature=ZoneFeature,
        to_feature=c.zone_feature,
        from_feature=c.zone_from_feature,
        geom=m.ZoneRow.geom,
        path="zones",
        tag="zones",
        singular="zone",
        plural="zones",
        noun="restricted zone",
    )
)
