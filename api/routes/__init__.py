"""One router per resource."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import (
    auth,
    calendars,
    crews,
    depots,
    dispatch,
    districts,
    driver,
    facilities,
    plan_jobs,
    plans,
    points,
    road_networks,
    scenarios,
    shifts,
    vehicle_types,
    vehicles,
    web,
    zones,
)

ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    districts.router,
    road_networks.router,
    points.router,
    depots.router,
    facilities.router,
    vehicle_types.router,
    vehicles.router,
    crews.router,
    shifts.router,
    zones.router,
    plan_jobs.router,
    calendars.router,
    plans.router,
    driver.router,
    dispatch.router,
    scenarios.router,
    web.router,
)
