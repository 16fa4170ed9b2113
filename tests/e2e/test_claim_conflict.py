"""A claim that loses to someone else's says who holds the task, as a structured field, so the
inbox can say "已被张老师认领" without parsing the sentence."""

from __future__ import annotations

from tests.api_client import ApiClient
from tests.e2e.test_leave_approval import request_leave


def test_claiming_a_task_someone_else_holds_names_the_holder(leave_api: ApiClient) -> None:
    task = request_leave(leave_api, 1)["open_tasks"][0]
    assert leave_api.claim(task["id"], as_="zhang").status_code == 200
    zhang = leave_api.get("/api/v1/me", as_="zhang").get_json()

    refused = leave_api.claim(task["id"], as_="admin")
    assert refused.status_code == 409
    body = refused.get_json()
    assert body["type"].endswith("/task-already-claimed")
    assert body["claimed_by"] == {"id": zhang["id"], "display_name": zhang["display_name"]}
    assert zhang["display_name"] in body["detail"]


def test_other_problems_carry_no_holder(leave_api: ApiClient) -> None:
    task = request_leave(leave_api, 1)["open_tasks"][0]
    refused = leave_api.complete(task["id"], as_="zhang", teacher_approved=True)
    assert refused.status_code == 409
    assert "claimed_by" not in refused.get_json()
