"""Calendar jobs over the API: a week's plan job, each day's plan stored (and published) as
today's are, the calendar's result and the residents' calendar; bad calendars named, nothing
queued."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from api.db import models as m
from tests.api.conftest import DAY, Api, plan_day

WEEK = (
    Path(__file__).resolve().parents[2] / "scenarios" / "calendars" / "district-week.toml"
).read_text(encoding="utf-8")


def test_a_week_planned_published_and_shown(api: Api, district: int) -> None:
    queued = api.call(
        "POST",
        f"/districts/{district}/calendar-jobs",
        json={"start_date": DAY, "calendar": WEEK, "time_limit_s": 4, "seed": 1, "publish": True},
    )
    assert queued.status_code == 202, queued.text
    job = queued.json()
    assert job["kind"] == "calendar" and job["horizon_days"] == 7
    assert api.run_jobs() == ["succeeded"]
    calendar = api.call("GET", f"/plan-jobs/{job['id']}/calendar").json()
    assert calendar["valid"] and len(calendar["days"]) == 7
    first = dt.date.fromisoformat(DAY)
    assert [d["date"] for d in calendar["days"]] == [
        (first + dt.timedelta(days=i)).isoformat() for i in range(7)
    ]
    assert calendar["days"][0]["weekday"] == 0  # the file's first_weekday
    assert calendar["patterns"]  # recyclables, bulky waste, septic tanks have their days
    for day in calendar["days"]:
        version = api.call("GET", f"/plans/{day['plan_id']}").json()
        assert version["published"] and version["date"] == day["date"]
        assert api.call("GET", f"/plans/{day['plan_id']}/validation").json()["ok"]
    point, days = next((p, q) for p, q in calendar["patterns"].items() if len(q) == 2)
    visited = [
        i
        for i, d in enumerate(calendar["days"])
        if point
        in {
            v["point"]
            for r in api.call("GET", f"/plans/{d['plan_id']}").json()["plan"]["routes"]
            for t in r["trips"]
            for v in t["visits"]
        }
    ]
    assert visited == days  # a twice-a-week point on its pattern's days, and only those
    zh = api.call("GET", f"/plan-jobs/{job['id']}/residents.html")
    assert zh.status_code == 200 and "收运日历" in zh.text
    en = api.call("GET", f"/plan-jobs/{job['id']}/residents.html", params={"lang": "en"})
    assert "Collection calendar" in en.text
    wrong = api.call("GET", f"/plan-jobs/{job['id']}/residents.html", params={"lang": "fr"})
    assert wrong.status_code == 422 and "lang" in wrong.text


def test_a_bad_calendar_is_named_and_nothing_is_queued(api: Api, district: int) -> None:
    before = api.count(m.PlanJobRow)
    bad = api.call(
        "POST",
        f"/districts/{district}/calendar-jobs",
        json={
            "start_date": DAY,
            "calendar": {"horizon_days": 7, "streams": {"glass": {"visits": 1}}},
        },
    )
    assert bad.status_code == 422 and "streams.glass" in bad.text
    toml = api.call(
        "POST",
        f"/districts/{district}/calendar-jobs",
        json={"start_date": DAY, "calendar": "horizon_days = = 7"},
    )
    assert toml.status_code == 422 and "toml" in toml.text
    assert api.count(m.PlanJobRow) == before
    day_plan = plan_day(api, district, publish=False)
    day_job = api.call("GET", f"/plans/{day_plan}").json()["job_id"]
    assert api.call("GET", f"/plan-jobs/{day_job}/calendar").status_code == 404
