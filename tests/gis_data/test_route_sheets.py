"""Route sheets: the Excel workbook and the PDF hold every route's stops in the plan's order."""

from __future__ import annotations

import dataclasses
import io
import itertools

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from gis_data.route_sheet_html import page_html
from gis_data.route_sheet_pdf import pdf_bytes
from gis_data.route_sheets import LABELS, route_sheets, workbook_bytes
from routing.plan import Plan
from routing.problem import Problem
from routing.solve import plan_greedy
from scenarios.district import BoxSampler, DistrictSpec, generate_district
from tests.factories import riverside

BOX = BoxSampler(120.10, 30.25, 120.16, 30.29)


@pytest.fixture(scope="module")
def day() -> tuple[Problem, Plan]:
    problem = riverside()
    plan = plan_greedy(problem, seed=1)
    assert [r for r in plan.routes if r.trips]
    return problem, plan


def _visits(plan: Plan) -> list[list[str]]:
    """Each route's points in order, routes as the sheets order them (shift start, vehicle)."""
    routes = sorted(
        (r for r in plan.routes if r.trips), key=lambda r: (r.start_s, r.shift_id, r.vehicle_id)
    )
    return [[v.point_id for t in r.trips for v in t.visits] for r in routes]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_workbook_has_a_sheet_per_route_with_its_stops_in_order(
    day: tuple[Problem, Plan], lang: str
) -> None:
    problem, plan = day
    book = load_workbook(io.BytesIO(workbook_bytes(problem, plan, lang=lang)))
    words = LABELS[lang]
    assert book.sheetnames[0] == words["summary"]
    expected = _visits(plan)
    pages = book.worksheets[1 : 1 + len(expected)]
    assert len(pages) == len(expected)
    for page, visits in zip(pages, expected, strict=True):
        rows = list(page.iter_rows(min_row=4, values_only=True))
        assert [r[4] for r in rows if r[3] == words["visit"]] == visits
        assert rows[0][3] == words["depart"]
        assert words["return"] in [r[3] for r in rows[-2:]]
        assert [r[0] for r in rows if r[3] == words["visit"]] == list(range(1, len(visits) + 1))
        assert any(r[3] == words["unload"] for r in rows)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_pdf_text_holds_every_routes_stops_in_order(
    day: tuple[Problem, Plan], lang: str
) -> None:
    problem, plan = day
    reader = PdfReader(io.BytesIO(pdf_bytes(problem, plan, lang=lang)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert LABELS[lang]["title"] in text
    at = 0
    for visits in _visits(plan):
        for point_id in visits:
            found = text.find(point_id, at)
            assert found >= 0, (point_id, text[at : at + 300])
            at = found + len(point_id)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_holds_every_routes_stops_in_order_with_its_map(
    day: tuple[Problem, Plan], lang: str
) -> None:
    problem, plan = day
    html = page_html(problem, plan, lang=lang)
    assert f"<title>{LABELS[lang]['title']} — {plan.problem_name}</title>" in html
    sheets = html.split('<section class="sheet"')[1:]
    expected = _visits(plan)
    assert len(sheets) == len(expected)
    for sheet, visits in zip(sheets, expected, strict=True):
        shown = [part.split('"')[0] for part in sheet.split('<tr class="visit" data-place="')[1:]]
        assert shown == visits
        svg = sheet.split("<svg")[1].split("</svg>")[0]
        assert svg.count('fill="#E69F00"') == len(visits)  # a dot per stop on the map
        assert f"<td>{LABELS[lang]['unload']}</td>" in sheet
    with pytest.raises(ValueError, match="lang"):
        page_html(problem, plan, lang="fr")


def test_a_sheets_lines_are_in_time_order(
    day: tuple[Problem, Plan],
) -> None:
    problem, plan = day
    for sheet in route_sheets(problem, plan):
        times = [line.eta_s for line in sheet.lines]
        assert times == sorted(times)


def test_an_unknown_language_is_refused(day: tuple[Problem, Plan]) -> None:
    with pytest.raises(ValueError, match="lang"):
        workbook_bytes(*day, lang="fr")


def test_a_stop_shows_its_address_and_the_crews_access_note(day: tuple[Problem, Plan]) -> None:
    problem, plan = day
    first = next(v.point_id for r in plan.routes for t in r.trips for v in t.visits)
    points = tuple(
        dataclasses.replace(p, address="山东路 12 号", note="后门，密码 2468")
        if p.id == first
        else p
        for p in problem.points
    )
    problem = problem.replace(points=points)
    book = load_workbook(io.BytesIO(workbook_bytes(problem, plan, lang="zh")))
    rows = [r for page in book.worksheets[1:] for r in page.iter_rows(min_row=4, values_only=True)]
    (row,) = [r for r in rows if r[4] == first and r[3] == "收运"][:1]
    assert row[6] == "山东路 12 号" and row[9] == "后门，密码 2468"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes(problem, plan))).pages)
    assert "山东路 12 号" in text.replace("\n", "") or "山东路" in text


def test_a_vehicle_that_goes_on_is_handed_over_to_the_next_shifts_crew() -> None:
    problem = generate_district(BOX, seed=3, spec=DistrictSpec(scale=0.06))
    plan = plan_greedy(problem, seed=1)
    worked = sorted((r for r in plan.routes if r.trips), key=lambda r: (r.vehicle_id, r.start_s))
    pairs = [(a, b) for a, b in itertools.pairwise(worked) if a.vehicle_id == b.vehicle_id]
    assert pairs, "the test district should use a vehicle in two shifts"
    sheets = {(s.vehicle_id, s.shift_id): s for s in route_sheets(problem, plan)}
    for first, second in pairs:
        last = sheets[(first.vehicle_id, first.shift_id)].lines[-1]
        assert (last.kind, last.name, last.leave_s) == ("handover", second.crew_id, second.start_s)
    alone = [r for r in worked if not any(r is a for a, _ in pairs)]
    assert all(sheets[(r.vehicle_id, r.shift_id)].lines[-1].kind == "return" for r in alone)
