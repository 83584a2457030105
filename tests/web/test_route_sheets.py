"""The route sheets (路线单) to print: the dispatcher's page opens them in a window of their own,
a sheet per vehicle and shift, each on its own paper page, the print button hidden in print."""

from __future__ import annotations

import datetime as dt

from tests.web.conftest import Browser, Server


def test_dispatcher_opens_the_route_sheets_to_print_a_sheet_per_route(
    browser: Browser, server: Server
) -> None:
    day = server.today + dt.timedelta(days=5)
    plan_id = server.plan_day(day, seed=0, publish=False)
    routes = server.call("GET", f"/plans/{plan_id}").json()["plan"]["routes"]
    worked = [r for r in routes if any(t["visits"] for t in r["trips"])]
    assert worked
    browser.sign_in("dispatcher")
    browser.open(f"/web/dispatcher?district={server.district_id}&date={day.isoformat()}")
    browser.state()
    browser.wait(lambda d: browser.find("#version").get_attribute("value") == str(plan_id))
    assert browser.console_errors() == []

    dispatcher = browser.driver.current_window_handle
    link = browser.visible("#print-route-sheets")
    assert link.text == "打印路线单"
    link.click()
    browser.wait(lambda d: len(d.window_handles) == 2)
    browser.driver.switch_to.window(
        next(h for h in browser.driver.window_handles if h != dispatcher)
    )
    try:
        browser.wait(lambda d: browser.all(".sheet"))
        assert browser.driver.title.startswith("路线单")
        sheets = browser.all(".sheet")
        assert len(sheets) == len(worked)
        shown = {(s.get_attribute("data-vehicle"), s.get_attribute("data-shift")) for s in sheets}
        assert shown == {(r["vehicle"], r["shift"]) for r in worked}
        first = worked[0]
        sheet = next(
            s
            for s in sheets
            if (s.get_attribute("data-vehicle"), s.get_attribute("data-shift"))
            == (first["vehicle"], first["shift"])
        )
        stops = [v["point"] for t in first["trips"] for v in t["visits"]]
        rows = sheet.find_elements("css selector", "tr.visit")
        assert [r.get_attribute("data-place") for r in rows] == stops
        assert sheet.find_elements("css selector", "svg circle")  # the route's map
        button = browser.find("#print-sheets")
        assert button.is_displayed() and button.text == "打印"
        browser.screenshot("route-sheet-print")

        # The button prints (the dialog itself stubbed: a headless browser has none).
        browser.driver.execute_script("window.print = () => { window.printed = true; };")
        button.click()
        assert browser.driver.execute_script("return window.printed") is True

        # In print, the button is hidden and every sheet but the last ends its paper page.
        browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        try:
            assert not button.is_displayed()
            breaks = browser.driver.execute_script(
                "return [...document.querySelectorAll('.sheet')]"
                ".map((s) => getComputedStyle(s).breakAfter)"
            )
            assert breaks[:-1] == ["page"] * (len(sheets) - 1)
        finally:
            browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        assert browser.console_errors() == []
    finally:
        browser.driver.close()
        browser.driver.switch_to.window(dispatcher)
    assert browser.console_errors() == []
