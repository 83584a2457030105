"""Depots of a district, as GeoJSON."""

from __future__ import annotations

from api.db import models as m
from api.repositories import convert as c
from api.repositories import kinds as k
from api.routes.features import FeatureResource, feature_router
from api.schemas.records import DepotFeature

router = feature_router(
    FeatureResource(
        kind=k.DEPOTS,
        feature=DepotFeature,
        to_feature=c.depot_feature,
        from_feature=c.depot_from_feature,
        geom=m.DepotRow.geom,
        path="depots",
        tag="depots",
        singular="depot",
        plural="depots",
        noun="depot",
    )
)
