"""Fixtures of the browser tests: the API serving its pages on a real port, and headless Chromium.

One server for the test session: a fresh SpatiaLite file (the embedded database that ``make demo``
serves the pages from), the migrations, one user per role, and a small district (scale 0.03,
about 45 points) generated on the streets of the demo's Helsinki extract, so the road base layer
lies under it. Plan jobs run in a thread with the optimiser bounded by iterations (about a second,
deterministic). Chromium is Debian's (``make test`` installs it); the tests fail, never skip,
without it. Screenshots go to ``out/screenshots/``.
"""

from __future__ import annotations

import datetime as dt
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.core.config import Settings
from api.core.rate_limit import SignInLimiter
from api.core.security import hash_password, issue_token
from api.db import models as m
from api.db.engine import make_engine, session_factory
from api.db.migrate import upgrade
from api.main import create_app
from api.repositories import districts as repo
from api.routes.web import RoadLayers, road_layer
from gis_data.demo import helsinki_extract
from routing.network import load_network
from routing.plan import Plan
from routing.problem import Problem
from routing.solve import Progress, solve
from scenarios.district import DistrictSpec, generate_district
from scenarios.road_district import RoadSampler

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SECRET = "web-test-secret-that-is-long-enough-for-settings"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "out" / "screenshots"
#: The optimiser's iteration bound in plan jobs: a plan in a few seconds, the same for a seed.
ITERATIONS = 200
WAIT_S = 30
STAFF = ("admin", "dispatcher", "planner")
DRIVERS = ("driver-a", "driver-b")


def password(username: str) -> str:
    """The test password of ``username``."""
    return f"{username}-password"


def iteration_limited_solve(
    problem: Problem, *, time_limit_s: float, seed: int, progress: Progress | None
) -> Plan:
    """The optimiser of plan jobs, bounded by :data:`ITERATIONS`, its searches in this process.

    (With a pool of worker processes the start-up of the pool takes longer than the search.)
    """
    return solve(
        problem,
        time_limit_s=time_limit_s,
        seed=seed,
        progress=progress,
        max_iterations=ITERATIONS,
        workers=1,
    )


@dataclass
class Server:
    """The API on a local port, its database, users and the district."""

    url: str
    sessions: sessionmaker[Session]
    users: dict[str, int]
    district_id: int
    today: dt.date = field(default_factory=dt.date.today)

    def token(self, username: str) -> str:
        """A bearer token of ``username``."""
        return issue_token(self.users[username], version=0, secret_key=SECRET, ttl_s=3600)

    def call(self, method: str, path: str, *, user: str | None = "dispatcher", **kw: Any) -> Any:
        """A request to the API as ``user`` (``None``: without a token)."""
        headers = {"Authorization": f"Bearer {self.token(user)}"} if user else {}
        return httpx.request(method, self.url + path, headers=headers, timeout=60, **kw)

    def plan_day(self, day: dt.date, *, seed: int, publish: bool) -> int:
        """Request a plan job through the API and wait for it; the plan version's id."""
        job = self.call(
            "POST",
            f"/districts/{self.district_id}/plan-jobs",
            json={"date": day.isoformat(), "time_limit_s": 20, "seed": seed, "publish": publish},
        ).json()
        deadline = time.monotonic() + 60
        while job["status"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.2)
            job = self.call("GET", f"/plan-jobs/{job['id']}").json()
        assert job["status"] == "succeeded", job
        return int(job["plan_id"])

    def bind_driver(self, username: str, crew: str) -> None:
        """Bind a driver user to a crew of the district."""
        with self.sessions() as session:
            crew_row = session.scalar(
                select(m.CrewRow).where(
                    m.CrewRow.district_id == self.district_id, m.CrewRow.code == crew
                )
            )
            user = session.get(m.UserRow, self.users[username])
            assert crew_row is not None and user is not None
            user.crew_id = crew_row.id
            session.commit()


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The API with its pages, served by uvicorn from a thread, on a fresh SpatiaLite file."""
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'huanwei.sqlite'}"
    upgrade(database_url=url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    network = load_network(helsinki_extract())
    problem = generate_district(
        RoadSampler(network), seed=1, spec=DistrictSpec(scale=0.03), name="web-test"
    )
    users: dict[str, int] = {}
    with sessions() as session:
        district = repo.replace_district(session, problem, speeds_kmh={})
        for username in (*STAFF, *DRIVERS):
            role = "driver" if username in DRIVERS else username
            row = m.UserRow(
                username=username, password_hash=hash_password(password(username)), role=role
            )
            session.add(row)
            session.flush()
            users[username] = row.id
        session.commit()
        district_id = district.id
    settings = Settings(
        database_url=url, secret_key=SECRET, environment="test", job_executor="thread"
    )
    app = create_app(settings, engine=engine, solver=iteration_limited_solve)
    # The pages' tests sign in more often than a person would.
    app.state.sign_in_limiter = SignInLimiter(per_user="600/minute", per_address="600/minute")
    extract = helsinki_extract()
    app.state.web_road_layers = RoadLayers((extract,), read=(road_layer(extract, network),))
    sock = _free_socket()
    port = sock.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert uv.started, "the API did not start"
    try:
        yield Server(
            url=f"http://127.0.0.1:{port}", sessions=sessions, users=users, district_id=district_id
        )
    finally:
        uv.should_exit = True
        thread.join(timeout=30)
        sock.close()
        engine.dispose()


@dataclass
class Published:
    """Today's published plan (seed 0), a second version (seed 1), and the drivers' crews."""

    plan_id: int
    other_plan_id: int
    crews: dict[str, str]


@pytest.fixture(scope="session")
def published(server: Server) -> Published:
    """Plan today twice through the API, publish the first, bind the drivers to two crews."""
    plan_id = server.plan_day(server.today, seed=0, publish=True)
    other = server.plan_day(server.today, seed=1, publish=False)
    plan = server.call("GET", f"/plans/{plan_id}").json()["plan"]
    with_visits = sorted(
        {r["crew"] for r in plan["routes"] if sum(len(t["visits"]) for t in r["trips"]) >= 3}
    )
    assert len(with_visits) >= 2, "the test district's plan should give two crews 3+ stops"
    crews = dict(zip(DRIVERS, with_visits, strict=False))
    for username, crew in crews.items():
        server.bind_driver(username, crew)
    return Published(plan_id=plan_id, other_plan_id=other, crews=crews)


class Browser:
    """Headless Chromium driven by selenium, with the steps the tests share."""

    def __init__(self, server: Server) -> None:
        for path in (CHROMIUM, CHROMEDRIVER):
            assert Path(path).exists(), f"{path} is missing: `make test` installs chromium"
        self.server = server
        self.profile = tempfile.TemporaryDirectory(prefix="huanwei-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--lang=zh-CN",
            f"--user-data-dir={self.profile.name}",
        ):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.size(1400, 1000)

    def quit(self) -> None:
        """Close Chromium and remove its profile."""
        self.driver.quit()
        self.profile.cleanup()

    def size(self, width: int, height: int) -> None:
        """The window's size in CSS pixels."""
        self.driver.set_window_size(width, height)

    def open(self, path: str) -> None:
        """Go to ``path`` of the server."""
        self.driver.get(self.server.url + path)

    def wait(self, condition: Any, timeout: float = WAIT_S) -> Any:
        """Wait until ``condition(driver)`` is true; its value."""
        # Pages redraw what they poll: an element found a moment ago may be gone; look again.
        return WebDriverWait(
            self.driver,
            timeout,
            poll_frequency=0.1,
            ignored_exceptions=(StaleElementReferenceException, NoSuchElementException),
        ).until(condition)

    def find(self, css: str) -> WebElement:
        """The first element matching ``css``."""
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def all(self, css: str) -> list[WebElement]:
        """Every element matching ``css``."""
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def visible(self, css: str) -> WebElement:
        """Wait for a visible element matching ``css``."""
        element: WebElement = self.wait(ec.visibility_of_element_located((By.CSS_SELECTOR, css)))
        return element

    def state(self, wanted: str = "ready") -> None:
        """Wait until the page says it has loaded (``body[data-state]``)."""
        self.wait(
            lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-state") == wanted
        )

    def count_when_stable(self, css: str, timeout: float = WAIT_S) -> int:
        """How many elements match ``css`` once the count is non-zero and stops changing."""
        last = -1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            n = len(self.all(css))
            if n and n == last:
                return n
            last = n
            time.sleep(0.3)
        return len(self.all(css))

    def sign_in(self, username: str, *, secret: str | None = None) -> None:
        """Sign in through the sign-in page (the browser forgets an earlier user first).

        With the user's own password, wait until their page has loaded.
        """
        self.open("/web/")
        self.driver.execute_script("localStorage.clear()")
        self.open("/web/")
        self.state()
        self.find("#username").send_keys(username)
        self.find("#password").send_keys(secret if secret is not None else password(username))
        self.find("#login").click()
        if secret is None:
            self.wait(lambda d: urlsplit(d.current_url).path != "/web/")
            self.state()

    def screenshot(self, name: str) -> Path:
        """Save a screenshot of the whole page as ``out/screenshots/NAME.png``."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.driver.execute_script("window.scrollTo(0, 0)")
        size = self.driver.get_window_size()
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        inner = self.driver.execute_script("return window.innerHeight")
        self.size(size["width"], size["height"] + max(0, int(height) - int(inner)))
        try:
            self.driver.save_screenshot(str(path))
        finally:
            self.size(size["width"], size["height"])
        return path

    def console_errors(self) -> list[str]:
        """The browser console's errors since the last call (script errors, failed loads)."""
        return [
            entry["message"]
            for entry in self.driver.get_log("browser")
            if entry["level"] == "SEVERE" and "favicon.ico" not in entry["message"]
        ]


@pytest.fixture(scope="session")
def browser(server: Server) -> Iterator[Browser]:
    """One headless Chromium for the session."""
    b = Browser(server)
    try:
        yield b
    finally:
        b.quit()
