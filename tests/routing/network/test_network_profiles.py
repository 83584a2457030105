"""How OSM tags become driving rules: speeds, one-way, and who may pass."""

from __future__ import annotations

import pytest

from routing.domain import SizeClass
from routing.network.profiles import (
    ALL_CLASSES,
    Direction,
    parse_length_m,
    parse_speed_kmh,
    parse_weight_t,
    travel_ms,
    up_to,
    way_rule,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50", 50.0),
        ("30 mph", 48.28032),
        ("40 km/h", 40.0),
        ("walk", 6.0),
        ("50;30", 30.0),
        ("RU:urban", None),
        ("none", None),
        ("signals", None),
        ("", None),
    ],
)
def test_maxspeed_is_read_where_it_is_a_number(text: str, expected: float | None) -> None:
    result = parse_speed_kmh(text)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected)


def test_a_zone_code_falls_back_to_the_class_default() -> None:
    rule = way_rule({"highway": "residential", "maxspeed": "RU:urban"})
    assert rule is not None and rule.forward_kmh == 30.0
    tagged = way_rule({"highway": "residential", "maxspeed": "20"})
    assert tagged is not None and tagged.forward_kmh == 20.0


def test_weight_and_length_limits_are_read_in_their_units() -> None:
    assert parse_weight_t("7.5") == 7.5
    assert parse_weight_t("3500 kg") == pytest.approx(3.5)
    assert parse_weight_t("heavy") is None
    assert parse_length_m("2.2 m") == 2.2
    assert parse_length_m("7'6\"") == pytest.approx(2.286)


@pytest.mark.parametrize(
    ("tags", "direction"),
    [
        ({"oneway": "yes"}, Direction.FORWARD),
        ({"oneway": "-1"}, Direction.BACKWARD),
        ({"junction": "roundabout"}, Direction.FORWARD),
        ({"junction": "roundabout", "oneway": "no"}, Direction.BOTH),
        ({}, Direction.BOTH),
    ],
)
def test_one_way_streets(tags: dict[str, str], direction: Direction) -> None:
    rule = way_rule({"highway": "residential", **tags})
    assert rule is not None and rule.direction is direction


def test_motorways_are_one_way_unless_tagged_and_closed_to_carts() -> None:
    rule = way_rule({"highway": "motorway"})
    assert rule is not None and rule.direction is Direction.FORWARD
    assert SizeClass.CART not in rule.allowed and SizeClass.HEAVY in rule.allowed


@pytest.mark.parametrize(
    ("tags", "allowed"),
    [
        ({"highway": "primary"}, ALL_CLASSES),
        ({"highway": "living_street"}, up_to(SizeClass.MEDIUM)),
        ({"highway": "service"}, up_to(SizeClass.MEDIUM)),
        ({"highway": "service", "service": "alley"}, up_to(SizeClass.SMALL)),
        ({"highway": "track"}, up_to(SizeClass.SMALL)),
        ({"highway": "residential", "maxweight": "3.5"}, up_to(SizeClass.SMALL)),
        ({"highway": "residential", "maxwidth": "2.3"}, up_to(SizeClass.MEDIUM)),
        ({"highway": "residential", "maxheight": "3.2"}, up_to(SizeClass.MEDIUM)),
        ({"highway": "residential", "hgv": "no"}, up_to(SizeClass.SMALL)),
        ({"highway": "residential", "access": "destination"}, up_to(SizeClass.MEDIUM)),
        ({"highway": "pedestrian", "motor_vehicle": "delivery"}, up_to(SizeClass.CART)),
    ],
)
def test_vehicle_classes_by_tags(tags: dict[str, str], allowed: frozenset[SizeClass]) -> None:
    rule = way_rule(tags)
    assert rule is not None and rule.allowed == allowed


@pytest.mark.parametrize(
    "tags",
    [
        {"highway": "footway"},
        {"highway": "pedestrian"},
        {"highway": "residential", "access": "private"},
        {"highway": "residential", "access": "no", "motor_vehicle": "private"},
        {"highway": "residential", "oneway": "reversible"},
        {"highway": "service", "service": "emergency_access"},
        {"highway": "residential", "maxweight": "0.5"},
    ],
)
def test_ways_no_collection_vehicle_may_use(tags: dict[str, str]) -> None:
    assert way_rule(tags) is None


def test_specific_access_tag_wins_over_general() -> None:
    rule = way_rule({"highway": "residential", "access": "no", "motor_vehicle": "yes"})
    assert rule is not None and rule.allowed == ALL_CLASSES


def test_travel_time_uses_the_slower_of_road_and_vehicle() -> None:
    assert travel_ms(1000, 50.0, SizeClass.LARGE) == 72_000
    assert travel_ms(1000, 50.0, SizeClass.CART) == 144_000  # carts do 25 km/h
