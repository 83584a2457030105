"""The embedded default: the same migrations and the same flow on SpatiaLite (SQLite)."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import inspect

from api.core.config import Settings
from api.core.security import issue_token
from api.db.engine import make_engine, session_factory
from api.db.migrate import downgrade_to_base, upgrade
from api.main import create_app
from tests.api.conftest import DAY, SECRET, add_users, district_document, greedy


def test_migrations_run_both_ways(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'huanwei.sqlite'}"
    upgrade(database_url=url)
    engine = make_engine(url)
    assert {"districts", "collection_points", "plans"} <= set(inspect(engine).get_table_names())
    engine.dispose()
    downgrade_to_base(database_url=url)
    engine = make_engine(url)
    assert "districts" not in inspect(engine).get_table_names()
    engine.dispose()


def test_district_to_drivers_assignment_on_spatialite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'huanwei.sqlite'}"
    upgrade(database_url=url)
    engine = make_engine(url)
    users = add_users(session_factory(engine))
    app = create_app(
        Settings(database_url=url, secret_key=SECRET, environment="test", job_executor="thread"),
        engine=engine,
        solver=greedy,
    )

    def auth(role: str) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {issue_token(users[role], version=0, secret_key=SECRET, ttl_s=60)}"
        }

    with TestClient(app) as client:
        district = client.post(
            "/districts/import", json={"problem": district_document()}, headers=auth("admin")
        ).json()["id"]
        box = client.get(
            f"/districts/{district}/points",
            params={"bbox": "24.90,60.15,24.94,60.19", "limit": 1000},
            headers=auth("planner"),
        ).json()
        assert 0 < box["numberReturned"] < box["numberMatched"] + 1000
        assert all(f["geometry"]["coordinates"][0] <= 24.94 for f in box["features"])
        job = client.post(
            f"/districts/{district}/plan-jobs",
            json={"date": DAY, "time_limit_s": 1, "publish": True},
            headers=auth("dispatcher"),
        ).json()
        for _ in range(200):
            job = client.get(f"/plan-jobs/{job['id']}", headers=auth("dispatcher")).json()
            if job["status"] not in ("queued", "running"):
                break
            time.sleep(0.05)
        assert job["status"] == "succeeded"
        plan = client.get(f"/plans/{job['plan_id']}", headers=auth("dispatcher")).json()
        assert plan["published"] and plan["valid"]
        crew = plan["plan"]["routes"][0]["crew"]
        client.post(
            "/users",
            json={
                "username": "li",
                "password": "password1",
                "role": "driver",
                "district_id": district,
                "crew_id": crew,
            },
            headers=auth("admin"),
        )
        token = client.post("/auth/token", data={"username": "li", "password": "password1"}).json()[
            "access_token"
        ]
        driver = {"Authorization": f"Bearer {token}"}
        mine = client.get("/me/assignment", params={"date": DAY}, headers=driver).json()
        assert mine["crew"] == crew and mine["routes"][0]["stops"]
        hits = app.state.assignments.hits
        again = client.get("/me/assignment", params={"date": DAY}, headers=driver)
        assert again.json() == mine and app.state.assignments.hits == hits + 1  # the hot path
        stop = mine["routes"][0]["stops"][0]
        report = {"date": DAY, "point_id": stop["id"], "visit": stop["visit"], "status": "done"}
        assert client.post("/me/stops", json=report, headers=driver).status_code == 201
        after = client.get("/me/assignment", params={"date": DAY}, headers=driver).json()
        assert after["routes"][0]["stops"][0]["status"] == "done"
    engine.dispose()
