"""What auditors see: timeline, data diff, instance search, per-user activity, access log."""

from __future__ import annotations

from typing import Any

from tests.api_client import ApiClient
from tests.e2e.test_leave_approval import approve_current, confirm_return, request_leave
from workflows.core.clock import FrozenClock


def get(api: ApiClient, url: str, *, as_: str = "auditor", **query: Any) -> Any:
    response = api.get(url, as_=as_, query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def finished_leave(api: ApiClient, days: float = 2.5) -> int:
    instance_id = request_leave(api, days)["id"]
    approve_current(api, instance_id)
    approve_current(api, instance_id)
    confirm_return(api, instance_id)
    return instance_id


def test_the_timeline_names_who_did_what_with_which_data(leave_api: ApiClient) -> None:
    instance_id = finished_leave(leave_api)
    body = get(leave_api, f"/api/v1/audit/instances/{instance_id}/timeline")
    assert body["chain"] == {"intact": True, "first_broken": None}
    assert body["instance"]["started_by"]["display_name"] == "小明"
    events = body["events"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    started = events[0]
    assert started["kind"] == "instance_started" and started["data"]["days"] == 2.5
    decision = next(e for e in events if e["kind"] == "decision_taken")
    assert decision["outcome"]["route"] == "teacher_office"
    completed = [e for e in events if e["kind"] == "task_completed"]
    assert [(e["actor"]["display_name"], e["task_title"]) for e in completed] == [
        ("张老师", "班主任审批"), ("李主任", "班级办公室审批"), ("小明", "销假")]
    assert completed[0]["data"] == {"teacher_approved": True, "teacher_comment": "同意"}
    gateway = next(e for e in events if e["kind"] == "gateway_passed")
    assert gateway["outcome"]["taken"] and gateway["task_title"]
    assert events[-1]["kind"] == "instance_completed"
    assert events[-1]["outcome"] == {"outcome": "approved"}


def test_a_diff_between_two_points_shows_what_the_approvals_changed(
        leave_api: ApiClient) -> None:
    instance_id = finished_leave(leave_api)
    completions = [e["seq"] for e in leave_api.events(instance_id)
                   if e["kind"] == "task_completed"]
    body = get(leave_api, f"/api/v1/audit/instances/{instance_id}/diff",
               **{"from": completions[0] - 1, "to": completions[1]})
    changes = {c["path"]: c for c in body["changes"]}
    assert changes["/teacher_approved"] == {"op": "added", "path": "/teacher_approved",
                                            "to": True}
    assert changes["/office_comment"]["to"] == "同意"
    assert body["from"]["open_tasks"] == ["approve_class_teacher"]
    assert body["to"]["open_tasks"] == ["confirm_return"]
    same = get(leave_api, f"/api/v1/audit/instances/{instance_id}/diff", **{"from": 2, "to": 2})
    assert same["changes"] == []
    backwards = leave_api.get(f"/api/v1/audit/instances/{instance_id}/diff", as_="auditor",
                              query_string={"from": 5, "to": 2})
    assert backwards.status_code == 422


def test_instances_are_found_by_business_key_applicant_and_time(
        leave_api: ApiClient, frozen_clock: FrozenClock) -> None:
    first = leave_api.start_leave(as_="xiaoming", key="QJ-2026-001", days=1,
                            leave_type="personal", reason="家中有事需要处理").get_json()
    frozen_clock.advance(days=3)
    second = leave_api.start_leave(as_="xiaohong", key="QJ-2026-002", days=1,
                             leave_type="personal", reason="家中有事需要处理").get_json()
    url = "/api/v1/audit/instances"

    def ids(**query: Any) -> list[int]:
        return [i["id"] for i in get(leave_api, url, **query)["items"]]

    assert ids(business_key="QJ-2026-001") == [first["id"]]
    assert ids(business_key="QJ-2026-*") == [second["id"], first["id"]]
    assert ids(applicant="xiaohong") == [second["id"]]
    assert ids(applicant="小明") == [first["id"]]
    assert ids(applicant=str(first["started_by"])) == [first["id"]]
    assert ids(started_from="2026-11-03T00:00:00Z") == [second["id"]]
    assert ids(started_to="2026-11-03T00:00:00Z") == [first["id"]]
    page = get(leave_api, url, business_key="QJ-2026-*", per_page=1)
    assert page["total"] == 2 and page["items"][0]["started_by"]["display_name"] == "小红"


def test_per_user_activity_lists_what_a_reviewer_did(leave_api: ApiClient) -> None:
    instance_id = finished_leave(leave_api)
    zhang = get(leave_api, "/api/v1/me", as_="zhang")["id"]
    body = get(leave_api, f"/api/v1/audit/users/{zhang}/activity")
    assert body["user"]["display_name"] == "张老师"
    assert [(i["kind"], i["task_title"]) for i in body["items"]] == [
        ("task_completed", "班主任审批"), ("task_claimed", "班主任审批")]
    assert {i["instance_id"] for i in body["items"]} == {instance_id}
    assert body["items"][0]["business_key"].startswith("BK-")
    assert leave_api.get("/api/v1/audit/users/9999/activity", as_="auditor").status_code == 404


def test_auditor_reads_of_personal_data_are_recorded_and_admin_reads_are_not(
        leave_api: ApiClient) -> None:
    instance_id = request_leave(leave_api, 1)["id"]
    task_id = leave_api.open_task(instance_id)["id"]  # as admin: not recorded
    reads = [f"/api/v1/instances/{instance_id}", f"/api/v1/instances/{instance_id}/events",
             f"/api/v1/audit/instances/{instance_id}/timeline",
             f"/api/v1/instances/{instance_id}/replay", f"/api/v1/tasks/{task_id}",
             f"/api/v1/audit/export?instance_id={instance_id}"]
    for url in reads:
        assert leave_api.get(url, as_="auditor").status_code == 200, url
    assert leave_api.get("/api/v1/instances/9999", as_="auditor").status_code == 404
    log = get(leave_api, "/api/v1/audit/access-log", as_="admin", per_page=50)
    entries = list(reversed(log["items"]))
    assert [e["resource"] for e in entries] == reads
    assert {e["instance_id"] for e in entries} == {instance_id}
    assert {e["actor"]["username"] for e in entries} == {"auditor"}
    assert entries[2]["action"] == "audit.timeline"
    filtered = get(leave_api, "/api/v1/audit/access-log", as_="admin", instance_id=9999)
    assert filtered["total"] == 0


def test_a_read_that_cannot_be_recorded_is_withheld(leave_api: ApiClient,
                                                    monkeypatch: Any) -> None:
    import api.audit_hooks

    instance_id = request_leave(leave_api, 1)["id"]

    def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("database full")

    monkeypatch.setattr(api.audit_hooks, "record_access", broken)
    response = leave_api.get(f"/api/v1/instances/{instance_id}", as_="auditor")
    assert response.status_code == 500
    assert "data" not in response.get_json() and "withheld" in response.get_json()["detail"]
    assert leave_api.get(f"/api/v1/instances/{instance_id}", as_="admin").status_code == 200
