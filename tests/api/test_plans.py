"""Plan jobs, plan versions and publication, and drivers' assignments."""

from __future__ import annotations

import copy
import io
from typing import Any

from openpyxl import load_workbook
from pypdf import PdfReader

from api.db import models as m
from gis_data.coords import gcj02_to_bd09, wgs84_to_gcj02
from routing.solve import solve
from tests.api.conftest import DAY, QINGDAO, Api, district_document, plan_day


def test_a_plan_job_runs_to_a_stored_valid_plan(api: Api, district: int) -> None:
    queued = api.call(
        "POST", f"/districts/{district}/plan-jobs", json={"date": DAY, "time_limit_s": 1}
    )
    assert queued.status_code == 202
    assert queued.json()["status"] == "queued"
    assert api.run_jobs(solve) == ["succeeded"]  # the optimiser, as the API's workers run it
    job = api.call("GET", f"/plan-jobs/{queued.json()['id']}").json()
    assert job["progress"] == 1.0 and job["best_cost_fen"] > 0 and job["attempts"] == 1
    plan = api.call("GET", f"/plans/{job['plan_id']}").json()
    assert plan["plan"]["format"] == "huanwei-plan/1" and plan["version"] == 1
    assert api.call("GET", f"/plans/{job['plan_id']}/validation").json()["ok"] is True
    assert api.call("GET", f"/plans/{job['plan_id']}/kpis").json()["km"] > 0
    geo = api.call("GET", f"/plans/{job['plan_id']}/geojson")
    assert geo.headers["content-type"].startswith("application/geo+json")
    assert {f["properties"]["kind"] for f in geo.json()["features"]} >= {"trip", "visit"}


def test_route_sheets_of_a_plan_as_excel_and_pdf(api: Api, district: int) -> None:
    plan_id = plan_day(api, district)
    routes = api.call("GET", f"/plans/{plan_id}").json()["plan"]["routes"]
    first = next(r for r in routes if r["trips"])
    book = api.call("GET", f"/plans/{plan_id}/route-sheets.xlsx", params={"lang": "en"})
    assert book.status_code == 200
    assert book.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in book.headers["content-disposition"]
    sheets = load_workbook(io.BytesIO(book.content))
    assert len(sheets.sheetnames) >= 1 + sum(1 for r in routes if r["trips"])
    pdf = api.call("GET", f"/plans/{plan_id}/route-sheets.pdf")  # Chinese by default
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "路线单" in text and first["vehicle"] in text
    wrong = api.call("GET", f"/plans/{plan_id}/route-sheets.pdf", params={"lang": "fr"})
    assert wrong.status_code == 422 and "lang" in wrong.text
    assert api.call("GET", f"/plans/{plan_id}/route-sheets.doc").status_code == 404


def test_route_sheets_of_a_plan_as_a_page_to_print(api: Api, district: int) -> None:
    plan_id = plan_day(api, district)
    routes = api.call("GET", f"/plans/{plan_id}").json()["plan"]["routes"]
    worked = [r for r in routes if r["trips"]]
    first = worked[0]
    page = api.call("GET", f"/plans/{plan_id}/route-sheets.html")  # Chinese by default
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "<title>路线单" in html and '<html lang="zh-CN">' in html
    assert html.count('<section class="sheet"') == len(worked)
    assert "@media print" in html and "break-after: page" in html
    # Nothing fetched: no link, no script or image from a URL (only the print button's script).
    assert (
        "<link" not in html
        and "src=" not in html
        and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    )
    opening = f'<section class="sheet" data-vehicle="{first["vehicle"]}" '
    opening += f'data-shift="{first["shift"]}">'
    sheet = html.split(opening)[1].split("</section>")[0]
    stops = [v["point"] for t in first["trips"] for v in t["visits"]]
    shown = [part.split('"')[0] for part in sheet.split('<tr class="visit" data-place="')[1:]]
    assert shown == stops
    assert "<svg" in sheet and "收运" in sheet and "卸车" in sheet  # the map; collect, unload
    english = api.call("GET", f"/plans/{plan_id}/route-sheets.html", params={"lang": "en"})
    assert "<title>Route sheet" in english.text and "unload" in english.text
    wrong = api.call("GET", f"/plans/{plan_id}/route-sheets.html", params={"lang": "fr"})
    assert wrong.status_code == 422
    assert [d["loc"] for d in wrong.json()["detail"]] == [["query", "lang"]]


def _current_routes_csv(routes: list[dict[str, Any]]) -> bytes:
    """The plan's own routes as a current-routes sheet, all of the first shift on one vehicle."""
    first = next(r for r in routes if r["trips"])
    lines = ["车辆,班次,顺序,收运点"]
    for route in routes:
        vehicle = first["vehicle"] if route["shift"] == first["shift"] else route["vehicle"]
        for trip in route["trips"]:
            for visit in trip["visits"]:
                lines.append(f"{vehicle},{route['shift']},,{visit['point']}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_savings_against_current_routes_that_break_rules(api: Api, district: int) -> None:
    plan_id = plan_day(api, district)
    routes = api.call("GET", f"/plans/{plan_id}").json()["plan"]["routes"]
    sheet = {"file": ("现行路线.csv", _current_routes_csv(routes), "text/csv")}
    response = api.call("POST", f"/plans/{plan_id}/savings", files=sheet)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["plan_id"] == plan_id and report["proposed"]["breaches"] == 0
    assert report["current"]["breaches"] > 0 and report["current"]["by_rule"]
    assert report["current"]["visits_unserved"] == 0
    page = api.call(
        "POST", f"/plans/{plan_id}/savings", files=sheet, params={"format": "html", "lang": "en"}
    )
    assert page.headers["content-type"].startswith("text/html")
    assert "Savings report" in page.text and "rule breaches" in page.text

    bad = {"file": ("routes.csv", "车辆,班次,收运点\nbox-01,S1,nowhere\n".encode(), "text/csv")}
    refused = api.call("POST", f"/plans/{plan_id}/savings", files=bad)
    assert refused.status_code == 422
    assert "no point 'nowhere'" in refused.text and "routes.csv rows" in refused.text
    wrong = {"file": ("routes.txt", b"x", "text/plain")}
    assert api.call("POST", f"/plans/{plan_id}/savings", files=wrong).status_code == 422


def test_versions_per_date_and_one_published(api: Api, district: int) -> None:
    first = plan_day(api, district, publish=False)
    second = plan_day(api, district, publish=False, seed=1)
    versions = api.call("GET", f"/districts/{district}/plans", params={"date": DAY}).json()
    assert [v["version"] for v in versions["items"]] == [2, 1]
    assert api.call("POST", f"/plans/{first}/publish").json()["published"] is True
    assert api.call("POST", f"/plans/{second}/publish").json()["published"] is True
    published = api.call(
        "GET", f"/districts/{district}/plans", params={"date": DAY, "published": True}
    ).json()
    assert [v["id"] for v in published["items"]] == [second]


def test_an_unplannable_district_is_refused_with_its_defects(api: Api) -> None:
    empty = api.call("POST", "/districts", json={"name": "empty"}).json()["id"]
    response = api.call("POST", f"/districts/{empty}/plan-jobs", json={"date": DAY})
    assert response.status_code == 422
    assert ["problem", "depots"] in [d["loc"] for d in response.json()["detail"]]
    assert api.count(m.PlanJobRow) == 0


def test_cancelling_a_queued_job_and_retrying_it(api: Api, district: int) -> None:
    job = api.call(
        "POST", f"/districts/{district}/plan-jobs", json={"date": DAY, "time_limit_s": 1}
    ).json()
    cancelled = api.call("POST", f"/plan-jobs/{job['id']}/cancel").json()
    assert cancelled["status"] == "cancelled" and cancelled["retryable"] is True
    assert api.run_jobs() == []
    assert api.call("POST", f"/plan-jobs/{job['id']}/cancel").status_code == 409
    assert api.call("POST", f"/plan-jobs/{job['id']}/retry").json()["status"] == "queued"
    assert api.run_jobs() == ["succeeded"]
    assert api.call("POST", f"/plan-jobs/{job['id']}/retry").status_code == 409


def crew_of_first_route(api: Api, plan_id: int) -> str:
    return str(api.call("GET", f"/plans/{plan_id}").json()["plan"]["routes"][0]["crew"])


def test_a_driver_sees_only_its_crews_published_routes(api: Api, district: int) -> None:
    plan_id = plan_day(api, district)
    plan = api.call("GET", f"/plans/{plan_id}").json()["plan"]
    crew = crew_of_first_route(api, plan_id)
    api.bind_driver(district, crew)
    response = api.call("GET", "/me/assignment", role="driver", params={"date": DAY})
    assert response.status_code == 200, response.text
    assignment = response.json()
    ours = [r for r in plan["routes"] if r["crew"] == crew]
    assert [r["vehicle"] for r in assignment["routes"]] == [r["vehicle"] for r in ours]
    stops = assignment["routes"][0]["stops"]
    visits = [s for t in ours[0]["trips"] for s in t["visits"]]
    assert [s["id"] for s in stops if s["kind"] == "visit"] == [v["point"] for v in visits]
    assert any(s["kind"] == "unload" for s in stops)
    assert stops[0]["geo_uri"].startswith("geo:") and "openstreetmap.org" in stops[0]["osm_url"]
    nav = stops[0]["nav"]
    assert nav["amap"].startswith("https://uri.amap.com/navigation?to=")
    assert "coord_type=bd09ll" in nav["baidu"] and "tocoord=" in nav["tencent"]
    assert [s["eta_s"] for s in stops] == sorted(s["eta_s"] for s in stops)
    assert assignment["geojson"]["type"] == "FeatureCollection"


def test_a_driver_sees_each_stops_address_and_access_note(api: Api) -> None:
    document = copy.deepcopy(district_document())
    for k, point in enumerate(document["points"]):
        point |= {"address": f"山东路 {k} 号", "note": "后门" if k % 2 else ""}
    response = api.call("POST", "/districts/import", json={"problem": document})
    assert response.status_code == 201, response.text
    district = int(response.json()["id"])
    feature = api.call("GET", f"/districts/{district}/points?limit=1").json()["features"][0]
    assert feature["properties"]["address"].startswith("山东路")
    plan = api.call("GET", f"/plans/{plan_day(api, district)}").json()["plan"]
    api.bind_driver(district, next(r["crew"] for r in plan["routes"] if r["trips"]))
    body = api.call("GET", "/me/assignment", role="driver", params={"date": DAY}).json()
    visits = [s for r in body["routes"] for s in r["stops"] if s["kind"] == "visit"]
    by_id = {p["id"]: p for p in document["points"]}
    assert visits and all(s["address"] == by_id[s["id"]]["address"] for s in visits)
    assert all(s["note"] == by_id[s["id"]]["note"] for s in visits)
    # The route's line on the phone follows the streets (the bundled extract covers the
    # district): more vertices than its stops and depot.
    (line,) = [f for f in body["geojson"]["features"] if f["properties"]["kind"] == "route"][:1]
    stops = [s for r in body["routes"][:1] for s in r["stops"]]
    assert len(line["geometry"]["coordinates"]) > len(stops) + 2


def test_a_driver_in_china_gets_links_in_each_apps_datum(api: Api) -> None:
    document = district_document(box=QINGDAO)
    response = api.call("POST", "/districts/import", json={"problem": document})
    assert response.status_code == 201, response.text
    district = int(response.json()["id"])
    plan = api.call("GET", f"/plans/{plan_day(api, district)}").json()["plan"]
    api.bind_driver(district, next(r["crew"] for r in plan["routes"] if r["trips"]))
    body = api.call("GET", "/me/assignment", role="driver", params={"date": DAY}).json()
    stops = [s for r in body["routes"] for s in r["stops"]]
    assert stops
    for stop in stops:
        nav = stop["nav"]
        assert nav["in_china"]
        g_lon, g_lat = wgs84_to_gcj02(stop["lon"], stop["lat"])
        b_lon, b_lat = gcj02_to_bd09(g_lon, g_lat)
        assert f"to={g_lon:.6f},{g_lat:.6f}," in nav["amap"]
        assert f"tocoord={g_lat:.6f},{g_lon:.6f}" in nav["tencent"]
        assert f"latlng:{b_lat:.6f},{b_lon:.6f}" in nav["baidu"]
        assert stop["geo_uri"].startswith(f"geo:{stop['lat']:.6f},{stop['lon']:.6f}")


def test_drivers_see_nothing_before_publication(api: Api, district: int) -> None:
    plan_id = plan_day(api, district, publish=False)
    api.bind_driver(district, crew_of_first_route(api, plan_id))
    response = api.call("GET", "/me/assignment", role="driver", params={"date": DAY})
    assert response.status_code == 404
    assert response.json()["detail"][0]["loc"] == ["query", "date"]


def test_a_driver_without_a_crew_is_forbidden(api: Api, district: int) -> None:
    plan_day(api, district)
    response = api.call("GET", "/me/assignment", role="driver2", params={"date": DAY})
    assert response.status_code == 403


def test_stop_reports_done_and_skipped(api: Api, district: int) -> None:
    plan_id = plan_day(api, district)
    api.bind_driver(district, crew_of_first_route(api, plan_id))
    stop = api.call("GET", "/me/assignment", role="driver", params={"date": DAY}).json()["routes"][
        0
    ]["stops"][0]
    report = {"date": DAY, "point_id": stop["id"], "visit": stop["visit"]}
    no_reason = api.call("POST", "/me/stops", role="driver", json=report | {"status": "skipped"})
    assert no_reason.status_code == 422
    assert no_reason.json()["detail"][0]["loc"] == ["body", "reason"]
    skipped = api.call(
        "POST",
        "/me/stops",
        role="driver",
        json=report | {"status": "skipped", "reason": "car parked on bins"},
    )
    assert skipped.status_code == 201
    again = api.call("GET", "/me/assignment", role="driver", params={"date": DAY}).json()
    first = again["routes"][0]["stops"][0]
    assert (first["status"], first["reason"]) == ("skipped", "car parked on bins")
    done = api.call("POST", "/me/stops", role="driver", json=report | {"status": "done"})
    assert done.json()["status"] == "done"
    assert api.count(m.StopStatusRow) == 1


def test_a_driver_cannot_report_another_crews_stop(api: Api, district: int) -> None:
    plan_id = plan_day(api, district)
    routes = api.call("GET", f"/plans/{plan_id}").json()["plan"]["routes"]
    api.bind_driver(district, routes[0]["crew"])
    other = next(r for r in routes if r["crew"] != routes[0]["crew"] and r["trips"])
    point = other["trips"][0]["visits"][0]
    response = api.call(
        "POST",
        "/me/stops",
        role="driver",
        json={"date": DAY, "point_id": point["point"], "visit": point["visit"], "status": "done"},
    )
    assert response.status_code == 404
    assert api.count(m.StopStatusRow) == 0


def test_gpx_and_icalendar_exports(api: Api, district: int) -> None:
    plan_id = plan_day(api, district)
    api.bind_driver(district, crew_of_first_route(api, plan_id))
    gpx = api.call("GET", "/me/assignment.gpx", role="driver", params={"date": DAY})
    assert gpx.headers["content-type"].startswith("application/gpx+xml")
    assert gpx.text.count("<wpt ") >= 2 and "<rte>" in gpx.text
    ics = api.call("GET", "/me/assignment.ics", role="driver", params={"date": DAY})
    assert ics.headers["content-type"].startswith("text/calendar")
    assert ics.text.startswith("BEGIN:VCALENDAR") and f"DTSTART:{DAY.replace('-', '')}T" in ics.text
    # Chinese by default, English when asked: the names a navigation or calendar app shows.
    assert "收运" in gpx.text and "班次" in ics.text
    english = api.call(
        "GET", "/me/assignment.gpx", role="driver", params={"date": DAY, "lang": "en"}
    )
    assert "collect at" in english.text and "收运" not in english.text
    english = api.call(
        "GET", "/me/assignment.ics", role="driver", params={"date": DAY, "lang": "en"}
    )
    assert "SUMMARY:1. collect at" in english.text or "SUMMARY:1. unload at" in english.text


def test_a_plan_job_of_a_what_if_plans_the_changed_day(api: Api, district: int) -> None:
    scenario = {"name": "busy day", "changes": [{"type": "demand", "factor": 1.5}]}
    queued = api.call(
        "POST",
        f"/districts/{district}/plan-jobs",
        json={"date": DAY, "time_limit_s": 1, "scenario": scenario},
    )
    assert queued.status_code == 202, queued.text
    assert queued.json()["scenario"] == "busy day"
    assert api.run_jobs(solve) == ["succeeded"]
    job = api.call("GET", f"/plan-jobs/{queued.json()['id']}").json()
    assert job["scenario"] == "busy day"
    current = plan_day(api, district, publish=False)
    with api.sessions() as session:
        changed, base = (session.get(m.PlanRow, i) for i in (job["plan_id"], current))
        assert changed is not None and base is not None
        kg = [sum(p["kg_per_day"] for p in row.problem["points"]) for row in (changed, base)]
    assert abs(kg[0] - 1.5 * kg[1]) <= len(base.problem["points"])  # rounded point by point
    assert api.call("GET", f"/plans/{job['plan_id']}/validation").json()["ok"] is True


def test_a_what_if_whose_change_does_not_apply_is_refused_and_queues_nothing(
    api: Api, district: int
) -> None:
    scenario = {"name": "x", "changes": [{"type": "remove-facility", "id": "no-such-station"}]}
    refused = api.call(
        "POST",
        f"/districts/{district}/plan-jobs",
        json={"date": DAY, "scenario": scenario},
    )
    assert refused.status_code == 422
    (entry,) = refused.json()["detail"]
    assert entry["loc"][0].startswith("scenario") and "changes[0]" in entry["loc"][0]
    assert entry["loc"][1] == "id" and "no-such-station" in entry["msg"]
    with api.sessions() as session:
        assert session.query(m.PlanJobRow).count() == 0
