"""Replay to any point: the open tasks, data and path at that moment, from history alone."""

from __future__ import annotations

from typing import Any

from tests.api_client import ApiClient
from tests.conftest import FIXTURES
from tests.e2e.test_leave_approval import approve_current, confirm_return, request_leave
from tests.test_support import leave_bundle


def replay(api: ApiClient, instance_id: int, upto: int | None = None, *,
           as_: str = "auditor") -> dict[str, Any]:
    query = {"upto": upto} if upto is not None else {}
    response = api.get(f"/api/v1/instances/{instance_id}/replay", as_=as_, query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def seq_of(api: ApiClient, instance_id: int, kind: str, nth: int = 0) -> int:
    return [e["seq"] for e in api.events(instance_id) if e["kind"] == kind][nth]


def open_names(state: dict[str, Any]) -> list[str]:
    return sorted(t["task_name"] for t in state["open_tasks"])


def test_replay_to_each_point_of_a_two_tier_approval(leave_api: ApiClient) -> None:
    instance = request_leave(leave_api, 2.5)
    approve_current(leave_api, instance["id"])
    approve_current(leave_api, instance["id"])
    confirm_return(leave_api, instance["id"])
    instance_id = instance["id"]
    first_done = seq_of(leave_api, instance_id, "task_completed", 0)

    started = replay(leave_api, instance_id, 1)
    assert started["status"] == "running" and started["upto"] == 1
    assert open_names(started) == ["approve_class_teacher"]
    assert started["data"]["route"] == "teacher_office"
    assert "teacher_approved" not in started["data"]
    assert started["path"] == ["start_request", "decide_tier", "gw_route"]
    assert started["integrity"]["checked"] is False

    before = replay(leave_api, instance_id, first_done - 1)
    assert open_names(before) == ["approve_class_teacher"]
    assert before["open_tasks"][0]["title"] == "班主任审批"
    assert before["open_tasks"][0]["task_id"] is not None  # linked to the human_task row

    after = replay(leave_api, instance_id, first_done)
    assert open_names(after) == ["approve_class_office"]
    assert after["data"]["teacher_approved"] is True
    assert after["path"][-2:] == ["approve_class_teacher", "gw_after_teacher"]

    final = replay(leave_api, instance_id)
    stored = leave_api.instance(instance_id)
    assert final["status"] == stored["status"] == "completed"
    assert final["data"] == stored["data"]
    assert final["open_tasks"] == []
    assert final["path"][-2:] == ["record_approved", "end_approved"]
    assert final["integrity"] == {"checked": True, "matches": True, "differences": []}


def test_replay_of_a_rejection_and_of_a_running_instance(leave_api: ApiClient) -> None:
    rejected = request_leave(leave_api, 4)
    approve_current(leave_api, rejected["id"])  # every tier starts with the class teacher
    approve_current(leave_api, rejected["id"], approved=False, comment="材料不全")
    state = replay(leave_api, rejected["id"])
    assert state["data"]["outcome"] == "rejected" and state["integrity"]["matches"] is True
    assert "reject_class_office" in state["path"]

    running = request_leave(leave_api, 7)
    state = replay(leave_api, running["id"])
    assert state["status"] == "running" and open_names(state) == ["approve_class_teacher"]
    assert state["integrity"]["matches"] is True


def deploy_leave_v2(api: ApiClient) -> None:
    """Version 2: the teacher's task renamed and a different approval outcome recorded."""
    files = leave_bundle()
    files["leave_approval.bpmn"] = (
        files["leave_approval.bpmn"].decode()
        .replace('name="班主任审批"', 'name="班主任审批（新）"')
        .replace('outcome = "approved"', 'outcome = "approved_v2"').encode())
    response = api.deploy_files(files)
    assert response.status_code == 201 and response.get_json()["version"] == 2


def test_replay_uses_the_pinned_version_after_a_new_one_is_deployed(
        leave_api: ApiClient) -> None:
    old = request_leave(leave_api, 1)
    deploy_leave_v2(leave_api)
    new = request_leave(leave_api, 1)
    approve_current(leave_api, old["id"])
    confirm_return(leave_api, old["id"])
    assert replay(leave_api, old["id"], 1)["open_tasks"][0]["title"] == "班主任审批"
    old_final = replay(leave_api, old["id"])
    assert old_final["definition_version"] == 1 and old_final["data"]["outcome"] == "approved"
    assert old_final["integrity"]["matches"] is True
    new_state = replay(leave_api, new["id"])
    assert new_state["definition_version"] == 2
    assert new_state["open_tasks"][0]["title"] == "班主任审批（新）"


def test_replay_of_parallel_branches_completed_in_either_order(api: ApiClient) -> None:
    bpmn = (FIXTURES / "parallel_review.bpmn").read_bytes()
    assert api.deploy_files({"parallel_review.bpmn": bpmn}).status_code == 201
    instance = api.start("parallel_review", as_="zhang").get_json()
    tasks = {t["task_name"]: t["id"] for t in instance["open_tasks"]}
    api.claim_and_complete(tasks["review_b"], as_="li", b_ok=True)
    api.claim_and_complete(tasks["review_a"], as_="zhang", a_ok=True)
    b_done = seq_of(api, instance["id"], "task_completed", 0)
    assert open_names(replay(api, instance["id"], 1)) == ["review_a", "review_b"]
    halfway = replay(api, instance["id"], b_done)
    assert open_names(halfway) == ["review_a"] and "review_b" in halfway["path"]
    final = replay(api, instance["id"])
    assert final["status"] == "completed" and final["path"][-2:] == ["join", "end"]
    assert final["data"]["a_ok"] is True and final["data"]["b_ok"] is True
    assert final["integrity"]["matches"] is True


def test_replay_of_a_loop_counts_every_round(api: ApiClient) -> None:
    bpmn = (FIXTURES / "review_loop.bpmn").read_bytes()
    assert api.deploy_files({"review_loop.bpmn": bpmn}).status_code == 201
    instance = api.start("review_loop", as_="zhang", target=3).get_json()
    for round_no in range(3):
        task = api.open_task(instance["id"])
        api.claim_and_complete(task["id"], as_="zhang", note=f"第{round_no + 1}轮")
    second = seq_of(api, instance["id"], "task_completed", 1)
    state = replay(api, instance["id"], second)
    assert state["data"]["rounds"] == 2 and state["data"]["notes"] == ["第1轮", "第2轮"]
    assert open_names(state) == ["review"]
    assert state["path"].count("review") == 2
    final = replay(api, instance["id"])
    assert final["data"]["rounds"] == 3 and final["integrity"]["matches"] is True


def test_replay_reports_a_changed_data_snapshot_as_an_integrity_finding(
        app: Any, leave_api: ApiClient) -> None:
    import sqlalchemy as sa

    from models import db

    instance = request_leave(leave_api, 1)
    with app.app_context(), db.engine.begin() as connection:
        table = sa.table("process_instance", sa.column("id"), sa.column("data", sa.JSON))
        stored = leave_api.instance(instance["id"])["data"]
        connection.execute(table.update().where(table.c.id == instance["id"])
                           .values(data={**stored, "days": 0.5}))
    integrity = replay(leave_api, instance["id"])["integrity"]
    assert integrity["matches"] is False
    assert integrity["differences"] == [{"kind": "data", "op": "changed", "path": "/days",
                                         "from": 0.5, "to": 1}]
    with app.app_context(), db.engine.begin() as connection:  # let the suite's check pass
        connection.execute(table.update().where(table.c.id == instance["id"])
                           .values(data=stored))


def test_replay_checks_its_arguments_and_roles(leave_api: ApiClient) -> None:
    instance = request_leave(leave_api, 1)
    url = f"/api/v1/instances/{instance['id']}/replay"
    assert leave_api.get(url, as_="auditor", query_string={"upto": 999}).status_code == 422
    assert leave_api.get(url, as_="auditor", query_string={"upto": 0}).status_code == 422
    assert leave_api.get("/api/v1/instances/9999/replay", as_="auditor").status_code == 404
    assert leave_api.get(url, as_="xiaoming").status_code == 403
    assert leave_api.get(url, as_="admin").status_code == 200
