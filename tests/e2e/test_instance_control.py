"""An administrator suspends, resumes and terminates instances over HTTP.

After each step the hash chains verify and the replay of the instance equals what is stored
(the e2e conftest also replays every instance after each test).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.api_client import ApiClient, business_key
from tests.background_support import deploy_fixture, fire_due, kinds, move_to, timers
from tests.e2e.test_leave_approval import request_leave
from tests.e2e.test_service_tasks import CALLS, service_api  # noqa: F401  (fixture)
from workflows.automation.service_jobs import run_service_job
from workflows.core.clock import FrozenClock
from workflows.core.runtime import Runtime
from workflows.core.unit_of_work import units_of


def control(api: ApiClient, instance_id: int, action: str, *, as_: str = "admin",
            **body: Any) -> Any:
    return api.post(f"/api/v1/instances/{instance_id}/{action}", as_=as_, json=body)


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def assert_trail_intact(api: ApiClient, instance_id: int) -> dict[str, Any]:
    """Every chain verifies and the replay to the last event equals the stored state."""
    verified = ok(api.get("/api/v1/audit/verify", as_="auditor"))
    assert verified["ok"] is True, verified
    replayed = ok(api.get(f"/api/v1/instances/{instance_id}/replay", as_="auditor"))
    assert replayed["integrity"] == {"checked": True, "matches": True, "differences": []}
    return replayed


def test_a_suspended_instance_cannot_be_claimed_or_completed_until_resumed(
        leave_api: ApiClient) -> None:
    instance = request_leave(leave_api, 1)
    [task] = instance["open_tasks"]
    assert leave_api.claim(task["id"], as_="zhang").status_code == 200

    suspended = ok(control(leave_api, instance["id"], "suspend", reason="核查材料"))
    assert suspended["status"] == "suspended"
    refused = leave_api.complete(task["id"], as_="zhang", teacher_approved=True)
    assert refused.status_code == 409
    assert "suspended" in refused.get_json()["detail"]
    assert "resumed" in refused.get_json()["detail"]
    assert leave_api.instance(instance["id"])["open_tasks"][0]["status"] == "claimed"
    event = leave_api.events(instance["id"])[-1]
    assert (event["kind"], event["payload"]["reason"]) == ("instance_suspended", "核查材料")
    assert event["actor_id"] is not None
    assert assert_trail_intact(leave_api, instance["id"])["status"] == "running"

    ok(control(leave_api, instance["id"], "resume"))
    assert leave_api.instance(instance["id"])["status"] == "running"
    done = leave_api.complete(task["id"], as_="zhang", teacher_approved=True)
    assert done.status_code == 200, done.get_json()
    assert kinds(leave_api.events(instance["id"])).count("instance_resumed") == 1
    assert_trail_intact(leave_api, instance["id"])


def test_claiming_a_task_of_a_suspended_instance_is_a_conflict(leave_api: ApiClient) -> None:
    instance = request_leave(leave_api, 1)
    ok(control(leave_api, instance["id"], "suspend"))
    refused = leave_api.claim(instance["open_tasks"][0]["id"], as_="zhang")
    assert refused.status_code == 409
    assert refused.get_json()["title"] == "Instance suspended"


def test_timers_of_a_suspended_instance_wait_and_fire_on_the_first_sweep_after_resume(
        api: ApiClient, frozen_clock: FrozenClock) -> None:
    deploy_fixture(api, "public_notice.bpmn")
    started = api.start("public_notice", as_="admin", key=business_key("GS")).get_json()
    [timer] = timers(api, started["id"])
    ok(control(api, started["id"], "suspend", reason="暂停公示"))

    move_to(api, frozen_clock, datetime.fromisoformat(timer["due_at"]).astimezone(UTC)
            .replace(second=30))
    assert fire_due(api)["fired"] == 0
    assert timers(api, started["id"])[0]["status"] == "pending"
    assert api.instance(started["id"])["status"] == "suspended"
    assert_trail_intact(api, started["id"])

    ok(control(api, started["id"], "resume"))
    assert fire_due(api)["fired"] == 1  # overdue: fires on the next sweep
    assert api.instance(started["id"])["status"] == "completed"
    assert_trail_intact(api, started["id"])


def test_terminate_closes_tasks_and_timers_and_replays_as_cancelled(
        api: ApiClient, frozen_clock: FrozenClock) -> None:
    deploy_fixture(api, "public_notice.bpmn")
    started = api.start("public_notice", as_="admin", key=business_key("GS")).get_json()
    ok(control(api, started["id"], "suspend"))
    ended = ok(control(api, started["id"], "terminate", reason="公示撤销"))
    assert ended["status"] == "cancelled" and ended["ended_at"] is not None
    assert [t["status"] for t in timers(api, started["id"])] == ["cancelled"]
    event = api.events(started["id"])[-1]
    assert event["kind"] == "instance_terminated"
    assert event["payload"] == {"reason": "公示撤销", "previous_status": "suspended"}
    replayed = assert_trail_intact(api, started["id"])
    assert replayed["status"] == "cancelled" and replayed["open_tasks"] == []
    frozen_clock.advance(days=30)
    api._tokens.clear()
    assert fire_due(api)["fired"] == 0


def test_terminating_cancels_open_human_tasks(leave_api: ApiClient) -> None:
    instance = request_leave(leave_api, 2.5)
    [task] = instance["open_tasks"]
    ended = ok(control(leave_api, instance["id"], "terminate", reason="学生撤回申请"))
    assert ended["open_tasks"] == []
    assert leave_api.claim(task["id"], as_="zhang").status_code == 409
    assert leave_api.inbox(as_="zhang")["items"] == []
    assert kinds(leave_api.events(instance["id"]))[-2:] == ["instance_terminated",
                                                             "task_cancelled"]
    assert_trail_intact(leave_api, instance["id"])


def test_terminating_an_instance_in_incident_cancels_the_incident(
        service_api: ApiClient) -> None:  # noqa: F811
    started = service_api.start("service_call", as_="xiaoming", holder="小明", level="三级")
    instance_id = started.get_json()["id"]
    assert service_api.instance(instance_id)["status"] == "incident"
    ok(control(service_api, instance_id, "terminate", reason="函数已下线"))
    listed = ok(service_api.get("/api/v1/incidents", as_="admin",
                                query_string={"instance_id": instance_id}))
    assert [i["status"] for i in listed["items"]] == ["cancelled"]
    assert_trail_intact(service_api, instance_id)


def test_only_administrators_control_instances(leave_api: ApiClient) -> None:
    instance = request_leave(leave_api, 1)
    for user in ("xiaoming", "zhang", "auditor"):
        for action, body in (("suspend", {}), ("resume", {}), ("terminate", {"reason": "x"})):
            response = control(leave_api, instance["id"], action, as_=user, **body)
            assert response.status_code == 403, (user, action)
    assert leave_api.instance(instance["id"])["status"] == "running"


def test_actions_in_the_wrong_state_are_conflicts_that_say_why(leave_api: ApiClient) -> None:
    instance = request_leave(leave_api, 1)
    refused = control(leave_api, instance["id"], "resume")
    assert refused.status_code == 409
    assert "未暂停" in refused.get_json()["detail"]
    ok(control(leave_api, instance["id"], "suspend"))
    assert control(leave_api, instance["id"], "suspend").status_code == 409
    ok(control(leave_api, instance["id"], "terminate", reason="重复申请"))
    for action, body in (("suspend", {}), ("resume", {}), ("terminate", {"reason": "again"})):
        response = control(leave_api, instance["id"], action, **body)
        assert response.status_code == 409, action
        assert "已终止" in response.get_json()["detail"]  # the status in words
    assert control(leave_api, 999_999, "suspend").status_code == 404
    assert_trail_intact(leave_api, instance["id"])


def test_terminate_needs_a_reason(leave_api: ApiClient) -> None:
    instance = request_leave(leave_api, 1)
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        response = control(leave_api, instance["id"], "terminate", **body)
        assert response.status_code == 422, body
        assert any(e.get("pointer", "").endswith("reason")
                   for e in response.get_json()["errors"]), response.get_json()
    assert leave_api.instance(instance["id"])["status"] == "running"


def test_a_service_job_of_a_suspended_instance_waits_and_runs_on_resume(
        service_api: ApiClient, runtime: Runtime) -> None:  # noqa: F811
    embedded = runtime.jobs.sender
    sent: list[int] = []
    runtime.jobs.connect(sent.append)  # the job is sent, nobody runs it yet
    try:
        instance = service_api.start("service_call", as_="xiaoming", holder="小红",
                                     level=2).get_json()
        ok(control(service_api, instance["id"], "suspend", reason="外部系统维护"))
        with service_api.client.application.app_context():
            assert embedded is not None
            outcome = run_service_job(sent[0], attempt=1, final=False,
                                      uows=units_of(runtime))
        assert outcome.status == "skipped"
        assert CALLS == []  # the function never ran while suspended
        runtime.jobs.connect(embedded)
        ok(control(service_api, instance["id"], "resume"))  # sends the queued job again
    finally:
        runtime.jobs.connect(embedded)
    assert [c["holder"] for c in CALLS] == ["小红"]
    view = service_api.instance(instance["id"])
    assert view["status"] == "running"
    assert view["data"]["certificate"]["number"] == "CERT-2-小红"
    assert_trail_intact(service_api, instance["id"])
