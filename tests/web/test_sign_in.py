"""Signing in by role: each role lands on its own page; a wrong password is shown, not obeyed."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest

from tests.web.conftest import Browser, Published, Server


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
    assert [e for e in browser.console_errors() if "/auth/token" not in e] == []


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


def _new_user(server: Server, username: str) -> None:
    """A planner of its own (signing out or a new password must not touch the shared users)."""
    created = server.call(
        "POST",
        "/users",
        user="admin",
        json={"username": username, "password": f"{username}-password", "role": "planner"},
    )
    assert created.status_code == 201, created.text


def _stored_token(browser: Browser) -> str:
    token = browser.driver.execute_script("return localStorage.getItem('huanwei.token')")
    assert isinstance(token, str)
    return token


def _me(server: Server, token: str) -> int:
    response = httpx.get(
        server.url + "/users/me", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    return response.status_code


def test_signing_out_ends_the_token_on_the_server(browser: Browser, server: Server) -> None:
    _new_user(server, "leaving")
    browser.sign_in("leaving", secret="leaving-password")
    browser.wait(lambda d: d.current_url.split("?")[0].endswith("/web/planner"))
    browser.state()
    token = _stored_token(browser)
    assert _me(server, token) == 200
    browser.find("#sign-out").click()
    browser.wait(lambda d: urlsplit(d.current_url).path == "/web/")
    assert _me(server, token) == 401  # a copy of the token kept elsewhere is refused too
    assert browser.console_errors() == []


def test_changing_ones_password_on_its_page(browser: Browser, server: Server) -> None:
    _new_user(server, "changing")
    browser.sign_in("changing", secret="changing-password")
    browser.wait(lambda d: d.current_url.split("?")[0].endswith("/web/planner"))
    browser.state()
    old = _stored_token(browser)
    browser.find("#password-link").click()
    browser.wait(lambda d: urlsplit(d.current_url).path == "/web/password")
    browser.state()
    browser.find("#current-password").send_keys("not-my-password")
    browser.find("#new-password").send_keys("a-brand-new-password")
    browser.find("#repeat-password").send_keys("a-brand-new-password")
    browser.find("#change-password").click()
    assert browser.visible("#password-error").text == "当前密码错误"
    browser.find("#current-password").clear()
    browser.find("#current-password").send_keys("changing-password")
    browser.find("#change-password").click()
    browser.visible("#password-done")
    browser.screenshot("password-changed")
    assert _me(server, old) == 401
    assert _me(server, _stored_token(browser)) == 200  # the page keeps working
    signed = httpx.post(
        server.url + "/auth/token",
        data={"username": "changing", "password": "a-brand-new-password"},
        timeout=30,
    )
    assert signed.status_code == 200
    # The wrong current password's 401 is the only thing the console saw.
    assert [e for e in browser.console_errors() if "/users/me/password" not in e] == []
