"""The Huangdao district (黄岛区, Qingdao West Coast New Area): 3,000 real collection sites.

Data: the Large-Scale-WCP dataset of Lan, Ye, Ruan, Liu, Yang and Yao, "Region-Focused Memetic
Algorithms With Smart Initialization for Real-World Large-Scale Waste Collection Problems",
IEEE TEVC 26(4):704-718, 2022 (MIT licence), read from ``../shared/data/benchmarks/qingdao-huangdao``
(or ``$HUANWEI_HUANGDAO_DIR``); never copied into the project. It gives, per site, a position
(integer micro-degrees), ``capacity`` (multiples of 240: read as litres of 240-L bins a day),
``stopLength`` (service seconds) and ``workTimes`` (all 07:00-17:00); 3 depots and 3 disposal
facilities (one shares a depot's place and id).

What the data does not say is filled in here and stated (:class:`HuangdaoSpec`):

- positions are GCJ-02 (the ids are a Chinese platform's; SOURCE.txt): converted to WGS84;
- every site is residual waste; kilograms are its litres at the residual density of
  :data:`gis_data.point_fields.DENSITY_KG_PER_M3` (200 kg/m³): 5,009,520 L → 1,002 t a day;
- the disposal facilities take residual waste 05:00-22:00 with a 10-minute tipping, no daily cap;
- two six-hour shifts cover the sites' hours (06:00-12:00, 12:00-18:00); crews of 6 h with a
  20-minute break after 4 h; handover 15 min;
- sealed 8 t compactors, the same number at each depot; a compactor's volume is the loose volume
  of 8 t (40 m³ at 200 kg/m³: a 14 m³ body compacting about 2.9:1);
- there is no road network: travel is estimated (:mod:`routing.travel_estimate`), from the
  default figures or fitted on the roads of an OSM extract of a similar area (``osm``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gis_data.coords import CoordinateSystem, to_wgs84
from gis_data.point_fields import DENSITY_KG_PER_M3
from routing import fields as p
from routing.domain import (
    BodyType,
    CollectionPoint,
    Depot,
    Facility,
    FacilityKind,
    Location,
    SizeClass,
    TimeWindow,
    WasteStream,
)
from routing.errors import Defect, DefectCollector, FieldError, ProblemError
from routing.fleet import Crew, RuleParameters, Shift, Vehicle, VehicleType
from routing.problem import Problem, locations_by_id
from routing.travel_estimate import DEFAULT_ESTIMATE, TravelEstimate
from routing.units import CUBIC_METRE, HOUR, MINUTE, TONNE, round_int

DATA_ENV = "HUANWEI_HUANGDAO_DIR"
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "shared/data/benchmarks/qingdao-huangdao"
MICRO_DEGREES = 1_000_000
CALIBRATION_SEED = 0  # the travel fit does not change with the planning seed


@dataclass(frozen=True, slots=True)
class HuangdaoSpec:
    """What the data leaves open, with the choices of the module's description."""

    crs: CoordinateSystem = CoordinateSystem.GCJ02
    litres_per_capacity_unit: float = 1.0
    kg_per_m3: int = DENSITY_KG_PER_M3[WasteStream.RESIDUAL]
    compactors_per_depot: int = 12
    compactor_kg: int = 8 * TONNE
    shifts: tuple[tuple[str, str, str], ...] = (("S1", "06:00", "12:00"), ("S2", "12:00", "18:00"))
    disposal_opening: tuple[str, str] = ("05:00", "22:00")
    tipping_s: int = 10 * MINUTE
    sites: int | None = None  # the first N sites of the file only (tests, small runs)


@dataclass(frozen=True, slots=True)
class Site:
    """One record of the data: a place (WGS84 once read) and what the file says of it."""

    id: str
    location: Location
    capacity: int
    service_s: int
    windows: tuple[TimeWindow, ...]


@dataclass(frozen=True, slots=True)
class HuangdaoData:
    """The three files, read and converted to WGS84."""

    sites: tuple[Site, ...]
    depots: tuple[tuple[str, Location], ...]
    disposal: tuple[tuple[str, Location], ...]


def data_dir() -> Path:
    """Where the data is: ``$HUANWEI_HUANGDAO_DIR`` or ``../shared/data/benchmarks/qingdao-huangdao``."""
    return Path(os.environ.get(DATA_ENV) or DEFAULT_DATA_DIR)


def _position(raw: Mapping[str, Any], crs: CoordinateSystem, f: p.Fields) -> Location:
    lon, lat = f("lng", p.integer), f("lat", p.integer)
    if lon is None or lat is None:
        return Location(0.0, 0.0)
    return Location(*to_wgs84(lon / MICRO_DEGREES, lat / MICRO_DEGREES, crs))


def _records(folder: Path, name: str, key: str, defects: DefectCollector) -> list[Any]:
    path = folder / name
    if not path.is_file():
        raise ProblemError(
            [Defect(str(path), "file", f"is missing (set ${DATA_ENV} to the data's folder)")]
        )
    raw = p.read_json(path)
    items = raw.get(key) if isinstance(raw, dict) else None
    if not isinstance(items, list):
        defects.add(str(path), key, "must be a list of records")
        return []
    return items


def read_huangdao(
    folder: Path | None = None, *, crs: CoordinateSystem = CoordinateSystem.GCJ02
) -> HuangdaoData:
    """The sites, depots and disposal facilities, positions converted from ``crs`` to WGS84.

    Raises
    ------
    ProblemError
        Naming a missing file, and every bad record (by id or position) and field.
    """
    folder = folder or data_dir()
    defects = DefectCollector()
    sites: list[Site] = []
    for number, raw in enumerate(
        _records(folder, "WasteCollectionSites.json", "point", defects), 1
    ):
        record = f"site #{number}"
        try:
            if not isinstance(raw, dict):
                raise FieldError("point", "must be an object")
            f = p.Fields(raw)
            site = Site(
                id=f("id", p.text),
                location=_position(raw, crs, f),
                capacity=f("capacity", p.integer),
                service_s=f("stopLength", p.integer),
                windows=f("workTimes", p.windows),
            )
            record = f"site {raw.get('id', number)}"
            f.result(site)
            sites.append(site)
        except FieldError as error:
            defects.add_error(record, error)
    places: dict[str, list[tuple[str, Location]]] = {}
    for name, key in (("Depots.json", "depot"), ("DisposalFacilities.json", "disposal_facility")):
        places[key] = []
        for number, raw in enumerate(_records(folder, name, key, defects), 1):
            try:
                if not isinstance(raw, dict):
                    raise FieldError(key, "must be an object")
                f = p.Fields(raw)
                place = (f("id", p.text), _position(raw, crs, f))
                f.result(place)
                places[key].append(place)
            except FieldError as error:
                defects.add_error(f"{key} #{number}", error)
    defects.raise_if_any(source=str(folder))
    return HuangdaoData(tuple(sites), tuple(places["depot"]), tuple(places["disposal_facility"]))


def _points(sites: Sequence[Site], spec: HuangdaoSpec) -> tuple[CollectionPoint, ...]:
    return tuple(
        CollectionPoint(
            id=site.id,
            location=site.location,
            stream=WasteStream.RESIDUAL,
            kg_per_day=round_int(litres * spec.kg_per_m3 / CUBIC_METRE),
            litres_per_day=round_int(litres),
            service_s=site.service_s,
            time_windows=site.windows,
        )
        for site in sites
        for litres in (site.capacity * spec.litres_per_capacity_unit,)
    )


def _disposal_facilities(data: HuangdaoData, spec: HuangdaoSpec) -> tuple[Facility, ...]:
    opening = p.window("-".join(spec.disposal_opening), "disposal_opening")
    return tuple(
        Facility(
            f"disposal-{i}",
            FacilityKind.LANDFILL,
            where,
            frozenset({WasteStream.RESIDUAL}),
            opening=(opening,),
            tipping_s=spec.tipping_s,
            name=f"Disposal facility {i} ({source_id}; kind not given in the data)",
        )
        for i, (source_id, where) in enumerate(data.disposal, 1)
    )


def _compactor(spec: HuangdaoSpec) -> VehicleType:
    return VehicleType(
        "compactor-8t",
        BodyType.COMPACTOR,
        True,
        spec.compactor_kg,
        round_int(spec.compactor_kg / spec.kg_per_m3 * CUBIC_METRE),
        SizeClass.LARGE,
        profile="large",
    )


def huangdao_problem(
    *,
    data: HuangdaoData | None = None,
    spec: HuangdaoSpec | None = None,
    estimate: TravelEstimate = DEFAULT_ESTIMATE,
    name: str = "huangdao",
) -> Problem:
    """The Huangdao district-day (see the module's description) on estimated travel."""
    spec = spec or HuangdaoSpec()
    data = data or read_huangdao(crs=spec.crs)
    chosen: Sequence[Site] = data.sites[: spec.sites] if spec.sites else data.sites
    points = _points(chosen, spec)
    depots = tuple(
        Depot(f"depot-{i}", where, f"Depot {i} ({source_id})")
        for i, (source_id, where) in enumerate(data.depots, 1)
    )
    facilities = _disposal_facilities(data, spec)
    compactor = _compactor(spec)
    # A share of the sites gets the same share of the compactors.
    share = len(points) / len(data.sites) if data.sites else 1.0
    per_depot = max(1, math.ceil(spec.compactors_per_depot * share))
    vehicles = tuple(
        Vehicle(f"compactor-{d}-{k:02d}", compactor.id, depot.id)
        for d, depot in enumerate(depots, 1)
        for k in range(1, per_depot + 1)
    )
    shifts = tuple(
        Shift(sid, p.clock_value(start, "start_s"), p.clock_value(end, "end_s"))
        for sid, start, end in spec.shifts
    )
    crews = tuple(
        Crew(f"crew-{i:03d}", max_work_s=6 * HOUR, break_s=20 * MINUTE, break_after_s=4 * HOUR)
        for i in range(1, len(vehicles) * len(shifts) + 1)
    )
    locations = locations_by_id(points, depots, facilities)
    return Problem(
        name=name,
        points=points,
        depots=depots,
        facilities=facilities,
        vehicle_types=(compactor,),
        vehicles=vehicles,
        crews=crews,
        shifts=shifts,
        travel={
            "large": estimate.matrix(
                locations, size_class=SizeClass.LARGE, profile="large"
            ).described_by(estimate.spec(SizeClass.LARGE))
        },
        rules=RuleParameters(on_board_limit_s=4 * HOUR, handover_s=15 * MINUTE),
    )


def huangdao_estimate(osm: Path | None) -> TravelEstimate:
    """Estimated travel: fitted on ``osm``'s roads, or the defaults without one."""
    if osm is None:
        return DEFAULT_ESTIMATE
    from routing.network.calibration import calibrate

    return calibrate(osm, seed=CALIBRATION_SEED)
