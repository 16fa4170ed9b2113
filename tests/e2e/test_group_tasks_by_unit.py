"""A diagram's task in the 班主任 lane with no ``performer`` still goes to the applicant's own
班主任 when the applicant's class has one: another class's teacher neither sees nor claims it.
Only when nobody in the applicant's line holds the role is it offered to the group."""

from __future__ import annotations

from tests.api_client import ApiClient
from tests.background_support import FIXTURES
from tests.e2e.attendance_steps import appoint


def _inbox_ids(api: ApiClient, user: str) -> set[int]:
    return {int(t["instance_id"]) for t in api.inbox(as_=user)["items"]}


def test_an_unaddressed_class_teacher_task_goes_to_the_applicants_own_teacher(
        leave_api: ApiClient) -> None:
    api = leave_api
    deployed = api.deploy_files({"review_loop.bpmn": (FIXTURES / "review_loop.bpmn").read_bytes()})
    assert deployed.status_code == 201, deployed.get_json()
    appoint(api, "张老师", "机电2301")
    appoint(api, "王老师", "数控2302")
    started = api.start("review_loop", as_="liuyang", target=3)  # 刘洋 of 机电2301
    assert started.status_code == 201, started.get_json()
    case = started.get_json()
    [task] = case["open_tasks"]
    assert case["id"] in _inbox_ids(api, "zhang")
    assert case["id"] not in _inbox_ids(api, "wang")
    assert api.get(f"/api/v1/tasks/{task['id']}", as_="wang").status_code == 404
    assert api.claim(task["id"], as_="wang").status_code == 404
    assert api.claim(task["id"], as_="zhang").status_code == 200
    # 赵敏's class (电商2303) has no 班主任: the task is offered to the group, as before.
    other = api.start("review_loop", as_="zhaomin", target=3)
    assert other.status_code == 201, other.get_json()
    assert other.get_json()["id"] in _inbox_ids(api, "wang")
    assert other.get_json()["id"] in _inbox_ids(api, "zhang")
