"""Fitting estimated travel (:class:`~routing.travel_estimate.TravelEstimate`) on real roads.

Where a district's own road network is not loaded, an OSM extract of a similar area says how much
longer than the straight line its roads run and how fast each vehicle class gets along them:

1. ``samples`` positions are drawn on the large trucks' main network (in proportion to road
   length, :func:`~routing.network.benchmark.random_road_points`) and split in two halves;
2. for every size class, the road matrix between them (time-optimal routes,
   :func:`~routing.network.matrix.matrix_from_snapped`);
3. on the pairs within the first half (farther apart than ``min_pair_m``, reachable), the detour
   factor is their total road length over their total great-circle length, and a class's speed
   their total road length over their total time — so the sample's kilometres and hours are
   reproduced in sum;
4. on the pairs within the second half, held out, the median and 90th percentile of the relative
   error of the estimated distance and time against the road figures are reported.

A class the sample's roads do not admit (no road close enough) keeps the default speed; the
calibration says which.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from routing.domain import Location, SizeClass
from routing.errors import Defect, ProblemError
from routing.network.benchmark import random_road_points
from routing.network.graph import RoadNetwork
from routing.network.loading import load_network
from routing.network.matrix import UNREACHABLE, matrix_from_snapped
from routing.network.snapping import snap_locations
from routing.travel import straight_line_matrix
from routing.travel_estimate import DEFAULT_ESTIMATE, TravelEstimate

DEFAULT_SAMPLES = 160
MIN_PAIR_M = 300.0  # shorter pairs are dominated by where the points meet their road


@dataclass(frozen=True, slots=True)
class _Pairs:
    """Great-circle metres and, per class, road metres and seconds of the sampled pairs."""

    great_circle_m: NDArray[np.float64]
    road_m: dict[SizeClass, NDArray[np.float64]]
    road_s: dict[SizeClass, NDArray[np.float64]]


def calibrate(
    osm: str | os.PathLike[str] | RoadNetwork,
    *,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    min_pair_m: float = MIN_PAIR_M,
) -> TravelEstimate:
    """A :class:`TravelEstimate` fitted on the roads of an OSM extract (see the module).

    Raises
    ------
    ProblemError
        If the extract has too few roads to draw ``samples`` usable pairs from.
    """
    network = osm if isinstance(osm, RoadNetwork) else load_network(osm)
    if samples < 8:
        raise ValueError(f"samples must be at least 8, got {samples}")
    points = random_road_points(network, samples, seed=seed, size_class=SizeClass.LARGE)
    ids = list(points)
    half = len(ids) // 2
    fit_ids, test_ids = ids[:half], ids[half:]
    fit = _pairs(network, {i: points[i] for i in fit_ids}, min_pair_m)
    test = _pairs(network, {i: points[i] for i in test_ids}, min_pair_m)
    usable = len(fit.great_circle_m)
    if usable < 10:
        message = f"gives only {usable} sample pairs over {min_pair_m:g} m apart"
        raise ProblemError([Defect(network.source, "calibration", message)])
    speeds = dict(DEFAULT_ESTIMATE.speed_kmh)
    calibrated: list[str] = []
    detour = float(fit.road_m[SizeClass.LARGE].sum() / fit.great_circle_m.sum())
    for size in SizeClass:
        if size in fit.road_s and fit.road_s[size].sum() > 0:
            speeds[size] = float(fit.road_m[size].sum() / fit.road_s[size].sum() * 3.6)
            calibrated.append(size.name.lower())
    estimate = TravelEstimate(max(1.0, detour), speeds, source=Path(network.source).name)
    errors = _held_out_errors(estimate, test)
    return TravelEstimate(
        estimate.detour_factor,
        speeds,
        source=estimate.source,
        facts={
            "seed": seed,
            "samples": samples,
            "fit_pairs": usable,
            "held_out_pairs": len(test.great_circle_m),
            "min_pair_m": min_pair_m,
            "calibrated_classes": calibrated,
            **errors,
        },
    )


def _pairs(network: RoadNetwork, locations: Mapping[str, Location], min_pair_m: float) -> _Pairs:
    straight = straight_line_matrix(locations, detour_factor=1.0).distance_m.astype(np.float64)
    off_diagonal = ~np.eye(len(locations), dtype=bool)
    keep = off_diagonal & (straight > min_pair_m)
    road_m: dict[SizeClass, NDArray[np.float64]] = {}
    road_s: dict[SizeClass, NDArray[np.float64]] = {}
    for size in SizeClass:
        try:
            snapped = snap_locations(network, locations, size_class=size)
        except ProblemError:
            continue  # no road of this class near the sample: keep the default speed
        metres, seconds = matrix_from_snapped(network, snapped, location_ids=list(locations))
        road_m[size], road_s[size] = metres.astype(np.float64), seconds.astype(np.float64)
        keep &= metres < UNREACHABLE
    return _Pairs(
        straight[keep],
        {size: m[keep] for size, m in road_m.items()},
        {size: s[keep] for size, s in road_s.items()},
    )


def _held_out_errors(estimate: TravelEstimate, test: _Pairs) -> dict[str, float]:
    """Median and 90th percentile relative errors of estimated distance and time (large class)."""
    if len(test.great_circle_m) == 0 or SizeClass.LARGE not in test.road_m:
        return {}
    road_m, road_s = test.road_m[SizeClass.LARGE], test.road_s[SizeClass.LARGE]
    est_m = test.great_circle_m * estimate.detour_factor
    est_s = est_m / (estimate.speed_kmh[SizeClass.LARGE] / 3.6)
    dist_err = np.abs(est_m - road_m) / np.maximum(road_m, 1.0)
    time_err = np.abs(est_s - road_s) / np.maximum(road_s, 1.0)
    return {
        "distance_error_median": round(float(np.median(dist_err)), 4),
        "distance_error_p90": round(float(np.quantile(dist_err, 0.9)), 4),
        "time_error_median": round(float(np.median(time_err)), 4),
        "time_error_p90": round(float(np.quantile(time_err, 0.9)), 4),
        "held_out_total_km_ratio": round(float(est_m.sum() / road_m.sum()), 4),
        "held_out_total_h_ratio": round(float(est_s.sum() / road_s.sum()), 4),
    }
