"""Each what-if change applied to the tiny district ``riverside``; errors name change and field."""

from __future__ import annotations

import pytest

from routing.domain import FacilityKind, WasteStream
from routing.errors import ProblemError
from routing.fleet import Shift
from routing.units import HOUR, MINUTE, TONNE
from scenarios.base import BaseDay, scenario_problem
from scenarios.changes import (
    AddFacility,
    ChangeFacility,
    DemandChange,
    FacilityFigures,
    FleetChange,
    MoveFacility,
    Place,
    RemoveFacility,
    ShiftChange,
    apply_changes,
)
from scenarios.scenario_file import Base, Scenario, ScenarioError
from tests.factories import riverside

STRAIGHT = {"default": {"method": "straight-line", "speed_kmh": 30.0, "detour_factor": 1.3}}


def day(travel: dict[str, dict[str, object]] | None = None) -> BaseDay:
    """``riverside`` as a base whose matrices state ``travel`` as their recipes (None: given)."""
    problem = riverside()
    section = STRAIGHT if travel is None else travel
    recipes = {
        name: m.described_by(None if section[name]["method"] == "given" else section[name])
        for name, m in problem.travel.items()
    }
    return BaseDay(problem.replace(travel=recipes))


def scenario(*changes: object) -> Scenario:
    return Scenario(name="what-if", base=Base(scenario="riverside"), changes=changes)  # type: ignore[arg-type]


def test_add_station_copies_the_template_and_gets_travel() -> None:
    add = AddFacility(
        "TS2",
        FacilityKind.TRANSFER_STATION,
        Place(near="D", east_km=-1.0, north_km=1.0),
        FacilityFigures(capacity_t=60, opening=None, accepts=frozenset({WasteStream.RESIDUAL})),
        where="line 9: changes[0] (add-facility)",
    )
    problem = scenario_problem(scenario(add), day())
    station = problem.facility_by_id["TS2"]
    template = riverside().facility_by_id["TS"]
    assert station.daily_capacity_kg == 60 * TONNE
    assert station.storage_kg == template.storage_kg and station.opening == template.opening
    assert station.location.lon < riverside().depot_by_id["D"].location.lon
    matrix = problem.travel["default"]
    assert matrix.distance("D", "TS2") > 1000  # computed, not the zero placeholder
    assert problem.name == "what-if"


def test_close_the_landfill_and_open_the_second() -> None:
    changes = (
        AddFacility("LF2", FacilityKind.LANDFILL, Place(lon=24.90, lat=60.17), like="LF"),
        RemoveFacility("LF"),
    )
    problem = scenario_problem(scenario(*changes), day())
    landfills = [f for f in problem.facilities if f.kind is FacilityKind.LANDFILL]
    assert [f.id for f in landfills] == ["LF2"]
    assert landfills[0].opening == riverside().facility_by_id["LF"].opening


def test_move_and_change_a_facility() -> None:
    changes = (
        MoveFacility("TS", Place(near="TS", east_km=-2.0)),
        ChangeFacility(
            "TS",
            FacilityFigures(tipping_min=5, storage_t=8, container_t=4, opening=None),
        ),
    )
    before = riverside()
    problem = scenario_problem(scenario(*changes), day())
    station = problem.facility_by_id["TS"]
    assert station.tipping_s == 5 * MINUTE and station.storage_kg == 8 * TONNE
    assert problem.travel["default"].distance("D", "TS") < before.travel["default"].distance(
        "D", "TS"
    )


def test_fleet_changes_add_vehicles_with_crews_and_remove_the_last() -> None:
    more = apply_changes(riverside(), [FleetChange("compactor", add=2)], name="x")
    assert [v.id for v in more.vehicles if v.type_id == "compactor"] == [
        "C1",
        "compactor-02",
        "compactor-03",
    ]
    assert len(more.crews) == len(riverside().crews) + 2 * 3
    fewer = apply_changes(riverside(), [FleetChange("compactor", count=0)], name="x")
    assert not [v for v in fewer.vehicles if v.type_id == "compactor"]


def test_demand_growth_per_stream() -> None:
    grown = apply_changes(
        riverside(), [DemandChange(2.0, frozenset({WasteStream.KITCHEN}))], name="x"
    )
    assert grown.point_by_id["M1"].kg_per_day == 2 * riverside().point_by_id["M1"].kg_per_day
    assert grown.point_by_id["R1"].kg_per_day == riverside().point_by_id["R1"].kg_per_day
    everything = apply_changes(riverside(), [DemandChange(1.15)], name="x")
    assert everything.point_by_id["R1"].kg_per_day == 690


def test_other_shift_times() -> None:
    two = (Shift("A", 5 * HOUR, 13 * HOUR), Shift("B", 13 * HOUR, 21 * HOUR))
    problem = apply_changes(riverside(), [ShiftChange(two, crew_max_work_h=8)], name="x")
    assert [s.id for s in problem.shifts] == ["A", "B"]
    assert {c.max_work_s for c in problem.crews} == {8 * HOUR}
    one = (Shift("A", 5 * HOUR, 13 * HOUR),)
    with pytest.raises(ProblemError, match=r"shifts: collection point M1: visits_per_day: is 2"):
        apply_changes(riverside(), [ShiftChange(one, where="shifts")], name="x")
    capped = apply_changes(riverside(), [ShiftChange(one, cap_visits=True)], name="x")
    assert capped.point_by_id["M1"].visits_per_day == 1


def test_errors_name_the_change_the_record_and_the_field() -> None:
    where = "line 12: changes[1] (remove-facility)"
    with pytest.raises(ProblemError, match=r"line 12: changes\[1\] \(remove-facility\): id: no"):
        apply_changes(riverside(), [RemoveFacility("XX", where=where)], name="x")
    bad = ChangeFacility("TS", FacilityFigures(storage_t=1, container_t=2), where="line 3: c")
    with pytest.raises(ProblemError, match=r"line 3: c: facility TS: container_kg: must not"):
        apply_changes(riverside(), [bad], name="x")
    with pytest.raises(ProblemError, match=r"fleet: vehicle_type: no vehicle type 'van'"):
        apply_changes(riverside(), [FleetChange("van", add=1)], name="x")
    with pytest.raises(ProblemError, match=r"near: no point, depot or facility 'nowhere'"):
        apply_changes(
            riverside(),
            [MoveFacility("TS", Place(near="nowhere"), where="move")],
            name="x",
        )


def test_given_matrices_cannot_take_a_new_site() -> None:
    add = AddFacility("TS2", FacilityKind.TRANSFER_STATION, Place(lon=24.95, lat=60.17))
    with pytest.raises(ScenarioError, match=r"travel profile default: method: holds fixed"):
        scenario_problem(scenario(add), day({"default": {"method": "given"}}))


def test_on_a_road_base_new_sites_stand_on_streets_or_join_by_a_road_link() -> None:
    from scenarios.base import cached_base, network_of

    base = Base(scenario="district-baseline", seed=1, scale=0.05)
    changes = (
        AddFacility(
            "landfill-2", FacilityKind.LANDFILL, Place(near="depot", east_km=12.0), like="landfill"
        ),
        AddFacility("station-3", FacilityKind.TRANSFER_STATION, Place(near="depot", north_km=0.1)),
    )
    what_if = Scenario(name="what-if", base=base, changes=changes)
    problem = scenario_problem(what_if)
    day = cached_base(base)
    network = network_of(str(day.osm()))
    station = problem.facility_by_id["station-3"].location
    on_nodes = {
        (round(float(a), 7), round(float(b), 7))
        for a, b in zip(network.node_lon, network.node_lat, strict=True)
    }
    assert (station.lon, station.lat) in on_nodes  # moved onto the nearest junction
    large = problem.travel["large"]
    assert large.distance("depot", "landfill-2") > 12_000  # the road link off the map
    assert large.distance("depot", "station-3") < 2_000
    assert large.method == "road"
    untouched = day.problem.travel["large"]
    assert large.distance("depot", "landfill") == untouched.distance("depot", "landfill")
