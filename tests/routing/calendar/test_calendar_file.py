"""The calendar file (TOML or JSON): rules per stream and point, days' resources, every bad value
named; and ``huanwei calendar plan`` end to end on a small district."""

from __future__ import annotations

import dataclasses
import json
import math
import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from huanwei.cli import main
from routing.calendar.calendar_file import calendar_from_dict, read_calendar
from routing.domain import SizeClass
from routing.errors import ProblemError
from routing.problem import Problem
from routing.problem_file import write_problem
from scenarios.district import BoxSampler, DistrictSpec, generate_district

WEEK = Path(__file__).resolve().parents[3] / "scenarios" / "calendars" / "district-week.toml"


@pytest.fixture(scope="module")
def district() -> Problem:
    return generate_district(
        BoxSampler(24.90, 60.15, 24.98, 60.19), seed=5, spec=DistrictSpec(scale=0.03)
    )


def test_the_district_week_file(district: Problem) -> None:
    week = read_calendar(WEEK, district)
    assert week.horizon_days == 7 and week.period_days == 14
    streams = {district.point_by_id[r.point_id].stream.value for r in week.rules}
    assert streams <= {"recyclable", "bulky", "night_soil"}
    assert {"recyclable", "bulky"} <= streams
    # A point whose waste between two visits fits one load of the largest vehicle of its stream
    # (and the file's max_kg_per_visit) follows the rule; a larger one keeps its daily service.
    tanker = max(t.capacity_kg for t in district.vehicle_types if t.body.value == "suction_tanker")
    tanker_l = max(t.capacity_l for t in district.vehicle_types if t.body.value == "suction_tanker")
    ruled = {r.point_id for r in week.rules}
    for point in district.points:
        if point.stream.value == "night_soil":
            fits = (
                point.kg_per_day * 14 <= min(6000, tanker) and point.litres_per_day * 14 <= tanker_l
            )
            assert (point.id in ruled) == fits, point.id
    # A recyclable point that only carts reach (an old town's) keeps its daily service when
    # three and a half days of it would not fit a cart; the same point open to trucks follows the
    # twice-a-week rule.
    point = next(p for p in district.points if p.stream.value == "recyclable")
    cart = max(t.capacity_l for t in district.vehicle_types if t.body.value == "cart")
    assert cart < point.litres_per_day * 3.5 and point.id in ruled
    old_town = district.replace(
        points=tuple(
            dataclasses.replace(p, max_size_class=SizeClass.CART) if p.id == point.id else p
            for p in district.points
        )
    )
    assert point.id not in {r.point_id for r in read_calendar(WEEK, old_town).rules}
    # The file prices a working vehicle's day: every day's problem carries it.
    assert week.vehicle_day_fen == 10_000
    day = week.day_problem(0, {r.point_id: week.patterns(r.point_id)[0] for r in week.rules})
    assert all(t.fixed_cost_fen >= 10_000 for t in day.vehicle_types)
    sunday = calendar_from_dict(
        {"horizon_days": 7, "days": [{"day": 6, "vehicles_share": 0.5}]}, district
    ).resources(6)
    per_type = Counter(v.type_id for v in district.vehicles)
    assert sunday.vehicles is not None
    assert len(sunday.vehicles) == sum(math.ceil(0.5 * n) for n in per_type.values())


def test_every_bad_value_is_named(district: Problem) -> None:
    point = district.points[0].id
    raw = {
        "horizon_days": 7,
        "first_weekday": "someday",
        "vehicle_day_cost_yuan": -5,
        "streams": {"bulky": {"visits": 1, "weekdays": ["xyz"]}, "glass": {"visits": 1}},
        "points": [{"point": point}, {"visits": 2}],
        "days": [{"day": 1, "vehicles_share": 2}, {"day": 2, "opening": {"x": "late"}}],
    }
    with pytest.raises(ProblemError) as raised:
        calendar_from_dict(raw, district)
    text = str(raised.value)
    for named in (
        "calendar: first_weekday",
        "calendar: vehicle_day_cost_yuan",
        "streams.bulky: weekdays",
        "streams.glass: stream",
        "points[0]: visits",
        "points[1]: point",
        "days[0]: vehicles_share",
        "days[1]: opening.x",
    ):
        assert named in text, named


def test_huanwei_calendar_plan_writes_the_plan_and_the_residents_calendar(
    district: Problem, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_problem(district, tmp_path / "problem.json")
    out = tmp_path / "week"
    argv = ["calendar", "plan", "--problem", str(tmp_path / "problem.json")]
    argv += ["--calendar", str(WEEK), "--time-limit", "120", "--iterations", "8"]
    argv += ["--seed", "1", "--naive", "--quiet", "--out", str(out)]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "naive calendar" in printed and "valid" in printed
    summary = json.loads((out / "calendar-summary.json").read_text(encoding="utf-8"))
    assert len(summary["planned"]["days"]) == 7 and summary["planned"]["valid"]
    assert summary["naive"]["valid"]
    plan = json.loads((out / "calendar-plan.json").read_text(encoding="utf-8"))
    assert plan["format"] == "huanwei-calendar-plan/1" and len(plan["days"]) == 7
    # The week's fleet: each type's busiest day's vehicles, idle on the days that work fewer.
    type_of = {v.id: v.type_id for v in district.vehicles}
    working = [[type_of[v] for v in {r["vehicle"] for r in day["routes"]}] for day in plan["days"]]
    kinds = {t for day in working for t in day}
    idle = sum(max(d.count(t) for d in working) - day.count(t) for t in kinds for day in working)
    week = summary["planned"]
    assert week["idle_vehicle_days"] == idle
    price = tomllib.loads(WEEK.read_text(encoding="utf-8"))["vehicle_day_cost_yuan"]
    assert week["cost_with_idle_fleet_yuan"] == pytest.approx(week["cost_yuan"] + idle * price)
    zh = (out / "residents.html").read_text(encoding="utf-8")
    en = (out / "residents.en.html").read_text(encoding="utf-8")
    assert "收运日历" in zh and "每天" in zh and ("周" in zh)
    assert "Collection calendar" in en and "every day" in en
    again = ["calendar", "plan", "--problem", str(tmp_path / "problem.json")]
    again += ["--calendar", str(tmp_path / "none.toml"), "--out", str(out)]
    assert main(again) == 2  # a missing file: one clear message


def test_the_planner_pages_starting_week_is_the_district_week_file() -> None:
    # The planner's page offers the district week as a calendar to edit: the same rules.
    script = (WEEK.parents[2] / "api" / "web" / "calendar.js").read_text(encoding="utf-8")
    block = re.search(r"const WEEK = \[(.*?)\]\.join", script, re.S)
    assert block is not None
    lines = [
        line.replace("\\'", "'") for line in re.findall(r"'((?:[^'\\]|\\.)*)'", block.group(1))
    ]
    assert tomllib.loads("\n".join(lines)) == tomllib.loads(WEEK.read_text(encoding="utf-8"))
