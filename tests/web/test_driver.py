"""The driver's phone page: own stops in order, done and skip, both languages; others refused."""

from __future__ import annotations

import time
from typing import Any

from tests.web.conftest import Browser, Published, Server

PHONE = (412, 915)


def assignment(server: Server, username: str) -> dict[str, Any]:
    """The driver's assignment for today, from the API."""
    response = server.call("GET", f"/me/assignment?date={server.today.isoformat()}", user=username)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def stops_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The assignment's stops in order."""
    return [stop for route in body["routes"] for stop in route["stops"]]


def test_driver_sees_own_stops_and_marks_the_next_one_done(
    browser: Browser, server: Server, published: Published
) -> None:
    browser.size(*PHONE)
    try:
        browser.sign_in("driver-a")
        browser.wait(lambda d: d.current_url.endswith("/web/driver"))
        browser.state()
        before = stops_of(assignment(server, "driver-a"))
        visits = [s for s in before if s["kind"] == "visit"]
        assert len(browser.all("#stops li")) == len(before)
        etas = [e.text for e in browser.all("#stops .stop-eta")]
        assert etas == [s["eta"][:5] for s in before]  # HH:MM on the phone
        assert browser.find("#next-eta").text == visits[0]["eta"][:5]
        assert visits[0]["id"] in browser.find("#next-name").text
        assert browser.count_when_stable("path.hw-route") >= 1
        assert len(browser.all("path.hw-next")) == 1
        assert len(browser.all("path.hw-road")) > 100
        browser.screenshot("driver-zh")

        browser.find("#done").click()
        browser.wait(lambda d: visits[1]["id"] in browser.find("#next-name").text)
        first = browser.find(f'#stops li[data-point="{visits[0]["id"]}"]')
        assert "status-done" in (first.get_attribute("class") or "")
        assert first.find_element("css selector", ".stop-status").text == "已完成"
        after = {(s["id"], s["visit"]): s for s in stops_of(assignment(server, "driver-a"))}
        assert after[(visits[0]["id"], visits[0]["visit"])]["status"] == "done"
        assert after[(visits[1]["id"], visits[1]["visit"])]["status"] == "planned"

        # Skip the next one, with a reason; the reason is what the dispatcher will read.
        browser.find("#skip").click()
        browser.visible("#skip-form")
        browser.find('#skip-reason option[value="blocked"]').click()
        browser.find("#skip-note").send_keys("施工")
        browser.find("#skip-confirm").click()
        browser.wait(lambda d: visits[2]["id"] in browser.find("#next-name").text)
        skipped = stops_of(assignment(server, "driver-a"))
        reported = {(s["id"], s["visit"]): s for s in skipped}[
            (visits[1]["id"], visits[1]["visit"])
        ]
        assert reported["status"] == "skipped" and reported["reason"] == "道路堵塞: 施工"

        # A reload shows what the server holds.
        browser.driver.refresh()
        browser.state()
        assert visits[2]["id"] in browser.find("#next-name").text
        assert len(browser.all("#stops li.status-done")) == 1
        assert len(browser.all("#stops li.status-skipped")) == 1

        # A tap by mistake is undone the same day: the first visit is planned, and next, again.
        undo = f'#stops li[data-point="{visits[0]["id"]}"] .undo-button'
        assert browser.find(undo).size["height"] >= 44
        browser.find(undo).click()
        browser.wait(lambda d: visits[0]["id"] in browser.find("#next-name").text)
        undone = {(s["id"], s["visit"]): s for s in stops_of(assignment(server, "driver-a"))}
        assert undone[(visits[0]["id"], visits[0]["visit"])]["status"] == "planned"
        assert len(browser.all("#stops li.status-done")) == 0

        browser.find("#lang-switch").click()
        try:
            assert browser.find(".next-label").text.upper() == "NEXT STOP"
            assert browser.find("#done").text == "Done"
            assert "Today’s work" in browser.driver.title
            browser.screenshot("driver-en")
        finally:
            browser.find("#lang-switch").click()
        assert browser.find("#done").text == "完成"
        assert browser.console_errors() == []
    finally:
        browser.size(1400, 1000)


def test_another_drivers_page_is_refused(
    browser: Browser, server: Server, published: Published
) -> None:
    other = published.crews["driver-b"]
    path = f"/web/driver?district={server.district_id}&crew={other}"
    api = f"/districts/{server.district_id}/crews/{other}/assignment?date={server.today}"
    assert server.call("GET", api, user="driver-a").status_code == 403
    assert server.call("GET", api, user="driver-b").status_code == 200
    assert server.call("GET", api, user="dispatcher").status_code == 200

    browser.size(*PHONE)
    try:
        browser.sign_in("driver-a")
        browser.open(path)
        browser.state("refused")
        assert browser.visible("#refused .refused-message").text.startswith(
            "司机只能查看自己的任务。"
        )
        assert browser.all("#stops li") == []
        assert not browser.find(".page-main").is_displayed()
        browser.screenshot("driver-refused")
        errors = browser.console_errors()
        assert errors and all("403" in e for e in errors)  # the refused request, nothing else

        # The dispatcher's page is refused to a driver as well.
        browser.open("/web/dispatcher")
        browser.state("refused")
        assert "司机不能打开此页面" in browser.find("#refused .refused-message").text
    finally:
        browser.size(1400, 1000)


def test_staff_see_a_crews_page_read_only(
    browser: Browser, server: Server, published: Published
) -> None:
    crew = published.crews["driver-b"]
    expected = stops_of(assignment(server, "driver-b"))
    browser.sign_in("dispatcher")
    browser.open(f"/web/driver?district={server.district_id}&crew={crew}")
    browser.state()
    assert len(browser.all("#stops li")) == len(expected)
    assert crew in browser.find("#viewing").text
    assert not browser.find("#next-actions").is_displayed()
    assert browser.all("#stops button") == []
    assert browser.console_errors() == []


CENTRE_OFFSET = """
const map = document.getElementById('map').getBoundingClientRect();
const next = document.querySelector('path.hw-next').getBoundingClientRect();
return Math.hypot(map.left + map.width / 2 - (next.left + next.width / 2),
                  map.top + map.height / 2 - (next.top + next.height / 2));
"""


def test_the_next_stop_goes_to_a_map_app_with_thumb_sized_targets(
    browser: Browser, server: Server, published: Published
) -> None:
    browser.size(*PHONE)
    try:
        browser.sign_in("driver-b")
        browser.wait(lambda d: d.current_url.endswith("/web/driver"))
        browser.state()
        stops = stops_of(assignment(server, "driver-b"))
        upcoming = next(s for s in stops if s["kind"] == "visit" and s["status"] == "planned")
        assert upcoming["id"] in browser.find("#next-name").text
        # The page offers the links the server made for the stop (each in its app's datum):
        # Amap, Baidu, Tencent and geo: in China; geo: and OpenStreetMap elsewhere (Helsinki).
        nav = upcoming["nav"]
        expected = (
            [nav["amap"], nav["baidu"], nav["tencent"], upcoming["geo_uri"]]
            if nav["in_china"]
            else [upcoming["geo_uri"], upcoming["osm_url"]]
        )
        links = browser.all("#nav-links a")
        assert [a.get_attribute("href") for a in links] == expected
        targets = links + browser.all("#done, #skip, #centre-next, #stops .small-button")
        assert len(targets) >= 5
        for target in targets:
            assert target.size["height"] >= 44, (target.get_attribute("outerHTML"), target.size)

        browser.driver.execute_script("document.getElementById('map').scrollIntoView()")
        browser.find("#centre-next").click()
        browser.wait(lambda d: d.execute_script(CENTRE_OFFSET) < 3)
        browser.screenshot("driver-centred")
        assert browser.console_errors() == []
    finally:
        browser.size(1400, 1000)


OFFLINE = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
ONLINE = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}


def test_an_offline_reload_shows_the_assignment_and_a_queued_report_is_sent_later(
    browser: Browser, server: Server, published: Published
) -> None:
    browser.size(*PHONE)
    cdp = browser.driver.execute_cdp_cmd
    try:
        browser.sign_in("driver-a")
        browser.wait(lambda d: d.current_url.endswith("/web/driver"))
        browser.state()
        # The service worker takes the page over; one reload online fills its copy.
        browser.wait(
            lambda d: d.execute_script("return !!navigator.serviceWorker.controller"), timeout=20
        )
        browser.driver.refresh()
        browser.state()
        stops = stops_of(assignment(server, "driver-a"))
        upcoming = next(s for s in stops if s["kind"] == "visit" and s["status"] == "planned")

        cdp("Network.enable", {})
        cdp("Network.emulateNetworkConditions", OFFLINE)
        browser.driver.refresh()  # no network: the page and the assignment from the phone
        browser.state()
        assert len(browser.all("#stops li")) == len(stops)
        assert upcoming["id"] in browser.find("#next-name").text
        browser.find("#done").click()
        browser.visible("#queue-notice")
        assert "1" in browser.find("#queue-notice").text
        done = browser.find(f'#stops li[data-point="{upcoming["id"]}"]')
        assert "status-done" in (done.get_attribute("class") or "")
        browser.screenshot("driver-offline")
        stored = {(s["id"], s["visit"]): s for s in stops_of(assignment(server, "driver-a"))}
        assert stored[(upcoming["id"], upcoming["visit"])]["status"] == "planned"  # not sent

        cdp("Network.emulateNetworkConditions", ONLINE)
        browser.driver.execute_script("window.dispatchEvent(new Event('online'))")
        browser.wait(lambda d: not browser.find("#queue-notice").is_displayed(), timeout=15)
        sent = {(s["id"], s["visit"]): s for s in stops_of(assignment(server, "driver-a"))}
        assert sent[(upcoming["id"], upcoming["visit"])]["status"] == "done"
        # What the console saw: the requests the missing network refused, nothing else.
        errors = browser.console_errors()
        assert all("ERR_INTERNET_DISCONNECTED" in e for e in errors), errors
    finally:
        cdp("Network.emulateNetworkConditions", ONLINE)
        browser.size(1400, 1000)


def test_an_urgent_pickup_reaches_the_drivers_page_within_ten_seconds(
    browser: Browser, server: Server, published: Published
) -> None:
    # Runs last among the driver's tests: the urgent pickup makes a new published version.
    day = server.today.isoformat()
    crew = published.crews["driver-b"]
    listed = server.call(
        "GET", f"/districts/{server.district_id}/plans", params={"date": day, "published": True}
    ).json()
    live = listed["items"][0]["id"]
    plan = server.call("GET", f"/plans/{live}").json()["plan"]
    ours = [r for r in plan["routes"] if r["crew"] == crew and r["trips"]]
    stream = ours[0]["trips"][0]["stream"]
    pickup = {"id": "hotline-7", "stream": stream, "kg": 50, "litres": 100, "deadline": "23:00"}
    point = ours[0]["trips"][0]["visits"][0]["point"]
    pickup |= {"at_point": point, "now": "00:00"}
    slots = server.call("POST", f"/plans/{live}/urgent-slots", json=pickup).json()["slots"]
    rank = next(s["rank"] for s in slots if s["crew"] == crew)

    browser.size(*PHONE)
    try:
        browser.sign_in("driver-b")
        browser.wait(lambda d: d.current_url.endswith("/web/driver"))
        browser.state()
        assert not browser.all('#stops li[data-point="hotline-7"]')
        applied = server.call("POST", f"/plans/{live}/urgent", json=pickup | {"rank": rank})
        assert applied.status_code == 201, applied.text
        asked = time.monotonic()
        browser.wait(lambda d: browser.all('#stops li[data-point="hotline-7"]'), timeout=10)
        assert time.monotonic() - asked < 10
        notice = browser.visible("#update-notice").text
        assert "hotline-7" in notice and "新增站点" in notice
        browser.screenshot("driver-urgent")
        assert browser.console_errors() == []
    finally:
        browser.size(1400, 1000)
