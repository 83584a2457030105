"""Signing in by role: each role lands on its own page; a wrong password is shown, not obeyed."""

from __future__ import annotations

import pytest

from tests.web.conftest import Browser, Published


@pytest.mark.parametrize(
    ("username", "page"),
    [
        ("dispatcher", "/web/dispatcher"),
        ("planner", "/web/planner"),
        ("admin", "/web/dispatcher"),
        ("driver-a", "/web/driver"),
    ],
)
def test_each_role_lands_on_its_page(
    browser: Browser, published: Published, username: str, page: str
) -> None:
    browser.sign_in(username)
    browser.wait(lambda d: d.current_url.split("?")[0].endswith(page))
    browser.state()
    assert username in browser.find("#user").text
    assert browser.console_errors() == []


def test_a_wrong_password_is_refused_on_the_sign_in_page(browser: Browser) -> None:
    browser.sign_in("dispatcher", secret="not-the-password")
    error = browser.visible("#login-error")
    assert error.text == "用户名或密码错误"
    assert browser.driver.current_url.endswith("/web/")
    assert browser.driver.execute_script("return localStorage.getItem('huanwei.token')") is None
    browser.screenshot("sign-in-refused")


def test_a_page_without_a_token_sends_to_sign_in(browser: Browser) -> None:
    browser.open("/web/")
    browser.driver.execute_script("localStorage.clear()")
    browser.open("/web/dispatcher?date=2030-01-01")
    browser.wait(lambda d: "/web/?next=" in d.current_url)
    browser.state()
    browser.find("#username").send_keys("dispatcher")
    browser.find("#password").send_keys("dispatcher-password")
    browser.find("#login").click()
    browser.wait(
        lambda d: "/web/dispatcher?" in d.current_url and "date=2030-01-01" in d.current_url
    )
    browser.state()
