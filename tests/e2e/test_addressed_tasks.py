"""Tasks addressed by relation: the applicant's own 班主任, hand-over, and no holder at all."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from models import ProcessInstance, db
from tests.api_client import ApiClient
from tests.background_support import fire_due, move_to, notifications
from tests.test_support import leave_bundle
from workflows.core.clock import FrozenClock

TEACHER_TASK = '<bpmn:userTask id="approve_class_teacher" name="班主任审批">'
PROPERTIES = '<spiffworkflow:property name="formJsonSchemaFilename" ' \
             'value="leave_approve_teacher.schema.json" />'


def _leave_addressed_to(performer: str) -> dict[str, bytes]:
    """The bundled leave diagram with the 班主任 task addressed by ``performer``."""
    files = leave_bundle()
    text = files["leave_approval.bpmn"].decode()
    start = text.index(TEACHER_TASK)
    at = text.index(PROPERTIES, start)
    text = (text[:at] + f'<spiffworkflow:property name="performer" value="{performer}" />'
            + text[at:])
    files["leave_approval.bpmn"] = text.encode()
    return files


def _person_id(api: ApiClient, name: str) -> int:
    [found] = api.get("/api/v1/directory/people", as_="admin",
                      query_string={"q": name}).get_json()
    return int(found["id"])


def _unit_id(api: ApiClient, name: str) -> int:
    [root] = api.get("/api/v1/directory/units", as_="admin").get_json()
    return int(next(u["id"] for u in root["children"] if u["name"] == name))


def _appoint(api: ApiClient, person: str, unit: str, role: str = "class_teacher",
             **extra: Any) -> dict[str, Any]:
    response = api.post(f"/api/v1/directory/units/{_unit_id(api, unit)}/positions", as_="admin",
                        json={"person_id": _person_id(api, person), "role": role, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture()
def addressed(api: ApiClient) -> ApiClient:
    """Leave addressed to the applicant's own 班主任; 张老师 teaches 机电2301, 王老师 数控2302."""
    assert api.deploy_files(_leave_addressed_to("class_teacher(applicant)")).status_code == 201
    _appoint(api, "张老师", "机电2301")
    _appoint(api, "王老师", "数控2302")
    return api


def _ask_leave(api: ApiClient, learner: str) -> tuple[int, int]:
    response = api.start_leave(as_=learner, days=1, leave_type="personal",
                         reason="看病")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    [task] = body["open_tasks"]
    return body["id"], task["id"]


def _inbox_ids(api: ApiClient, user: str) -> set[int]:
    return {task["id"] for task in api.inbox(as_=user)["items"]}


def test_a_leave_reaches_the_learners_own_class_teacher_only(addressed: ApiClient) -> None:
    api = addressed
    instance_id, task_id = _ask_leave(api, "liuyang")  # 机电2301
    assert task_id in _inbox_ids(api, "zhang")
    for other in ("wang", "chen"):  # another class's teacher; a centre-wide class teacher
        assert task_id not in _inbox_ids(api, other)
        assert api.get(f"/api/v1/tasks/{task_id}", as_=other).status_code == 404
        assert api.claim(task_id, as_=other).status_code == 404
        assert api.get(f"/api/v1/instances/{instance_id}", as_=other).status_code == 404
    done = api.claim_and_complete(task_id, as_="zhang", teacher_approved=True)
    assert done["open_tasks"][0]["task_name"] == "confirm_return"
    _, other_task = _ask_leave(api, "chenjing")  # 数控2302
    assert other_task in _inbox_ids(api, "wang")
    assert other_task not in _inbox_ids(api, "zhang")


def test_a_new_class_teacher_gets_the_open_tasks_at_once(addressed: ApiClient) -> None:
    api = addressed
    instance_id, claimed = _ask_leave(api, "liuyang")
    _, waiting = _ask_leave(api, "liuyang")
    assert api.claim(claimed, as_="zhang").status_code == 200
    change = _appoint(api, "王老师", "机电2301", replace=True)
    assert sorted(change["handed_over"]) == sorted([claimed, waiting])
    assert {claimed, waiting} <= _inbox_ids(api, "wang")
    assert not {claimed, waiting} & _inbox_ids(api, "zhang")
    assert api.claim(claimed, as_="zhang").status_code == 404
    api.claim_and_complete(claimed, as_="wang", teacher_approved=True)
    events = api.events(instance_id)
    [handed] = [e for e in events if e["kind"] == "task_handed_over"]
    assert "由 张老师 移交给 王老师" in handed["payload"]["summary"]
    me = api.get("/api/v1/me", as_="zhang").get_json()
    assert ("class_teacher", "机电2301") not in {(p["role"], p["unit"]["name"])
                                               for p in me["positions"]}


def test_nobody_in_the_role_sends_the_task_to_the_administrators(api: ApiClient) -> None:
    assert api.deploy_files(_leave_addressed_to("department_head(applicant)")).status_code == 201
    instance_id, task_id = _ask_leave(api, "liuyang")
    task = api.get(f"/api/v1/tasks/{task_id}", as_="admin").get_json()
    assert task["candidate_group"] == "admin"
    for staff in ("zhang", "wang", "chen", "li"):
        assert task_id not in _inbox_ids(api, staff)
    assert task_id in _inbox_ids(api, "admin")
    [fallback] = [e for e in api.events(instance_id) if e["kind"] == "task_address_fallback"]
    assert "系部主任" in fallback["payload"]["reason"]
    notes = api.get("/api/v1/notifications", as_="admin").get_json()["items"]
    assert any(n["subject"].startswith("任务无人办理") and n["instance_id"] == instance_id
               for n in notes)
    assert not api.get("/api/v1/notifications", as_="zhang").get_json()["items"]


def test_deploy_refuses_an_unknown_address_function(api: ApiClient) -> None:
    response = api.deploy_files(_leave_addressed_to("headmaster(applicant)"))
    assert response.status_code == 422
    [problem] = response.get_json()["errors"]
    assert problem["element_id"] == "approve_class_teacher"
    assert problem["line"] > 1
    assert "headmaster" in problem["message"] and problem["expression"]
    bad_anchor = api.deploy_files(_leave_addressed_to("class_teacher(school)"))
    assert bad_anchor.status_code == 422
    assert "school" in bad_anchor.get_json()["errors"][0]["message"]


def test_only_administrators_appoint(api: ApiClient) -> None:
    unit = _unit_id(api, "机电2301")
    body = {"person_id": _person_id(api, "王老师"), "role": "class_teacher"}
    assert api.post(f"/api/v1/directory/units/{unit}/positions", as_="zhang",
                    json=body).status_code == 403
    unknown = api.post(f"/api/v1/directory/units/{unit}/positions", as_="admin",
                       json={**body, "role": "janitor"})
    assert unknown.status_code == 422 and "janitor" in unknown.get_json()["detail"]


def test_a_substitute_completes_the_task_and_the_history_says_for_whom(
        addressed: ApiClient) -> None:
    api = addressed
    instance_id, task_id = _ask_leave(api, "liuyang")
    assert task_id not in _inbox_ids(api, "li")
    today = date.today()
    named = api.post("/api/v1/directory/substitutes", as_="zhang", json={
        "substitute_person_id": _person_id(api, "李主任"),
        "valid_from": (today - timedelta(days=1)).isoformat(),
        "valid_to": (today + timedelta(days=1)).isoformat()})
    assert named.status_code == 201, named.get_json()
    assert task_id in _inbox_ids(api, "li")
    assert task_id in _inbox_ids(api, "zhang")  # the holder keeps it too
    api.claim_and_complete(task_id, as_="li", teacher_approved=True)
    [done] = [e for e in api.events(instance_id) if e["kind"] == "task_completed"]
    assert done["payload"]["note"] == "由 李主任 代 张老师 办理"
    # A substitute for some other time is no substitute today.
    _, later = _ask_leave(api, "liuyang")
    api.post("/api/v1/directory/substitutes", as_="zhang", json={
        "substitute_person_id": _person_id(api, "赵校长"),
        "valid_from": (today + timedelta(days=10)).isoformat(),
        "valid_to": (today + timedelta(days=12)).isoformat()})
    assert later not in _inbox_ids(api, "zhao")
    assert api.claim(later, as_="zhao").status_code == 404


def _reminders(api: ApiClient, user: str) -> list[dict[str, Any]]:
    return [n for n in notifications(api, user) if n["kind"] == "reminder"]


def test_reminders_reach_the_holders_of_the_address_not_the_whole_group(
        frozen_clock: FrozenClock, addressed: ApiClient) -> None:
    """催办 and the 2-working-day reminder of an unclaimed task addressed to 机电2301's 班主任
    reach 张老师 alone, by name; the other class teachers (a group of theirs) get nothing.
    (The clock stops first: the positions are valid from the day they are given.)"""
    api = addressed
    instance_id, _task_id = _ask_leave(api, "liuyang")  # Monday, 机电2301
    assert api.post(f"/api/v1/instances/{instance_id}/remind", as_="liuyang").status_code == 200
    [urged] = _reminders(api, "zhang")
    assert urged["recipient_group"] is None and urged["instance_id"] == instance_id
    move_to(api, frozen_clock, datetime(2026, 11, 4, 9, 0, 1, tzinfo=UTC))  # 2 working days
    assert fire_due(api)["fired"] == 1
    reminders = _reminders(api, "zhang")
    assert len(reminders) == 2 and all(n["recipient_group"] is None for n in reminders)
    for other in ("wang", "chen"):  # another class's teacher; a centre-wide class teacher
        assert _reminders(api, other) == [], other


def test_a_transfer_goes_only_to_someone_who_may_do_the_task(addressed: ApiClient) -> None:
    """转交 of 机电2301's 班主任 task: 王老师 (数控2302) and 陈审核 (class teacher of no class
    of liuyang's) are not offered and are refused, naming who may do it; a second 班主任 of
    机电2301 is offered and takes it."""
    api = addressed
    _instance_id, task_id = _ask_leave(api, "liuyang")
    assert api.claim(task_id, as_="zhang").status_code == 200
    offered = api.get(f"/api/v1/tasks/{task_id}/actions", as_="zhang").get_json()
    assert offered["transfer_to"] == []
    for other in ("wang", "chen", "li"):
        refused = api.post(f"/api/v1/tasks/{task_id}/transfer", as_="zhang", json={"to": other})
        assert refused.status_code == 422, (other, refused.get_json())
        assert "须担任本单元的“班主任”" in refused.get_json()["detail"]
    _appoint(api, "王老师", "机电2301")
    offered = api.get(f"/api/v1/tasks/{task_id}/actions", as_="zhang").get_json()
    assert [p["username"] for p in offered["transfer_to"]] == ["wang"]
    moved = api.post(f"/api/v1/tasks/{task_id}/transfer", as_="zhang", json={"to": "wang"})
    assert moved.status_code == 200, moved.get_json()
    assert task_id in {t["id"] for t in api.inbox(as_="wang")["items"]}


def test_a_case_lives_in_the_starters_class_else_their_most_specific_position_else_centre(
        addressed: ApiClient, app: Flask) -> None:
    api = addressed
    [root] = api.get("/api/v1/directory/units", as_="admin").get_json()
    klass, other_class = _unit_id(api, "机电2301"), _unit_id(api, "数控2302")
    learner, _ = _ask_leave(api, "liuyang")  # enrolled in 机电2301
    # 王老师: 班主任 at the centre (their group) and of 数控2302 (the fixture): the class is
    # the more specific of their two positions.
    staff = api.start_leave(as_="wang", days=1).get_json()["id"]
    nobody = api.start_leave(as_="xiaoming", days=1).get_json()["id"]  # no class, no post
    with app.app_context():
        homes = {instance_id: db.session.get(ProcessInstance, instance_id)
                 for instance_id in (learner, staff, nobody)}
        assert {i: (row.unit_id, row.tenant_id) for i, row in homes.items()} == {
            learner: (klass, root["id"]), staff: (other_class, root["id"]),
            nobody: (root["id"], root["id"])}
