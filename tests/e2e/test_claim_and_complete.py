"""办理 in one request: ``POST /tasks/<id>/complete?claim=true`` claims an unclaimed task and
completes it in one transaction, with the rules and the history of the two requests."""

from __future__ import annotations

from typing import Any

from tests.api_client import ApiClient
from tests.e2e.test_leave_approval import request_leave

APPROVE = {"teacher_approved": True, "teacher_comment": "同意"}


def claim_and_complete_at_once(api: ApiClient, task_id: int, *, as_: str,
                               **data: Any) -> Any:
    return api.post(f"/api/v1/tasks/{task_id}/complete?claim=true", as_=as_,
                    json={"data": data})


def comparable(events: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """An instance's history without what differs between two instances (ids, times, the
    uploaded proof's id)."""
    def strip(payload: dict[str, Any]) -> dict[str, Any]:
        kept = {k: v for k, v in payload.items()
                if k not in ("task_id", "due_at", "business_key", "attachments")}
        if isinstance(kept.get("data"), dict):
            kept["data"] = {k: v for k, v in kept["data"].items() if k != "proof"}
        return kept
    return [(e["kind"], e["task_name"], e["actor_id"], strip(e["payload"] or {}))
            for e in events]


def test_one_request_claims_and_completes_with_the_history_of_two(
        leave_api: ApiClient) -> None:
    two = request_leave(leave_api, 1)
    leave_api.claim_and_complete(two["open_tasks"][0]["id"], as_="zhang", **APPROVE)
    one = request_leave(leave_api, 1)
    task = one["open_tasks"][0]

    done = claim_and_complete_at_once(leave_api, task["id"], as_="zhang", **APPROVE)

    assert done.status_code == 200, done.get_json()
    assert done.get_json()["open_tasks"][0]["task_name"] == "confirm_return"
    zhang = leave_api.get("/api/v1/me", as_="zhang").get_json()["id"]
    row = leave_api.get(f"/api/v1/tasks/{task['id']}", as_="zhang").get_json()
    assert (row["status"], row["assignee_id"], row["completed_by"]) == (
        "completed", zhang, zhang)
    events = leave_api.events(one["id"])
    kinds = [event["kind"] for event in events]
    assert kinds.index("task_claimed") == kinds.index("task_completed") - 1
    assert comparable(events) == comparable(leave_api.events(two["id"]))


def test_a_task_i_already_hold_is_simply_completed(leave_api: ApiClient) -> None:
    task = request_leave(leave_api, 1)["open_tasks"][0]
    assert leave_api.claim(task["id"], as_="zhang").status_code == 200

    done = claim_and_complete_at_once(leave_api, task["id"], as_="zhang", **APPROVE)

    assert done.status_code == 200, done.get_json()
    kinds = [event["kind"] for event in leave_api.events(done.get_json()["id"])]
    assert kinds.count("task_claimed") == 1


def test_a_task_someone_else_holds_is_refused_as_a_claim_would_be(
        leave_api: ApiClient) -> None:
    instance = request_leave(leave_api, 1)
    task = instance["open_tasks"][0]
    assert leave_api.claim(task["id"], as_="zhang").status_code == 200
    before = leave_api.events(instance["id"])

    refused = claim_and_complete_at_once(leave_api, task["id"], as_="admin", **APPROVE)

    assert refused.status_code == 409
    body = refused.get_json()
    assert body["type"].endswith("/task-already-claimed")
    zhang = leave_api.get("/api/v1/me", as_="zhang").get_json()
    assert body["claimed_by"] == {"id": zhang["id"], "display_name": zhang["display_name"]}
    assert leave_api.events(instance["id"]) == before


def test_someone_outside_the_tasks_group_can_neither_claim_nor_complete(
        leave_api: ApiClient) -> None:
    instance = request_leave(leave_api, 1)
    task = instance["open_tasks"][0]

    refused = claim_and_complete_at_once(leave_api, task["id"], as_="li", **APPROVE)

    assert refused.status_code in (403, 404)
    row = leave_api.get(f"/api/v1/tasks/{task['id']}", as_="zhang").get_json()
    assert (row["status"], row["assignee_id"]) == ("ready", None)


def test_a_refused_form_leaves_the_task_unclaimed(leave_api: ApiClient) -> None:
    instance = request_leave(leave_api, 1)
    task = instance["open_tasks"][0]
    before = leave_api.events(instance["id"])

    refused = claim_and_complete_at_once(leave_api, task["id"], as_="zhang",
                                         teacher_approved="不是布尔值")

    assert refused.status_code == 422
    row = leave_api.get(f"/api/v1/tasks/{task['id']}", as_="zhang").get_json()
    assert (row["status"], row["assignee_id"]) == ("ready", None)
    assert leave_api.events(instance["id"]) == before


def test_without_the_flag_an_unclaimed_task_must_still_be_claimed_first(
        leave_api: ApiClient) -> None:
    task = request_leave(leave_api, 1)["open_tasks"][0]
    refused = leave_api.post(f"/api/v1/tasks/{task['id']}/complete?claim=false", as_="zhang",
                             json={"data": APPROVE})
    assert refused.status_code == 409
