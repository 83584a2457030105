"""Real OpenStreetMap extracts for the road-network tests (from ``../shared/data/osm``).

The data are required: when the folder is missing these tests fail, they never skip.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import shapely

from routing.domain import Location
from routing.network import RoadNetwork, load_network

OSM_DIR = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "osm"


@pytest.fixture(scope="session")
def osm_dir() -> Path:
    """The folder of real OSM extracts; a test using it fails if it is missing."""
    if not OSM_DIR.is_dir():
        pytest.fail(
            f"real OSM data missing: {OSM_DIR.resolve()} (kept beside the repository, not in git)"
        )
    return OSM_DIR


@pytest.fixture(scope="session")
def helsinki(osm_dir: Path) -> RoadNetwork:
    """Helsinki city centre: 1 x 1.7 km, one-way streets, service lanes, pedestrian streets."""
    return load_network(osm_dir / "Helsinki.osm.pbf")


@pytest.fixture(scope="session")
def aguascalientes(osm_dir: Path) -> RoadNetwork:
    """Aguascalientes centre (Mexico): a dense grid of one-way streets, 6.8 x 3.2 km."""
    return load_network(osm_dir / "aguascalientes.osm.pbf")


def place(network: RoadNetwork, piece: int, fraction: float) -> Location:
    """The WGS84 position ``fraction`` of the way along way piece ``piece`` (by length)."""
    point = shapely.line_interpolate_point(network.metric_lines()[piece], fraction, normalized=True)
    lon, lat = network.to_metric().transform(point.x, point.y, direction="INVERSE")
    return Location(float(lon), float(lat))


@pytest.fixture(scope="session")
def on_piece() -> Callable[[RoadNetwork, int, float], Location]:
    """:func:`place`, for tests: a position along a way piece."""
    return place
