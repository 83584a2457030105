"""Dispatch endpoints: each change makes the next version from the published one, recorded and
published, so the affected driver's assignment changes; what cannot be done is 409 with reasons
and nothing is written."""

from __future__ import annotations

from typing import Any

from api.db import models as m
from tests.api.conftest import DAY, Api, district_document, plan_day


def _residual_point() -> str:
    """A residual point outside the old town (any truck, any hour)."""
    return next(
        p["id"]
        for p in district_document()["points"]
        if p["stream"] == "residual" and p["max_size_class"] == "heavy"
    )


def _pickup(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "URG-1",
        "stream": "residual",
        "kg": 200,
        "litres": 400,
        "deadline": "16:00",
        "at_point": _residual_point(),
        "now": "08:00",
    }
    return body | changes


def _plan(api: Api, plan_id: int) -> dict[str, Any]:
    body: dict[str, Any] = api.call("GET", f"/plans/{plan_id}").json()
    return body


def _stops(plan: dict[str, Any]) -> dict[tuple[str, int], tuple[str, str, int]]:
    return {
        (v["point"], v["visit"]): (r["vehicle"], r["shift"], v["start_s"])
        for r in plan["plan"]["routes"]
        for t in r["trips"]
        for v in t["visits"]
    }


def test_slots_are_offered_without_writing_anything(api: Api, district: int) -> None:
    plan_id = plan_day(api, district)
    response = api.call("POST", f"/plans/{plan_id}/urgent-slots", json=_pickup(), role="planner")
    assert response.status_code == 200, response.text
    slots = response.json()["slots"]
    assert slots and [s["rank"] for s in slots] == list(range(1, len(slots) + 1))
    costs = [s["added_cost_yuan"] for s in slots]
    assert costs == sorted(costs)
    assert all(s["eta_s"] >= 8 * 3600 for s in slots)
    assert api.count(m.DispatchChangeRow) == 0 and api.count(m.PlanRow) == 1


def test_an_urgent_pickup_makes_a_published_version_and_the_driver_sees_it(
    api: Api, district: int
) -> None:
    plan_id = plan_day(api, district)
    slot = api.call("POST", f"/plans/{plan_id}/urgent-slots", json=_pickup()).json()["slots"][0]
    api.bind_driver(district, slot["crew"])
    response = api.call("POST", f"/plans/{plan_id}/urgent", json=_pickup(rank=1))
    assert response.status_code == 201, response.text
    outcome = response.json()
    new = outcome["plan"]
    assert new["version"] == 2 and new["published"] is True and new["valid"] is True
    assert api.call("GET", f"/plans/{new['id']}/validation").json()["ok"] is True
    change = outcome["change"]
    assert (change["operation"], change["base_plan_id"], change["plan_id"]) == (
        "urgent",
        plan_id,
        new["id"],
    )
    assert change["summary"]["slot"]["vehicle"] == slot["vehicle"]
    assert change["summary"]["disruption"]["added"] == 1
    placed = _stops(_plan(api, new["id"]))[("URG-1", 0)]
    assert placed[:2] == (slot["vehicle"], slot["shift"])
    assignment = api.call("GET", "/me/assignment", params={"date": DAY}, role="driver").json()
    assert assignment["plan_id"] == new["id"]
    assert "URG-1" in {s["id"] for r in assignment["routes"] for s in r["stops"]}
    listed = api.call("GET", f"/districts/{district}/dispatch-changes", params={"date": DAY})
    assert [c["id"] for c in listed.json()["items"]] == [change["id"]]
    assert api.call("GET", f"/dispatch-changes/{change['id']}").json() == change


def test_done_reports_carry_over_and_fix_the_past(api: Api, district: int) -> None:
    plan_id = plan_day(api, district)
    plan = _plan(api, plan_id)
    route = max(plan["plan"]["routes"], key=lambda r: sum(len(t["visits"]) for t in r["trips"]))
    first = route["trips"][0]["visits"][0]
    api.bind_driver(district, route["crew"])
    report = {"date": DAY, "point_id": first["point"], "visit": first["visit"], "status": "done"}
    assert api.call("POST", "/me/stops", json=report, role="driver").status_code == 201
    response = api.call("POST", f"/plans/{plan_id}/urgent", json=_pickup(now=None))
    assert response.status_code == 201, response.text
    new_id = response.json()["plan"]["id"]
    assert _stops(_plan(api, new_id))[(first["point"], first["visit"])] == (
        route["vehicle"],
        route["shift"],
        first["start_s"],
    )
    assignment = api.call("GET", "/me/assignment", params={"date": DAY}, role="driver").json()
    status = {(s["id"], s["visit"]): s["status"] for r in assignment["routes"] for s in r["stops"]}
    assert status[(first["point"], first["visit"])] == "done"


def test_an_impossible_pickup_is_409_with_reasons_and_nothing_written(
    api: Api, district: int
) -> None:
    plan_id = plan_day(api, district)
    response = api.call("POST", f"/plans/{plan_id}/urgent", json=_pickup(kg=900_000))
    assert response.status_code == 409, response.text
    messages = [d["msg"] for d in response.json()["detail"]]
    assert messages[0] == "no vehicle can take the urgent pickup"
    assert any(msg.startswith("CP") for msg in messages[1:]), messages
    assert api.count(m.PlanRow) == 1 and api.count(m.DispatchChangeRow) == 0


def test_bad_pickups_name_the_field(api: Api, district: int) -> None:
    plan_id = plan_day(api, district)
    unknown = api.call("POST", f"/plans/{plan_id}/urgent-slots", json=_pickup(at_point="nowhere"))
    assert unknown.status_code == 422
    assert ["urgent request", "at_point"] in [d["loc"] for d in unknown.json()["detail"]]
    late = api.call("POST", f"/plans/{plan_id}/urgent-slots", json=_pickup(deadline="25:00"))
    assert late.status_code == 422
    assert ["body", "deadline"] in [d["loc"] for d in late.json()["detail"]]
    taken = api.call("POST", f"/plans/{plan_id}/urgent-slots", json=_pickup(id=_residual_point()))
    assert taken.status_code == 422
    assert ["urgent request", "id"] in [d["loc"] for d in taken.json()["detail"]]
    assert (
        api.call("POST", f"/plans/{plan_id}/urgent", json=_pickup(), role="planner").status_code
        == 403
    )


def test_a_breakdown_moves_nothing_done_and_reports_disruption(api: Api, district: int) -> None:
    plan_id = plan_day(api, district)
    plan = _plan(api, plan_id)
    route = max(plan["plan"]["routes"], key=lambda r: sum(len(t["visits"]) for t in r["trips"]))
    middle = route["trips"][0]["visits"][len(route["trips"][0]["visits"]) // 2]
    at = middle["arrival_s"]
    body = {
        "vehicle": route["vehicle"],
        "at": f"{at // 3600:02d}:{at % 3600 // 60:02d}",
        "time_limit_s": 10,
    }
    response = api.call("POST", f"/plans/{plan_id}/breakdown", json=body)
    assert response.status_code == 201, response.text
    outcome = response.json()
    assert outcome["plan"]["valid"] is True and outcome["plan"]["published"] is True
    summary = outcome["change"]["summary"]
    freed = summary["visits_freed"]
    assert freed > 0 and summary["disruption"]["moved"] + summary["disruption"]["dropped"] >= freed
    before, after = _stops(plan), _stops(_plan(api, outcome["plan"]["id"]))
    moment = at - at % 60
    for key, (vehicle, shift, start) in before.items():
        if start <= moment:
            assert after[key] == (vehicle, shift, start)
    unknown = api.call(
        "POST", f"/plans/{outcome['plan']['id']}/breakdown", json=body | {"vehicle": "Z9"}
    )
    assert unknown.status_code == 422
    assert ["breakdown", "vehicle_id"] in [d["loc"] for d in unknown.json()["detail"]]


def test_reoptimise_keeps_locked_routes_and_feedback_moves_a_skipped_visit(
    api: Api, district: int
) -> None:
    plan_id = plan_day(api, district)
    plan = _plan(api, plan_id)
    locked = plan["plan"]["routes"][0]
    body = {"vehicles": [locked["vehicle"]], "time_limit_s": 5, "rounds": 1}
    response = api.call("POST", f"/plans/{plan_id}/reoptimise", json=body)
    assert response.status_code == 201, response.text
    second = response.json()["plan"]
    assert second["valid"] is True
    routes = _plan(api, second["id"])["plan"]["routes"]
    assert [r for r in routes if r["vehicle"] == locked["vehicle"]] == [
        r for r in plan["plan"]["routes"] if r["vehicle"] == locked["vehicle"]
    ]
    route = next(r for r in routes if r["shift"] != "S3" and r["trips"][0]["visits"])
    skipped = route["trips"][0]["visits"][0]
    api.bind_driver(district, route["crew"])
    report = {
        "date": DAY,
        "point_id": skipped["point"],
        "visit": skipped["visit"],
        "status": "skipped",
        "reason": "car parked on the bins",
    }
    assert api.call("POST", "/me/stops", json=report, role="driver").status_code == 201
    response = api.call("POST", f"/plans/{second['id']}/feedback", json={"time_limit_s": 5})
    assert response.status_code == 201, response.text
    third = _plan(api, response.json()["plan"]["id"])
    assert third["version"] == 3 and third["published"] is True
    placed = _stops(third).get((skipped["point"], skipped["visit"]))
    if placed is None:
        reasons = {u["point"]: u["reason"] for u in third["plan"]["unserved"]}
        assert "car parked on the bins" in reasons[skipped["point"]]
    else:
        assert placed[1] != route["shift"]


def test_only_the_published_version_is_changed_and_published(api: Api, district: int) -> None:
    first = plan_day(api, district)
    plan_day(api, district, seed=1)  # version 2 is published now
    response = api.call("POST", f"/plans/{first}/urgent", json=_pickup())
    assert response.status_code == 409
    assert "not the published version" in response.json()["detail"][0]["msg"]
    draft = api.call("POST", f"/plans/{first}/urgent", json=_pickup(publish=False))
    assert draft.status_code == 201, draft.text
    assert draft.json()["plan"]["published"] is False


def test_balance_figures_of_a_plan(api: Api, district: int) -> None:
    plan_id = plan_day(api, district)
    figures = api.call("GET", f"/plans/{plan_id}/balance", role="planner").json()
    assert figures["routes"] >= 1 and figures["longest_over_shortest"] >= 1.0
    assert 0.0 <= figures["overlap_share"] <= 1.0
