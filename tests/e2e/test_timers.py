"""Timer paths with a moved clock: notice window in working days, correction expiry, timer start
and date timers. Time only moves through ``workflows.core.clock``; nothing sleeps."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.api_client import ApiClient, business_key
from tests.background_support import (
    advance,
    deploy_fixture,
    fire_due,
    kinds,
    move_to,
    send_message,
    timers,
)
from workflows.core.clock import FrozenClock
from workflows.core.runtime import Runtime


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_the_notice_window_is_five_working_days_across_a_weekend(
        api: ApiClient, frozen_clock: FrozenClock) -> None:
    deploy_fixture(api, "public_notice.bpmn")
    move_to(api, frozen_clock, at(2026, 11, 4, 9))  # Wednesday 17:00 in Beijing
    started = api.start("public_notice", as_="admin", key=business_key("GS")).get_json()
    [timer] = timers(api, started["id"])
    assert (timer["element_id"], timer["kind"], timer["expression"]) == (
        "notice_window", "boundary", "P5WD")
    assert timer["due_at"] == "2026-11-11T09:00:00+00:00"  # Thu, Fri, Mon, Tue, Wed
    assert timer["status"] == "pending" and timer["interrupting"] is True

    move_to(api, frozen_clock, at(2026, 11, 9, 9, 0, 1))  # five calendar days: not yet
    assert fire_due(api)["fired"] == 0
    assert api.instance(started["id"])["status"] == "running"

    move_to(api, frozen_clock, at(2026, 11, 11, 9, 0, 1))
    assert fire_due(api)["fired"] == 1
    assert fire_due(api)["fired"] == 0  # exactly once
    final = api.instance(started["id"])
    assert final["status"] == "completed" and final["data"]["outcome"] == "final"
    events = api.events(started["id"])
    fired = next(e for e in events if e["kind"] == "timer_fired")
    assert fired["task_name"] == "notice_window"
    assert fired["payload"]["due_at"] == "2026-11-11T09:00:00+00:00"
    assert fired["payload"]["fired_at"] == "2026-11-11T09:00:01+00:00"
    assert timers(api, started["id"])[0]["status"] == "fired"


def test_an_objection_within_the_window_goes_to_the_supervisors_and_stops_the_clock(
        api: ApiClient, frozen_clock: FrozenClock) -> None:
    deploy_fixture(api, "public_notice.bpmn")
    key = business_key("GS")
    started = api.start("public_notice", as_="admin", key=key).get_json()
    advance(api, frozen_clock, days=2)
    response = send_message(api, "objection", key, objector="小红", reason="成绩有误")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["instance_ids"] == [started["id"]]
    view = api.instance(started["id"])
    [task] = view["open_tasks"]
    assert (task["task_name"], task["candidate_group"]) == ("handle_objection", "leader")
    assert view["data"]["reason"] == "成绩有误"
    assert timers(api, started["id"])[0]["status"] == "cancelled"
    received = next(e for e in api.events(started["id"]) if e["kind"] == "message_received")
    assert received["task_name"] == "await_objection"
    assert received["payload"]["payload"] == {"objector": "小红", "reason": "成绩有误"}

    advance(api, frozen_clock, days=10)
    assert fire_due(api)["fired"] == 0
    api.claim_and_complete(task["id"], as_="zhao", handled="复核无误")
    assert api.instance(started["id"])["status"] == "completed"


def test_an_unanswered_correction_request_expires(api: ApiClient,
                                                  frozen_clock: FrozenClock) -> None:
    deploy_fixture(api, "correction_request.bpmn")
    key = business_key("BZ")
    started = api.start("correction_request", as_="xiaoming", key=key).get_json()
    review = api.open_task(started["id"])
    api.claim_and_complete(review["id"], as_="chen", decision="correct")
    [timer] = timers(api, started["id"], status="pending")
    assert (timer["element_id"], timer["kind"]) == ("correction_deadline", "gateway")
    assert timer["due_at"] == "2026-11-12T09:00:00+00:00"  # P10D: calendar days

    advance(api, frozen_clock, days=9, hours=23)
    assert fire_due(api)["fired"] == 0
    advance(api, frozen_clock, hours=1, seconds=1)
    assert fire_due(api)["fired"] == 1
    final = api.instance(started["id"])
    assert (final["status"], final["data"]["outcome"]) == ("completed", "expired")

    late = send_message(api, "document_supplied", key, as_="xiaoming", document="doc://late")
    assert late.status_code == 404
    assert late.headers["Content-Type"] == "application/problem+json"
    assert "unmatched" in late.get_json()["detail"]
    unmatched = api.get("/api/v1/messages/unmatched", as_="admin",
                        query_string={"business_key": key}).get_json()
    assert [(m["message_name"], m["payload"]) for m in unmatched] == [
        ("document_supplied", {"document": "doc://late"})]


def test_a_document_supplied_in_time_returns_the_application_to_review(
        api: ApiClient, frozen_clock: FrozenClock) -> None:
    deploy_fixture(api, "correction_request.bpmn")
    key = business_key("BZ")
    started = api.start("correction_request", as_="xiaoming", key=key).get_json()
    review = api.open_task(started["id"])
    api.claim_and_complete(review["id"], as_="chen", decision="correct")
    advance(api, frozen_clock, days=3)
    supplied = send_message(api, "document_supplied", key, as_="xiaoming",
                            document="doc://id-card")
    assert supplied.status_code == 200, supplied.get_json()
    view = api.instance(started["id"])
    assert view["open_tasks"][0]["task_name"] == "review"
    assert view["data"]["document"] == "doc://id-card"
    assert [t["status"] for t in timers(api, started["id"])] == ["cancelled"]
    advance(api, frozen_clock, days=30)
    assert fire_due(api)["fired"] == 0
    again = api.open_task(started["id"])
    final = api.claim_and_complete(again["id"], as_="chen", decision="approve")
    assert final["data"]["outcome"] == "approved"


def test_a_timer_start_event_and_a_duration_timer_wait_for_their_time(
        api: ApiClient, frozen_clock: FrozenClock) -> None:
    deploy_fixture(api, "exam_schedule.bpmn")
    started = api.start("exam_schedule", as_="admin").get_json()
    assert started["status"] == "running" and started["open_tasks"] == []
    [timer] = timers(api, started["id"])
    # A naive date in the diagram is Beijing time (the calendar's zone), not the server's.
    assert (timer["kind"], timer["due_at"]) == ("start", "2026-11-20T01:00:00+00:00")

    move_to(api, frozen_clock, at(2026, 11, 20, 0, 59))
    assert fire_due(api)["fired"] == 0
    move_to(api, frozen_clock, at(2026, 11, 20, 1, 0, 1))
    assert fire_due(api)["fired"] == 1
    task = api.open_task(started["id"])
    advance(api, frozen_clock, minutes=30)
    api.claim_and_complete(task["id"], as_="zhang", absent=[])
    [_, waiting] = timers(api, started["id"])
    assert (waiting["element_id"], waiting["kind"]) == ("scoring_time", "intermediate")
    assert waiting["due_at"] == "2026-11-20T03:30:01+00:00"
    advance(api, frozen_clock, hours=2)
    assert fire_due(api)["fired"] == 1
    final = api.instance(started["id"])
    assert (final["status"], final["data"]["outcome"]) == ("completed", "scoring")
    assert kinds(api.events(started["id"])).count("timer_fired") == 2


def test_timers_are_visible_to_whoever_may_see_the_instance_only(
        api: ApiClient, frozen_clock: FrozenClock) -> None:
    deploy_fixture(api, "public_notice.bpmn")
    started = api.start("public_notice", as_="admin").get_json()
    mine = api.get("/api/v1/timers", as_="xiaoming", query_string={"instance_id": started["id"]})
    assert mine.status_code == 404
    assert api.get("/api/v1/timers", as_="xiaoming").get_json() == []
    assert api.post("/api/v1/timers/fire-due", as_="zhang").status_code == 403


def test_in_the_demo_an_administrator_fires_a_waiting_timer_now_and_the_history_says_so(
        api: ApiClient, frozen_clock: FrozenClock, runtime: Runtime,
        monkeypatch: pytest.MonkeyPatch) -> None:
    deploy_fixture(api, "public_notice.bpmn")
    move_to(api, frozen_clock, at(2026, 11, 4, 9))
    started = api.start("public_notice", as_="admin", key=business_key("GS")).get_json()
    [timer] = timers(api, started["id"])
    path = f"/api/v1/timers/{timer['id']}/fire-now"
    refused = api.post(path, as_="admin")  # not a demo: refused, nothing changed
    assert refused.status_code == 403 and "演示" in refused.get_json()["detail"]
    assert timers(api, started["id"])[0]["status"] == "pending"

    monkeypatch.setattr(runtime, "settings", runtime.settings.model_copy(update={"demo": True}))
    assert api.post(path, as_="zhang").status_code == 403  # administrators only
    fired = api.post(path, as_="admin")
    assert fired.status_code == 200, fired.get_json()
    assert fired.get_json()["fired"] == 1
    final = api.instance(started["id"])
    assert final["status"] == "completed" and final["data"]["outcome"] == "final"
    events = api.events(started["id"])
    forward = next(e for e in events if e["kind"] == "timer_brought_forward")
    assert forward["actor_name"] == "系统管理员"
    assert forward["payload"]["was_due_at"] == "2026-11-11T09:00:00+00:00"
    assert forward["payload"]["fired_at"] == "2026-11-04T09:00:00+00:00"
    assert [e["kind"] for e in events].index("timer_fired") > events.index(forward)
    again = api.post(path, as_="admin")
    assert again.status_code == 409
