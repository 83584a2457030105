"""The authors' travel rule: Manhattan distance in feet, driven at the file's constant speed."""

from __future__ import annotations

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
