"""Reading the Kim et al. (2006) files as they are published, and the authors' distance rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from routing.kim import KimFormatError, SiteType, parse_kim, read_kim
from routing.kim.travel import FEET_PER_MILE, drive_s, manhattan_ft

DATA = Path(__file__).resolve().parents[4] / "shared" / "data" / "benchmarks" / "kim2006-wcvrptw"

SPACED = (
    "280.0 \t\t\t\t// vehicle capacity (yards), real number\r\n"
    "400.0\t\t\t\t// total yardage allowed for a vehicle per day, real number\r\n"
    "500\t\t\t\t// total number of regular stops for a vehicle allowed per day\r\n"
    "3600\t\t\t\t// lunch time duration in second\r\n"
    "40\t\t\t\t// speed: MPH\r\n"
    'Stop_ID\tX(feet)\tY(feet)\tEarly\tLate\tService\tLoad\t"Stop_Type(0: Depot, 1: regular stop, 2: Landfill)"\r\n'
    "0   1215029.00   3461398.00  0400 1500 0  9999.00 0\r\n"
    "1   1229125.00   3460107.00  0000 2400 1600  9999.00 2\r\n"
    "2   1229125.00   3460107.00  0700 0790 30     0.00 1\r\n"
)

SPREADSHEET = (
    '200\t//\tvehicle\tcapacity\t"(yards),"\treal\tnumber\t\t\t\n'
    '800\t//\ttotal\tyardage\tallowed\tfor\ta\tvehicle\tper\t"day,"\n'
    "500\t//\ttotal\tnumber\tof\tregular\tstops\n"
    '3600\t//\tlunch\ttime\tduration\tin\t"second,"\n'
    "40\t//\tspeed:\tMPH\t\t\t\n"
    'Stop_ID\tX(feet)\tY(feet)\tEarly_St_Time\t(HHMM)\t"Stop_Type(0: Depot, 1: regular stop, 2: Landfill)"\t\t\n'
    "75649\t5842368\t6925753\t400\t1500\t0\t9999\t0\t\t\t\n"
    "1682485\t5817102\t6937790\t0\t2400\t360\t3.5\t1\t\t\n"
    "1682485\t5817102\t6937790\t830\t1200\t60\t0\t1\t\t\n"
    "70647\t5833778\t6930620\t0\t2400\t60\t9999\t2\t\t\n"
    "\n"
)


def test_space_separated_file_with_crlf_and_an_invalid_clock_value() -> None:
    instance = parse_kim(SPACED, name="tiny")
    assert (instance.capacity_yd, instance.daily_yd, instance.daily_stops) == (280.0, 400.0, 500)
    assert (instance.lunch_s, instance.speed_mph) == (3600, 40.0)
    assert [s.kind for s in instance.sites] == [SiteType.DEPOT, SiteType.DISPOSAL, SiteType.STOP]
    stop = instance.sites[2]
    assert stop.early_s == 7 * 3600
    assert stop.late_s == 7 * 3600 + 90 * 60  # "0790": 7 h 90 min, as the files mean it
    assert stop.load_yd == 0.0  # a stop with no load is still a stop to visit
    assert instance.stops == (2,)


def test_tab_separated_spreadsheet_with_quotes_and_ids_that_are_not_row_numbers() -> None:
    instance = parse_kim(SPREADSHEET, name="sheet")
    assert instance.daily_yd == 800.0
    assert [s.label for s in instance.sites] == ["75649", "1682485", "1682485", "70647"]
    assert instance.depot == 0
    assert instance.stops == (1, 2)  # by row position, the ids repeat and are not positions
    assert instance.disposals == (3,)
    assert instance.sites[0].early_s == 4 * 3600  # "400" without its leading zero
    assert instance.sites[2].early_s == 8 * 3600 + 30 * 60
    assert (instance.sites[1].x_ft, instance.sites[1].y_ft) == (
        instance.sites[2].x_ft,
        instance.sites[2].y_ft,
    )
    assert instance.total_yd == 3.5


def test_a_bad_field_names_the_file_the_line_and_the_field() -> None:
    text = SPACED.replace("1229125.00   3460107.00  0700", "1229125.00   abc  0700")
    with pytest.raises(
        KimFormatError, match=r"^x\.txt, line 9: y_ft: must be a number, got 'abc'$"
    ):
        parse_kim(text, name="x", source="x.txt")


def test_a_short_row_and_a_bad_header_are_refused() -> None:
    short = SPACED.replace("0700 0790 30     0.00 1", "0700 0790 30")
    with pytest.raises(KimFormatError, match=r"line 9: load_yd: missing"):
        parse_kim(short, name="x")
    with pytest.raises(KimFormatError, match=r"line 2: daily_yd: must be a number"):
        parse_kim(SPACED.replace("400.0\t", "lots\t"), name="x")
    with pytest.raises(KimFormatError, match=r"type: must be 0, 1 or 2"):
        parse_kim(SPACED.replace("0.00 1\r\n", "0.00 7\r\n"), name="x")


def test_the_data_folder_is_there() -> None:
    assert DATA.is_dir(), f"benchmark data missing: {DATA}"


@pytest.mark.parametrize("stem", ["102_stop", "277_stop", "444_stop", "1051_stop", "1599_stop"])
def test_every_published_file_reads(stem: str) -> None:
    instance = read_kim(DATA / f"{stem}.txt")
    assert len(instance.sites) == int(stem.split("_")[0])  # the name counts the rows
    assert instance.sites[instance.depot].kind is SiteType.DEPOT
    assert instance.disposals
    assert instance.total_yd > 0
    assert all(0 <= s.early_s <= s.late_s for s in instance.sites)


def test_the_authors_distance_rule_on_stops_0_and_1_of_102() -> None:
    instance = read_kim(DATA / "102_stop.txt")
    feet = manhattan_ft(instance, 0, 1)
    assert feet == 15_387
    assert round(feet / FEET_PER_MILE, 3) == 2.914
    assert round(drive_s(instance, feet), 1) == 262.3
