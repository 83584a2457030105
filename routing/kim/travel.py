"""The authors' travel rule: Manhattan distance in feet, driven at the file's constant speed."""

from __future__ import annotations

import math

import numpy as np

from routing.kim.reader import KimInstance

FEET_PER_MILE = 5280
SECONDS_PER_HOUR = 3600


def manhattan_ft(instance: KimInstance, a: int, b: int) -> float:
    """Manhattan distance in feet between the sites at row positions ``a`` and ``b``."""
    p, q = instance.sites[a], instance.sites[b]
    return abs(p.x_ft - q.x_ft) + abs(p.y_ft - q.y_ft)


def drive_s(instance: KimInstance, feet: float) -> float:
    """Seconds to drive ``feet`` at the instance's speed (miles per hour)."""
    return feet / FEET_PER_MILE / instance.speed_mph * SECONDS_PER_HOUR


def vehicle_bounds(instance: KimInstance) -> dict[str, int]:
    """Fewest vehicles each daily limit allows on its own, each a valid lower bound.

    - ``yards``: ⌈total yards / yards per vehicle per day⌉ (the issue's bound);
    - ``stops``: ⌈stops / stops per vehicle per day⌉;
    - ``time``: the work no solution avoids — every stop's service, the drive into every stop
      from its nearest other site, and the unloadings of ⌈total yards / trip capacity⌉ trips at
      the quickest facility — over the depot's hours (lunch left out).
    """
    stops = list(instance.stops)
    depot = instance.sites[instance.depot]
    xy = np.array([(s.x_ft, s.y_ft) for s in instance.sites])
    into_ft = []
    for i in stops:
        feet = np.abs(xy - xy[i]).sum(axis=1)
        feet[i] = np.inf
        into_ft.append(float(feet.min()))
    trips = math.ceil(instance.total_yd / instance.capacity_yd)
    unload_s = min((instance.sites[d].service_s for d in instance.disposals), default=0)
    work_s = (
        sum(instance.sites[i].service_s for i in stops)
        + sum(drive_s(instance, f) for f in into_ft)
        + trips * unload_s
    )
    return {
        "yards": math.ceil(instance.total_yd / instance.daily_yd),
        "stops": math.ceil(len(stops) / instance.daily_stops),
        "time": math.ceil(work_s / max(1, depot.late_s - depot.early_s)),
    }
