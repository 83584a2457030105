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
    assert len(browser.all("#compare-table tr[data-kpi]")) == 11
    assert len(browser.all("svg.chart")) == 4
    assert len(browser.all("#chart-shifts rect.bar")) == 2 * len(kpis[a]["vehicles_per_shift"])

    for side, plan_id in (("a", a), ("b", b)):
        geojson = server.call("GET", f"/plans/{plan_id}/geojson").json()
        trips = sum(1 for f in geojson["features"] if f["properties"]["kind"] == "trip")
        assert browser.count_when_stable(f"#map-{side} path.hw-route") == trips
        assert len(browser.all(f"#map-{side} path.hw-road")) > 100
        attribution = browser.find(f"#map-{side} .leaflet-control-attribution").text
        assert "OpenStreetMap contributors" in attribution

    scenarios = browser.find("#scenarios").text
    spec = server.call("GET", "/openapi.json").json()
    if any(path.startswith("/scenario") for path in spec["paths"]):
        assert "/scenario" in scenarios or browser.all("#scenarios iframe, #scenarios table")
    else:
        assert "还没有情景比较服务" in scenarios
    browser.screenshot("planner-compare")
    assert browser.console_errors() == []
