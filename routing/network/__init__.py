"""Real road networks from OpenStreetMap, snapping, and travel matrices per vehicle class.

Typical use::

    network = load_network("district.osm.pbf")
    matrix = road_matrix(network, locations, size_class=SizeClass.LARGE, zones=zones)
"""

from routing.network.benchmark import matrix_benchmark as matrix_benchmark
from routing.network.benchmark import peak_memory_mb as peak_memory_mb
from routing.network.benchmark import random_road_points as random_road_points
from routing.network.cache import CACHE_DIR_ENV as CACHE_DIR_ENV
from routing.network.cache import matrix_cache_dir as matrix_cache_dir
from routing.network.graph import ClassView as ClassView
from routing.network.graph import RoadNetwork as RoadNetwork
from routing.network.loading import load_network as load_network
from routing.network.matrix import UNREACHABLE as UNREACHABLE
from routing.network.matrix import ExternalLink as ExternalLink
from routing.network.matrix import RoadIslandWarning as RoadIslandWarning
from routing.network.matrix import matrix_from_snapped as matrix_from_snapped
from routing.network.matrix import road_matrix as road_matrix
from routing.network.profiles import HIGHWAY_RULES as HIGHWAY_RULES
from routing.network.profiles import VEHICLE_SIZES as VEHICLE_SIZES
from routing.network.profiles import way_rule as way_rule
from routing.network.snapping import MAX_SNAP_M as MAX_SNAP_M
from routing.network.snapping import Snapped as Snapped
from routing.network.snapping import snap_locations as snap_locations
from routing.network.spec import road_matrix_from_spec as road_matrix_from_spec
from routing.network.spec import road_spec as road_spec
from routing.network.summary import NetworkSummary as NetworkSummary
from routing.network.summary import summarize as summarize

__all__ = [
    "CACHE_DIR_ENV",
    "HIGHWAY_RULES",
    "MAX_SNAP_M",
    "UNREACHABLE",
    "VEHICLE_SIZES",
    "ClassView",
    "ExternalLink",
    "NetworkSummary",
    "RoadIslandWarning",
    "RoadNetwork",
    "Snapped",
    "load_network",
    "matrix_benchmark",
    "matrix_cache_dir",
    "matrix_from_snapped",
    "peak_memory_mb",
    "random_road_points",
    "road_matrix",
    "road_matrix_from_spec",
    "road_spec",
    "snap_locations",
    "summarize",
    "way_rule",
]
