"""The dispatcher's page: generate tomorrow's plan with live progress, see it drawn, publish it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import shapely
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.support import expected_conditions as ec

from tests.web.conftest import Browser, Server


def test_dispatcher_generates_a_plan_sees_its_routes_and_publishes_it(
    browser: Browser, server: Server, tmp_path: Path
) -> None:
    tomorrow = (server.today + dt.timedelta(days=1)).isoformat()
    district = server.district_id
    browser.sign_in("dispatcher")
    browser.open(f"/web/dispatcher?district={district}&date={tomorrow}")
    browser.state()
    assert browser.find("#plan-status").text == "这一天还没有计划。"

    # The base layer is the district's road network, with OpenStreetMap's attribution.
    roads = server.call("GET", f"/districts/{district}/roads").json()
    assert len(roads["features"]) > 100
    assert browser.count_when_stable("path.hw-road") == len(roads["features"])
    assert "OpenStreetMap contributors" in browser.find(".leaflet-control-attribution").text

    # Generate: the job is polled until it succeeds, and its plan is shown.
    time_limit = browser.find("#time-limit")
    time_limit.clear()
    time_limit.send_keys("20")
    browser.find("#generate").click()
    browser.visible("#job")
    browser.wait(lambda d: browser.find("#job").get_attribute("data-status") == "succeeded")
    assert "100%" in browser.find("#job-text").text
    job_id = browser.find("#job").get_attribute("data-job-id")
    job = server.call("GET", f"/plan-jobs/{job_id}").json()
    assert job["status"] == "succeeded" and job["date"] == tomorrow
    plan_id = job["plan_id"]
    browser.wait(lambda d: browser.find("#version").get_attribute("value") == str(plan_id))

    # Every trip of the plan is a line on the map, every route a bar on the timeline.
    geojson = server.call("GET", f"/plans/{plan_id}/geojson").json()
    trips = [f for f in geojson["features"] if f["properties"]["kind"] == "trip"]
    visits = [f for f in geojson["features"] if f["properties"]["kind"] == "visit"]
    assert trips
    assert browser.count_when_stable("path.hw-route") == len(trips)
    assert len(browser.all("path.hw-stop")) == len(visits)
    # Trips are drawn along the streets they drive: more vertices than places, on the roads.
    assert {f["properties"]["legs"] for f in trips} == {"road"}
    network = shapely.MultiLineString([f["geometry"]["coordinates"] for f in roads["features"]])
    vertices = [p for f in trips for p in f["geometry"]["coordinates"]]
    on_road = sum(shapely.Point(p).distance(network) * 111_000 < 2.0 for p in vertices)
    assert on_road >= 0.9 * len(vertices), (on_road, len(vertices))
    places = {
        (f["properties"]["vehicle"], f["properties"]["shift"], f["properties"]["trip"]): 0
        for f in trips
    }
    for f in geojson["features"]:
        p = f["properties"]
        if p["kind"] in {"visit", "unload"}:
            places[(p["vehicle"], p["shift"], p["trip"])] += 1
    most_places = max(places.values()) + 2  # and the depot at both ends
    drawn = [
        len(re.findall(r"[ML]", e.get_attribute("d") or "")) for e in browser.all("path.hw-route")
    ]
    assert max(drawn) > most_places, (drawn, most_places)
    plan = server.call("GET", f"/plans/{plan_id}").json()
    routes = plan["plan"]["routes"]
    assert len(browser.all(".tl-route")) == len(routes)
    unloads = sum(1 for r in routes for t in r["trips"] if t["unload"] is not None)
    assert len(browser.all(".tl-unload")) == unloads
    vehicles = server.call("GET", f"/districts/{district}/vehicles?limit=1000").json()
    assert len(browser.all(".timeline .tl-row")) == 1 + vehicles["total"]  # axis + one per vehicle

    # Key figures and the validator's verdict are the API's.
    kpis = server.call("GET", f"/plans/{plan_id}/kpis").json()
    shown_km = float(browser.find('.kpi[data-kpi="km"] .kpi-value').text.replace(",", ""))
    assert abs(shown_km - kpis["km"]) <= 0.05 + 1e-9
    assert browser.find('.kpi[data-kpi="trips"] .kpi-value').text == str(kpis["trips"])
    validation = server.call("GET", f"/plans/{plan_id}/validation").json()
    assert validation["ok"] is True
    assert browser.find("#validation-verdict").text == "✓ 符合全部规则"
    assert browser.find("#published-badge").text == "草稿"
    browser.screenshot("dispatcher-plan")

    # A click on a route of the timeline (on whatever of it lies on top: a trip, unloading)
    # leaves only its trips on the map.
    first = routes[0]
    bar = browser.find(
        f'.tl-route[data-vehicle="{first["vehicle"]}"][data-shift="{first["shift"]}"]'
    )
    ActionChains(browser.driver).move_to_element(bar).click().perform()
    browser.wait(lambda d: len(browser.all("path.hw-route")) == len(first["trips"]))
    browser.find("#show-all").click()
    browser.wait(lambda d: len(browser.all("path.hw-route")) == len(trips))

    # Today's routes in, savings out: a sheet that puts the first shift's work on one vehicle
    # breaks rules, and the page shows the figures side by side with those breaches.
    sheet = tmp_path / "现行路线.csv"
    lines = ["车辆,班次,顺序,收运点"]
    for route in routes:
        vehicle = first["vehicle"] if route["shift"] == first["shift"] else route["vehicle"]
        for trip in route["trips"]:
            lines += [f"{vehicle},{route['shift']},,{v['point']}" for v in trip["visits"]]
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    browser.find("#savings-file").send_keys(str(sheet))
    browser.find("#savings-form button[type=submit]").click()
    browser.visible("#savings-table")
    upload = {"file": (sheet.name, sheet.read_bytes(), "text/csv")}
    expected = server.call("POST", f"/plans/{plan_id}/savings", files=upload).json()
    shown = browser.find('#savings-table tr[data-figure="breaches"] td').text
    assert int(shown.replace(",", "")) == expected["current"]["breaches"] > 0
    km = browser.find('#savings-table tr[data-figure="km"] td:nth-of-type(2)').text
    assert abs(float(km.replace(",", "")) - expected["proposed"]["km"]) <= 0.05 + 1e-9
    assert "×" in browser.find("#savings-current-rules").text
    browser.screenshot("dispatcher-savings")

    # Publish: the page and the API agree.
    browser.find("#publish").click()
    browser.wait(lambda d: browser.find("#published-badge").text == "已发布")
    assert server.call("GET", f"/plans/{plan_id}").json()["published"] is True
    # The two refusals (409) are all the console saw.
    assert [e for e in browser.console_errors() if f"/plans/{plan_id}/publish" not in e] == []
    assert not browser.find("#publish").is_displayed()
    assert browser.console_errors() == []


def test_dispatcher_page_in_english(browser: Browser, server: Server) -> None:
    browser.sign_in("dispatcher")
    browser.find("#lang-switch").click()
    try:
        assert browser.find("#generate").text == "Generate plan"
        assert browser.driver.execute_script("return document.documentElement.lang") == "en"
        browser.screenshot("dispatcher-en")
    finally:
        browser.find("#lang-switch").click()
    assert browser.find("#generate").text == "生成计划"


def test_publishing_a_past_day_asks_first(browser: Browser, server: Server) -> None:
    yesterday = server.today - dt.timedelta(days=1)
    plan_id = server.plan_day(yesterday, seed=0, publish=False)
    browser.sign_in("dispatcher")
    browser.open(f"/web/dispatcher?district={server.district_id}&date={yesterday.isoformat()}")
    browser.state()
    browser.wait(lambda d: browser.find("#published-badge").text == "草稿")

    # Declined: nothing is published.
    browser.find("#publish").click()
    alert = browser.wait(ec.alert_is_present())
    assert "past day" in alert.text and "force" in alert.text
    alert.dismiss()
    browser.wait(lambda d: "past day" in browser.find("#plan-message").text)
    assert server.call("GET", f"/plans/{plan_id}").json()["published"] is False

    # Confirmed: published.
    browser.find("#publish").click()
    browser.wait(ec.alert_is_present()).accept()
    browser.wait(lambda d: browser.find("#published-badge").text == "已发布")
    assert server.call("GET", f"/plans/{plan_id}").json()["published"] is True
    # The two refusals (409) are all the console saw.
    assert [e for e in browser.console_errors() if f"/plans/{plan_id}/publish" not in e] == []


def test_the_map_has_a_colour_per_vehicle_a_legend_for_every_symbol_and_search(
    browser: Browser, server: Server
) -> None:
    day = (server.today + dt.timedelta(days=3)).isoformat()
    plan_id = server.plan_day(dt.date.fromisoformat(day), seed=0, publish=False)
    browser.sign_in("dispatcher")
    browser.open(f"/web/dispatcher?district={server.district_id}&date={day}")
    browser.state()
    geojson = server.call("GET", f"/plans/{plan_id}/geojson").json()
    trips = [f for f in geojson["features"] if f["properties"]["kind"] == "trip"]
    browser.wait(lambda d: len(browser.all("path.hw-route")) == len(trips))

    # A colour per vehicle however many there are: distinct for a fleet of 28, and the
    # Okabe–Ito colours (safe for colour-blind readers) for eight or fewer.
    colours = browser.driver.execute_script(
        "return [28, 6].map((n) => [...HW.colours(Array.from({length: n}, (_, i) => `v${i}`))"
        ".values()])"
    )
    assert len(set(colours[0])) == 28 and colours[1][0].upper() == "#0072B2"

    # Every symbol is named: stops, unloadings, and each kind of place the district has.
    kinds = {
        f["properties"].get("kind", "depot")
        for f in server.call(
            "GET", f"/districts/{server.district_id}/facilities?limit=1000"
        ).json()["features"]
    }
    shown = {e.get_attribute("data-kind") for e in browser.all("#symbol-legend [data-kind]")}
    assert shown >= kinds | {"depot"}

    # Search: a vehicle leaves its routes alone on the map; a point is found and named.
    vehicle = trips[0]["properties"]["vehicle"]
    browser.find("#search").send_keys(vehicle)
    browser.find("#search-form button").click()
    own = [f for f in trips if f["properties"]["vehicle"] == vehicle]
    browser.wait(lambda d: len(browser.all("path.hw-route")) == len(own))
    visit = next(f for f in geojson["features"] if f["properties"]["kind"] == "visit")
    search = browser.find("#search")
    search.clear()
    search.send_keys(visit["properties"]["id"])
    browser.find("#search-form button").click()
    browser.wait(lambda d: visit["properties"]["id"] in browser.find("#search-status").text)
    assert browser.visible(".hw-found")
    browser.screenshot("dispatcher-search")
    assert browser.console_errors() == []
