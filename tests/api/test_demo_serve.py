"""``huanwei demo-serve``: the demo's district and published plan, and its logins, on SpatiaLite."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.core.config import Settings
from api.main import create_app
from huanwei.cli import main
from routing.plan_file import write_plan
from routing.problem_file import problem_from_dict
from routing.solve import solve
from tests.api.conftest import SECRET, district_document


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What ``huanwei demo`` writes, for the tiny district: problem.json and plan.json."""
    out = tmp_path_factory.mktemp("demo")
    document = district_document()
    (out / "problem.json").write_text(json.dumps(document), encoding="utf-8")
    plan = solve(problem_from_dict(document), seed=0, engine="greedy")  # storing is the subject
    write_plan(plan, out / "plan.json")
    return out


def demo_serve(out: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """Run ``huanwei demo-serve --no-serve``; the printed passwords by user name."""
    assert main(["demo-serve", "--out", str(out), "--no-serve"]) == 0
    printed = capsys.readouterr().out
    return dict(re.findall(r"^  (demo-\w+) / (\S+)", printed, flags=re.MULTILINE))


def sign_in(client: TestClient, username: str, password: str) -> dict[str, str]:
    response = client.post("/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_demo_serve_stores_the_district_its_published_plan_and_logins(
    demo_out: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"sqlite:///{tmp_path / 'huanwei.sqlite'}"
    monkeypatch.setenv("HUANWEI_DATABASE_URL", url)
    first = demo_serve(demo_out, capsys)
    second = demo_serve(demo_out, capsys)  # replaces the demo, with new passwords
    assert set(second) == {"demo-dispatcher", "demo-driver"}
    assert second != first

    app = create_app(
        Settings(database_url=url, secret_key=SECRET, environment="test", job_executor="external")
    )
    today = dt.date.today()
    days = [today.isoformat(), (today + dt.timedelta(days=1)).isoformat()]
    with TestClient(app) as client:
        stale = client.post(
            "/auth/token", data={"username": "demo-driver", "password": first["demo-driver"]}
        )
        assert stale.status_code == 401
        dispatcher = sign_in(client, "demo-dispatcher", second["demo-dispatcher"])
        districts = client.get("/districts", headers=dispatcher).json()
        assert districts["total"] == 1
        district = districts["items"][0]
        assert district["counts"]["points"] == len(district_document()["points"])
        plans = client.get(f"/districts/{district['id']}/plans", headers=dispatcher).json()
        assert plans["total"] == 2  # today's and tomorrow's: a browser ahead of UTC finds one
        assert all(p["published"] for p in plans["items"])
        assert sorted(p["date"] for p in plans["items"]) == days

        driver = sign_in(client, "demo-driver", second["demo-driver"])
        for day in days:
            mine = client.get("/me/assignment", params={"date": day}, headers=driver)
            assert mine.status_code == 200, mine.text
            assert mine.json()["district_id"] == district["id"]
            assert mine.json()["routes"][0]["stops"]
