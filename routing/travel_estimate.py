"""Estimated travel, for a district whose road network is not loaded yet.

Distance is the great-circle distance times a detour factor; time is that distance at an average
speed per vehicle size class. The figures are defaults (:data:`DEFAULT_ESTIMATE`) or are fitted on
the roads of an OSM extract of a similar area (:func:`routing.network.calibration.calibrate`).
Matrices made this way carry the method ``"estimated"``, so every plan's ``travel`` and every
KPI report's ``travel_method`` made on them says that they rest on no road network.

In a problem file a profile reads::

    {"method": "estimated", "size_class": "large", "detour_factor": 1.38, "speed_kmh": 29.5,
     "calibration": {"source": "campo-grande.osm.gz", "pairs": 3540, ...}}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from routing import fields as p
from routing._checks import checked, require
from routing.domain import Location, SizeClass
from routing.errors import FieldError
from routing.travel import TravelMatrix, straight_line_matrix

ESTIMATED = "estimated"


@dataclass(frozen=True, slots=True)
class TravelEstimate:
    """Great-circle distance × ``detour_factor``, driven at ``speed_kmh[size class]``.

    Parameters
    ----------
    detour_factor
        Road length over great-circle distance (at least 1).
    speed_kmh
        Average speed per size class, km/h, over road length.
    source
        Where the figures come from: ``"default"`` or the OSM extract they were fitted on.
    facts
        How the fit went (pairs sampled, errors on pairs held out), kept with the problem file.
    """

    detour_factor: float
    speed_kmh: Mapping[SizeClass, float]
    source: str = "default"
    facts: Mapping[str, Any] = field(default_factory=dict)

    @checked
    def __post_init__(self) -> None:
        require(self.detour_factor >= 1.0, "detour_factor", "must be at least 1")
        require(set(self.speed_kmh) == set(SizeClass), "speed_kmh", "must give every size class")
        for size, speed in self.speed_kmh.items():
            require(0 < speed < 200, "speed_kmh", f"{size.name.lower()}: must be 0 to 200 km/h")

    def matrix(
        self, locations: Mapping[str, Location], *, size_class: SizeClass, profile: str
    ) -> TravelMatrix:
        """The estimated matrix of ``locations`` for vehicles of ``size_class``."""
        return straight_line_matrix(
            locations,
            profile=profile,
            speed_kmh=self.speed_kmh[size_class],
            detour_factor=self.detour_factor,
            method=ESTIMATED,
        )

    def spec(self, size_class: SizeClass) -> dict[str, Any]:
        """The problem file's travel-profile entry for vehicles of ``size_class``."""
        return {
            "method": ESTIMATED,
            "size_class": size_class.name.lower(),
            "detour_factor": round(self.detour_factor, 4),
            "speed_kmh": round(self.speed_kmh[size_class], 3),
            "calibration": {"source": self.source, **self.facts},
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (what ``huanwei gis calibrate`` prints)."""
        return {
            "method": ESTIMATED,
            "source": self.source,
            "detour_factor": round(self.detour_factor, 4),
            "speed_kmh": {s.name.lower(): round(v, 3) for s, v in sorted(self.speed_kmh.items())},
            **self.facts,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> TravelEstimate:
        """The estimate :meth:`to_dict` wrote.

        Raises
        ------
        FieldError
            Naming the field that is missing or wrong.
        """
        speeds = raw.get("speed_kmh")
        if not isinstance(speeds, Mapping):
            raise FieldError("speed_kmh", "must map size classes to km/h")
        size = p.enum_value(SizeClass)
        known = {"method", "source", "detour_factor", "speed_kmh"}
        return cls(
            detour_factor=p.get(raw, "detour_factor", p.number),
            speed_kmh={size(k, "speed_kmh"): p.number(v, "speed_kmh") for k, v in speeds.items()},
            source=p.get(raw, "source", p.text, "default"),
            facts={k: v for k, v in raw.items() if k not in known},
        )


#: Without a calibration: a 1.3 detour, 25 km/h for trucks and 15 km/h for carts (the district
#: baseline's straight-line figures).
DEFAULT_ESTIMATE = TravelEstimate(
    detour_factor=1.3,
    speed_kmh={size: 15.0 if size is SizeClass.CART else 25.0 for size in SizeClass},
)


def estimated_matrix_from_spec(
    profile: str, spec: Mapping[str, Any], locations: Mapping[str, Location]
) -> TravelMatrix:
    """The matrix a problem file's ``"estimated"`` travel profile describes.

    Raises
    ------
    FieldError
        Naming the field of the spec that is missing or wrong.
    """
    calibration = spec.get("calibration", {})
    if not isinstance(calibration, Mapping):
        raise FieldError("calibration", "must be an object (where the figures come from)")
    p.get(spec, "size_class", p.enum_value(SizeClass), None)  # said for people; checked only
    return straight_line_matrix(
        locations,
        profile=profile,
        speed_kmh=p.get(spec, "speed_kmh", p.number),
        detour_factor=p.get(spec, "detour_factor", p.number),
        method=ESTIMATED,
    )
