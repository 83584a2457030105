"""The dispatcher's live-day actions on the page: an urgent pickup and a vehicle breakdown."""

from __future__ import annotations

import datetime as dt
from typing import Any

from selenium.webdriver.common.action_chains import ActionChains

from tests.web.conftest import Browser, Server


def visits_of(plan: dict[str, Any], vehicle: str) -> list[dict[str, Any]]:
    """Every visit of ``vehicle`` in a plan body."""
    return [
        v
        for r in plan["routes"]
        if r["vehicle"] == vehicle
        for t in r["trips"]
        for v in t["visits"]
    ]


def test_dispatcher_adds_an_urgent_pickup_and_replans_a_breakdown(
    browser: Browser, server: Server
) -> None:
    day = server.today + dt.timedelta(days=2)
    first_id = server.plan_day(day, seed=0, publish=True)
    browser.sign_in("dispatcher")
    browser.open(f"/web/dispatcher?district={server.district_id}&date={day}")
    browser.state()
    browser.visible("#dispatch-panel")

    # Urgent pickup: the place is clicked on the map; the slots are the API's ranking.
    ActionChains(browser.driver).move_to_element(browser.find("#map")).click().perform()
    assert browser.find("#urgent-lon").get_attribute("value")
    browser.find("#urgent-id").clear()
    browser.find("#urgent-id").send_keys("hotline-1")
    browser.find('#urgent-stream option[value="residual"]').click()
    browser.find("#urgent-kg").clear()
    browser.find("#urgent-kg").send_keys("150")
    browser.find("#urgent-find").click()
    browser.wait(lambda d: browser.all("#urgent-slots tr[data-rank]"))
    body = {
        "id": "hotline-1",
        "stream": "residual",
        "kg": 150,
        "deadline": "20:00",
        "lon": float(browser.find("#urgent-lon").get_attribute("value") or 0),
        "lat": float(browser.find("#urgent-lat").get_attribute("value") or 0),
    }
    slots = server.call("POST", f"/plans/{first_id}/urgent-slots", json=body).json()["slots"]
    assert len(browser.all("#urgent-slots tr[data-rank]")) == len(slots)
    browser.screenshot("dispatcher-urgent-slots")
    browser.find('#urgent-slots tr[data-rank="1"] .apply-slot').click()
    browser.wait(lambda d: browser.find("#dispatch-result").get_attribute("data-plan-id"))
    urgent_id = int(browser.find("#dispatch-result").get_attribute("data-plan-id") or 0)
    browser.wait(lambda d: browser.find("#version").get_attribute("value") == str(urgent_id))
    urgent = server.call("GET", f"/plans/{urgent_id}").json()
    assert urgent["published"] and urgent["valid"]
    served = [v for r in urgent["plan"]["routes"] for t in r["trips"] for v in t["visits"]]
    placed = [v for v in served if v["point"] == "hotline-1"]
    assert len(placed) == 1
    route = next(
        r for r in urgent["plan"]["routes"] for t in r["trips"] if placed[0] in t["visits"]
    )
    assert (route["vehicle"], route["shift"]) == (slots[0]["vehicle"], slots[0]["shift"])
    geojson = server.call("GET", f"/plans/{urgent_id}/geojson").json()
    trips = sum(1 for f in geojson["features"] if f["properties"]["kind"] == "trip")
    assert browser.count_when_stable("path.hw-route") == trips

    # Breakdown: the busiest vehicle is out from the start of its first route.
    busiest = max(
        {r["vehicle"] for r in urgent["plan"]["routes"]},
        key=lambda v: len(visits_of(urgent["plan"], v)),
    )
    out_from = min(r["start_s"] for r in urgent["plan"]["routes"] if r["vehicle"] == busiest)
    browser.find(f'#breakdown-vehicle option[value="{busiest}"]').click()
    at = browser.find("#breakdown-at")
    at.send_keys(f"{out_from // 3600:02d}{out_from % 3600 // 60:02d}")
    time_limit = browser.find("#breakdown-time")
    time_limit.clear()
    time_limit.send_keys("3")
    browser.find("#breakdown-run").click()
    browser.wait(
        lambda d: browser.find("#dispatch-result").get_attribute("data-plan-id") != str(urgent_id)
    )
    replanned_id = int(browser.find("#dispatch-result").get_attribute("data-plan-id") or 0)
    replanned = server.call("GET", f"/plans/{replanned_id}").json()
    assert replanned["published"] and replanned["valid"]
    assert all(v["arrival_s"] < out_from for v in visits_of(replanned["plan"], busiest))
    changes = server.call(
        "GET", f"/districts/{server.district_id}/dispatch-changes?date={day}"
    ).json()
    assert [c["operation"] for c in changes["items"]] == ["breakdown", "urgent"]
    assert browser.find("#dispatch-result").text.startswith("已按故障重新安排")
    browser.screenshot("dispatcher-breakdown")
    assert browser.console_errors() == []
