"""Road travel as a problem file states it: which OSM file, which class, which links.

A problem file's travel profile may read ``{"method": "road", "osm": "district.osm.pbf",
"size_class": "large", "band": "05:00-09:00", "external_links": [...]}``; the matrix is computed (or
read from the cache) when the file is read, with the problem's zones. A relative ``osm`` path is
taken from the problem file's folder.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from routing import fields as p
from routing.domain import Location, SizeClass, TimeWindow
from routing.errors import FieldError
from routing.fleet import Zone
from routing.network.graph import RoadNetwork
from routing.network.loading import load_network
from routing.network.matrix import ExternalLink, road_matrix
from routing.travel import TravelMatrix
from routing.units import format_clock


def road_spec(
    osm: Path | str,
    size_class: SizeClass,
    *,
    band: TimeWindow | None = None,
    external_links: Sequence[ExternalLink] = (),
) -> dict[str, Any]:
    """The travel-profile entry of a problem file for road travel."""
    spec: dict[str, Any] = {
        "method": "road",
        "osm": str(osm),
        "size_class": size_class.name.lower(),
        "external_links": [
            {
                "location_id": k.location_id,
                "lon": k.via.lon,
                "lat": k.via.lat,
                "length_m": k.length_m,
                "speed_kmh": k.speed_kmh,
            }
            for k in external_links
        ],
    }
    if band is not None:
        spec["band"] = f"{format_clock(band.start_s)}-{format_clock(band.end_s)}"
    return spec


def _link(raw: Mapping[str, Any]) -> ExternalLink:
    f = p.Fields(raw)
    via = f.make(Location, f("lon", p.number), f("lat", p.number))
    return f.result(
        f.make(
            ExternalLink,
            f("location_id", p.text),
            via,
            f("length_m", p.integer),
            f("speed_kmh", p.number),
        )
    )


def road_matrix_from_spec(
    profile: str,
    spec: Mapping[str, Any],
    locations: Mapping[str, Location],
    zones: Sequence[Zone],
    *,
    base_dir: Path | None = None,
    network: RoadNetwork | None = None,
) -> TravelMatrix:
    """The road matrix a problem file's ``"road"`` travel profile describes.

    ``network`` may be passed when the caller has already loaded the spec's OSM file.

    Raises
    ------
    FieldError
        Naming the field of the spec that is missing or wrong (the OSM file's own problems come
        as :class:`~routing.errors.ProblemError` naming the file).
    """
    osm = Path(p.get(spec, "osm", p.text))
    if not osm.is_absolute() and base_dir is not None:
        osm = base_dir / osm
    if not osm.is_file():
        raise FieldError("osm", f"no OSM file at {osm}")
    size = p.get(spec, "size_class", p.enum_value(SizeClass))
    band = p.get(spec, "band", p.window, None)
    raw_links = spec.get("external_links", [])
    if not isinstance(raw_links, list) or not all(isinstance(r, Mapping) for r in raw_links):
        raise FieldError("external_links", "must be a list of objects")
    links = [_link(raw) for raw in raw_links]
    return road_matrix(
        network if network is not None else load_network(osm),
        locations,
        size_class=size,
        zones=zones,
        band=band,
        external_links=links,
        profile=profile,
    )
