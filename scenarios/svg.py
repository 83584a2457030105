"""Inline SVG drawn in Python, for reports read offline: bar and line charts, route maps.

No scripts and no network: every figure is a self-contained ``<svg>`` string. Maps draw the road
network's streets in grey, each route as a line through its stops coloured by stream, and the
facilities; places beyond the map's edge (a landfill 18 km out) sit on the edge with a note.
Every map carries the OpenStreetMap attribution.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

import numpy as np

from routing.domain import Location
from routing.network import RoadNetwork

ATTRIBUTION = "© OpenStreetMap contributors"
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f")
STREAM_COLOURS = {
    "residual": "#4e79a7",
    "kitchen": "#f28e2b",
    "recyclable": "#59a14f",
    "bulky": "#9c755f",
    "night_soil": "#b07aa1",
    "special": "#e15759",
}
FONT = 'font-family="sans-serif" font-size="11"'


def colour(i: int) -> str:
    """The ``i``-th series colour."""
    return PALETTE[i % len(PALETTE)]


def _nice(value: float) -> float:
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return float(next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value))


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float], unit: str) -> str:
    """Horizontal bars, one per label, with the value written at the bar's end."""
    width, row, left = 560, 22, 170
    height = 34 + row * len(labels)
    top = _nice(max([abs(v) for v in values] + [0.0]))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}">',
        f'<text x="4" y="14" {FONT} font-weight="bold">{escape(title)} ({escape(unit)})</text>',
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 24 + i * row
        length = (width - left - 90) * abs(value) / top
        parts.append(
            f'<text x="{left - 6}" y="{y + 14}" {FONT} text-anchor="end">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{left}" y="{y + 3}" width="{length:.1f}" height="{row - 6}" fill="{colour(i)}"/>'
        )
        parts.append(f'<text x="{left + length + 4:.1f}" y="{y + 14}" {FONT}>{value:,.1f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def grouped_bars(
    title: str, groups: Sequence[str], series: Mapping[str, Sequence[float]], unit: str
) -> str:
    """Vertical bars: for each group (a shift), one bar per series (a scenario)."""
    width, height, bottom, left = 560, 220, 40, 40
    n = max(1, len(series))
    top = _nice(max([v for values in series.values() for v in values] + [0.0]))
    slot = (width - left - 10) / max(1, len(groups))
    bar = slot * 0.8 / n
    parts = _axes(title, unit, (width, height, bottom, left), top, n)
    span = height - bottom - 24
    for g, group in enumerate(groups):
        x0 = left + g * slot + slot * 0.1
        parts.append(
            f'<text x="{x0 + slot * 0.4:.1f}" y="{height - bottom + 14}" {FONT} '
            f'text-anchor="middle">{escape(group)}</text>'
        )
        for s, values in enumerate(series.values()):
            h = span * values[g] / top
            parts.append(
                f'<rect x="{x0 + s * bar:.1f}" y="{height - bottom - h:.1f}" width="{bar * 0.9:.1f}" '
                f'height="{h:.1f}" fill="{colour(s)}"><title>{values[g]:g}</title></rect>'
            )
    parts.extend(_legend(list(series), height, left))
    parts.append("</svg>")
    return "".join(parts)


def _axes(
    title: str, unit: str, box: tuple[int, int, int, int], top: float, series: int
) -> list[str]:
    """The opening of a chart: the svg element (room for a legend of ``series``), title, axis."""
    width, height, bottom, left = box
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 20 * series}" '
        f'role="img" aria-label="{escape(title)}">',
        f'<text x="4" y="14" {FONT} font-weight="bold">{escape(title)} ({escape(unit)})</text>',
        f'<text x="{left - 4}" y="28" {FONT} text-anchor="end">{top:g}</text>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#999"/>',
    ]


def _legend(names: Sequence[str], y0: float, x0: float) -> list[str]:
    out = []
    for i, name in enumerate(names):
        y = y0 + 20 * i - 12
        out.append(f'<rect x="{x0}" y="{y}" width="10" height="10" fill="{colour(i)}"/>')
        out.append(f'<text x="{x0 + 14}" y="{y + 9}" {FONT}>{escape(name)}</text>')
    return out


def line_chart(
    title: str, xs: Sequence[str], series: Mapping[str, Sequence[float]], unit: str
) -> str:
    """Lines over shared x labels (hours of the day), one per series."""
    width, height, bottom, left = 560, 200, 34, 44
    top = _nice(max([v for values in series.values() for v in values] + [0.0]))
    step = (width - left - 10) / max(1, len(xs) - 1)
    span = height - bottom - 24
    parts = _axes(title, unit, (width, height, bottom, left), top, len(series))
    for i, x in enumerate(xs):
        if i % 2 == 0:
            parts.append(
                f'<text x="{left + i * step:.1f}" y="{height - bottom + 14}" {FONT} '
                f'text-anchor="middle">{escape(x)}</text>'
            )
    for s, (name, values) in enumerate(series.items()):
        points = " ".join(
            f"{left + i * step:.1f},{height - bottom - span * v / top:.1f}"
            for i, v in enumerate(values)
        )
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour(s)}" stroke-width="2">'
            f"<title>{escape(name)}</title></polyline>"
        )
    parts.extend(_legend(list(series), height, left))
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class MapFrame:
    """A lon/lat box drawn ``width`` pixels wide (height from the box's true proportions)."""

    west: float
    south: float
    east: float
    north: float
    width: int = 520

    @property
    def height(self) -> int:
        ratio = (self.north - self.south) / max(
            1e-9, (self.east - self.west) * math.cos(math.radians((self.north + self.south) / 2))
        )
        return max(120, min(900, round(self.width * ratio)))

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        x = (lon - self.west) / max(1e-12, self.east - self.west) * self.width
        y = (self.north - lat) / max(1e-12, self.north - self.south) * self.height
        return x, y

    def inside(self, where: Location) -> bool:
        return self.west <= where.lon <= self.east and self.south <= where.lat <= self.north

    def clamp(self, where: Location) -> tuple[float, float]:
        x, y = self.xy(where.lon, where.lat)
        return min(max(x, 6.0), self.width - 6.0), min(max(y, 6.0), self.height - 6.0)


def frame_for(network: RoadNetwork | None, places: Sequence[Location]) -> MapFrame:
    """The map's box: the road network's (places off it are drawn on its edge), else the places'."""
    if network is not None:
        west, east = float(network.node_lon.min()), float(network.node_lon.max())
        south, north = float(network.node_lat.min()), float(network.node_lat.max())
    else:
        lons = [p.lon for p in places] or [0.0]
        lats = [p.lat for p in places] or [0.0]
        west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    pad_x, pad_y = (east - west) * 0.03 + 1e-4, (north - south) * 0.03 + 1e-4
    return MapFrame(west - pad_x, south - pad_y, east + pad_x, north + pad_y)


def streets_path(network: RoadNetwork, frame: MapFrame) -> str:
    """The network's streets as one SVG path (each way piece between junctions)."""
    x = (network.geom_lon - frame.west) / (frame.east - frame.west) * frame.width
    y = (frame.north - network.geom_lat) / (frame.north - frame.south) * frame.height
    offsets = network.geom_offsets
    commands: list[str] = []
    for start, end in itertools.pairwise(offsets.tolist()):
        if end - start < 2:
            continue
        xs, ys = np.round(x[start:end], 1), np.round(y[start:end], 1)
        commands.append("M" + "L".join(f"{a:g},{b:g}" for a, b in zip(xs, ys, strict=True)))
    return f'<path d="{"".join(commands)}" fill="none" stroke="#d0d0d0" stroke-width="0.8"/>'


@dataclass(frozen=True, slots=True)
class MapPlace:
    """A facility or depot to mark on a map."""

    id: str
    kind: str
    where: Location


def route_map(
    title: str,
    frame: MapFrame,
    streets: str,
    routes: Sequence[tuple[str, Sequence[Location]]],
    places: Sequence[MapPlace],
    *,
    dots: Sequence[Location] = (),
    off_map: str = " (off map)",
) -> str:
    """A route map: streets, each route (stream, stops in order), the facilities, and ``dots``
    (collection points) where given; ``off_map`` follows the name of a place beyond the map's
    edge (in the page's language)."""
    w, h = frame.width, frame.height
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h + 18}" '
        f'viewBox="0 0 {w} {h + 18}" role="img" aria-label="{escape(title)}">',
        f'<rect width="{w}" height="{h}" fill="#fafafa" stroke="#ccc"/>',
        streets,
    ]
    for stream, stops in routes:
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in (frame.clamp(s) for s in stops))
        parts.append(
            f'<polyline points="{coords}" fill="none" stroke="{STREAM_COLOURS.get(stream, "#333")}" '
            f'stroke-width="1.2" stroke-opacity="0.75"/>'
        )
    for dot in dots:
        x, y = frame.clamp(dot)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.5" fill="#4e79a7"/>')
    for place in places:
        x, y = frame.clamp(place.where)
        fill = "#222" if place.kind == "depot" else "#e15759"
        parts.append(f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{fill}"/>')
        note = "" if frame.inside(place.where) else off_map
        anchor = "end" if x > w * 0.75 else "start"
        dx = -6 if anchor == "end" else 6
        parts.append(
            f'<text x="{x + dx:.1f}" y="{y - 5:.1f}" {FONT} text-anchor="{anchor}">'
            f"{escape(place.id + note)}</text>"
        )
    parts.append(
        f'<text x="4" y="{h + 13}" {FONT} fill="#555">{escape(title)} · {ATTRIBUTION}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
