"""The planner's page: two plan versions side by side — figures, charts, maps before and after."""

from __future__ import annotations

from tests.web.conftest import Browser, Published, Server


def test_planner_compares_two_plan_versions(
    browser: Browser, server: Server, published: Published
) -> None:
    a, b = published.plan_id, published.other_plan_id
    browser.sign_in("planner")
    browser.wait(lambda d: "/web/planner" in d.current_url)
    browser.state()
    browser.open(f"/web/planner?district={server.district_id}&a={a}&b={b}")
    browser.state()

    kpis = {p: server.call("GET", f"/plans/{p}/kpis").json() for p in (a, b)}
    row = browser.find('#compare-table tr[data-kpi="trips"]')
    cells = [c.text for c in row.find_elements("css selector", "td")]
    assert cells[1:3] == [str(kpis[a]["trips"]), str(kpis[b]["trips"])]
    assert len(browser.all("#compare-table tr[data-kpi]")) == 12
    assert len(browser.all("svg.chart")) == 4
    assert len(browser.all("#chart-shifts rect.bar")) == 2 * len(kpis[a]["vehicles_per_shift"])

    for side, plan_id in (("a", a), ("b", b)):
        geojson = server.call("GET", f"/plans/{plan_id}/geojson").json()
        trips = sum(1 for f in geojson["features"] if f["properties"]["kind"] == "trip")
        assert browser.count_when_stable(f"#map-{side} path.hw-route") == trips
        assert len(browser.all(f"#map-{side} path.hw-road")) > 100
        attribution = browser.find(f"#map-{side} .leaflet-control-attribution").text
        assert "OpenStreetMap contributors" in attribution

    browser.screenshot("planner-compare")
    assert browser.console_errors() == []


def test_planner_compares_a_what_if_with_the_scenario_service(
    browser: Browser, server: Server
) -> None:
    browser.sign_in("planner")
    browser.open(f"/web/planner?district={server.district_id}")
    browser.state()
    browser.visible("#whatif-form")
    browser.find("#whatif-name").clear()
    browser.find("#whatif-name").send_keys("waste-plus-15")
    browser.find('#whatif-kind option[value="demand"]').click()
    for field, value in (
        ("#whatif-growth", "15"),
        ("#whatif-time", "20"),
        ("#whatif-iterations", "20"),
    ):
        browser.find(field).clear()
        browser.find(field).send_keys(value)
    browser.find("#whatif-run").click()
    row = "#scenario-list tr[data-comparison]"
    browser.wait(
        lambda d: (
            browser.all(row) and browser.all(row)[0].get_attribute("data-status") == "succeeded"
        )
    )
    comparison = int(browser.find(row).get_attribute("data-comparison") or 0)
    body = server.call("GET", f"/scenario-comparisons/{comparison}", user="planner").json()
    assert body["status"] == "succeeded"
    assert body["scenarios"] == ["current", "waste-plus-15"]

    browser.find(f"{row} .show-report").click()
    frame = browser.visible("#scenario-report")
    html = frame.get_attribute("srcdoc") or ""
    assert "waste-plus-15" in html and "<svg" in html
    browser.driver.switch_to.frame(frame)
    try:
        # The report is in the page's language: Chinese, by default.
        text = browser.driver.find_element("tag name", "body").text
        assert "waste-plus-15" in text
        assert browser.driver.find_element("tag name", "h1").text == "情景比较"
        assert "关键指标" in text and "Key figures" not in text
        assert browser.driver.execute_script("return document.documentElement.lang") == "zh-CN"
        tall = browser.driver.execute_script("return document.documentElement.scrollHeight")
    finally:
        browser.driver.switch_to.default_content()
    # The report reads as part of the page: its frame as tall as it, nothing scrolls inside.
    browser.wait(lambda d: frame.size["height"] >= tall)
    browser.screenshot("planner-what-if")
    assert browser.console_errors() == []

    # Switched to English, the page shows the report again, in English.
    browser.find("#lang-switch").click()
    try:
        english = "<h1>Scenario comparison</h1>"
        browser.wait(
            lambda d: english in (browser.find("#scenario-report").get_attribute("srcdoc") or "")
        )
    finally:
        browser.find("#lang-switch").click()
    browser.wait(
        lambda d: (
            "<h1>情景比较</h1>" in (browser.find("#scenario-report").get_attribute("srcdoc") or "")
        )
    )
    assert browser.console_errors() == []


def test_dispatchers_are_not_offered_what_ifs(browser: Browser, server: Server) -> None:
    browser.sign_in("dispatcher")
    browser.open(f"/web/planner?district={server.district_id}")
    browser.state()
    assert browser.all("#whatif-form") == []
    assert browser.find("#scenarios").text == "情景模拟由规划员使用。"


def test_planner_cancels_an_open_what_if_and_retries_it(browser: Browser, server: Server) -> None:
    browser.sign_in("planner")
    browser.open(f"/web/planner?district={server.district_id}")
    browser.state()
    browser.visible("#whatif-form")
    browser.find("#whatif-name").clear()
    browser.find("#whatif-name").send_keys("long-what-if")
    browser.find("#whatif-time").clear()
    browser.find("#whatif-time").send_keys("600")
    browser.find("#whatif-iterations").clear()  # the whole time limit: it is still open
    browser.find("#whatif-run").click()

    def click(css: str) -> None:  # the list is redrawn every second: look again until it is there
        script = "const e = document.querySelector(arguments[0]); if (e) e.click(); return !!e;"
        browser.wait(lambda d: d.execute_script(script, css))

    click("#scenario-list .cancel-comparison")
    cancelled = '#scenario-list tr[data-status="cancelled"]'
    browser.wait(lambda d: browser.all(cancelled))
    comparison = int(browser.find(cancelled).get_attribute("data-comparison") or 0)
    url = f"/scenario-comparisons/{comparison}"
    assert server.call("GET", url, user="planner").json()["status"] == "cancelled"

    click(f'#scenario-list tr[data-comparison="{comparison}"] .retry-comparison')
    browser.wait(lambda d: server.call("GET", url, user="planner").json()["status"] != "cancelled")
    assert server.call("GET", url, user="planner").json()["attempts"] >= 1
    assert server.call("POST", f"{url}/cancel", user="planner").status_code == 202
    browser.wait(lambda d: server.call("GET", url, user="planner").json()["status"] == "cancelled")
    assert browser.console_errors() == []


def test_planner_says_when_two_plans_time_travel_differently(
    browser: Browser, server: Server, published: Published
) -> None:
    district = f"/districts/{server.district_id}"
    attached = server.call("PUT", f"{district}/road-network", json={"extract": "Helsinki.osm.pbf"})
    assert attached.status_code == 200, attached.text
    try:
        on_roads = server.plan_day(server.today, seed=2, publish=False)
    finally:
        assert server.call("DELETE", f"{district}/road-network").status_code == 200
    assert server.call("GET", f"/plans/{on_roads}/kpis").json()["travel_method"] == "road"

    browser.sign_in("planner")
    browser.open(f"/web/planner?district={server.district_id}&a={published.plan_id}&b={on_roads}")
    browser.state()
    caveat = browser.visible("#compare-caveat").text
    assert "直线估算" in caveat and "道路网络" in caveat  # the page speaks Chinese by default
    # The caveat stands before the figures.
    assert (
        browser.find("#compare-caveat").location["y"] < browser.find("#compare-table").location["y"]
    )
    browser.screenshot("planner-compare-travel-caveat")

    # Two plans timed the same way: no caveat.
    browser.open(
        f"/web/planner?district={server.district_id}&a={published.plan_id}"
        f"&b={published.other_plan_id}"
    )
    browser.state()
    assert not browser.find("#compare-caveat").is_displayed()


def test_planner_plans_a_week_and_opens_a_day(browser: Browser, server: Server) -> None:
    browser.sign_in("planner")
    browser.open(f"/web/planner?district={server.district_id}")
    browser.state()
    rules = browser.visible("#calendar-rules")
    assert "horizon_days = 7" in rules.get_attribute("value")
    limit = browser.find("#calendar-time")
    limit.clear()
    limit.send_keys("7")
    browser.find("#calendar-run").click()
    browser.wait(lambda d: browser.all("#calendar-grid button[data-plan]"), timeout=120)
    days = browser.all("#calendar-grid button[data-plan]")
    assert len(days) == 7 and days[0].text.startswith("周")
    vehicles = [c.text for c in browser.all('#calendar-grid tr[data-row="vehicles"] td')]
    assert len(vehicles) == 7 and all(v.isdigit() for v in vehicles)
    assert browser.all("#calendar-result svg.chart")
    browser.screenshot("planner-calendar-week")
    third = days[2].get_attribute("data-plan")
    days[2].click()
    browser.wait(lambda d: browser.find("#plan-b").get_attribute("value") == third)
    assert browser.count_when_stable("#map-b path.hw-route") > 0
    assert browser.console_errors() == []
