"""Inbox, claiming, releasing and completing: who may do what, and what is stored."""

from __future__ import annotations

import json

import pytest

from tests.api_client import ApiClient
from tests.background_support import FIXTURES
from tests.e2e.attendance_steps import appoint
from workflows.tasks import inbox


def start_leave(api: ApiClient, days: float = 1, *, key: str | None = None) -> dict:
    response = api.start_leave(as_="xiaoming", key=key, days=days,
                         leave_type="personal", reason="参加比赛")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_inbox_lists_unclaimed_tasks_of_my_groups_and_my_claims(leave_api: ApiClient) -> None:
    first = start_leave(leave_api, 1, key="LV-A")
    start_leave(leave_api, 4, key="LV-B")  # every leave goes to the class teacher first
    teacher_inbox = leave_api.inbox(as_="zhang")
    assert [t["business_key"] for t in teacher_inbox["items"]] == ["LV-A", "LV-B"]
    assert teacher_inbox["total"] == 2 and teacher_inbox["total_is_exact"] is True
    assert leave_api.inbox(as_="li")["items"] == []  # the class office comes later
    task_id = first["open_tasks"][0]["id"]
    assert leave_api.claim(task_id, as_="zhang").status_code == 200
    # claimed by zhang: gone from wang's inbox (same position), still in zhang's as claimed
    assert [t["business_key"] for t in leave_api.inbox(as_="wang")["items"]] == ["LV-B"]
    mine = leave_api.inbox(as_="zhang", status="claimed")["items"]
    assert [t["id"] for t in mine] == [task_id]
    assert mine[0]["assignee_id"] is not None


def test_inbox_filters_and_pagination(leave_api: ApiClient) -> None:
    for i in range(5):
        start_leave(leave_api, 1, key=f"PG-{i}")
    page1 = leave_api.inbox(as_="zhang", per_page=2, page=1)
    page3 = leave_api.inbox(as_="zhang", per_page=2, page=3)
    assert page1["total"] == 5
    assert [t["business_key"] for t in page1["items"]] == ["PG-0", "PG-1"]
    assert [t["business_key"] for t in page3["items"]] == ["PG-4"]
    by_key = leave_api.inbox(as_="zhang", business_key="PG-3")
    assert [t["business_key"] for t in by_key["items"]] == ["PG-3"]
    assert leave_api.inbox(as_="zhang", process_id="other")["items"] == []
    assert leave_api.inbox(as_="zhang", group="class_teacher")["total"] == 5
    not_mine = leave_api.get("/api/v1/tasks", as_="zhang", query_string={"group": "leader"})
    assert not_mine.status_code == 422
    bad = leave_api.get("/api/v1/tasks", as_="zhang", query_string={"per_page": 0})
    assert bad.status_code == 422
    assert bad.get_json()["errors"][0]["pointer"] == "/per_page"


def test_the_total_counts_every_source_together_up_to_its_cap(
        leave_api: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    started = [start_leave(leave_api, 1, key=f"CAP-{i}") for i in range(3)]
    # one claimed by zhang ("claimed by me"), two still addressed to his position
    assert leave_api.claim(started[0]["open_tasks"][0]["id"], as_="zhang").status_code == 200
    monkeypatch.setattr(inbox, "COUNT_CAP", 3)
    exact = leave_api.inbox(as_="zhang")
    assert (exact["total"], exact["total_is_exact"], len(exact["items"])) == (3, True, 3)
    monkeypatch.setattr(inbox, "COUNT_CAP", 2)  # beyond the cap: "2+", the page still full
    capped = leave_api.inbox(as_="zhang")
    assert (capped["total"], capped["total_is_exact"], len(capped["items"])) == (2, False, 3)
    past_the_end = leave_api.inbox(as_="zhang", per_page=2, page=3)
    assert past_the_end["items"] == []
    assert (past_the_end["total"], past_the_end["total_is_exact"]) == (2, False)


def test_sorting_by_due_date_merges_the_sources_with_undated_tasks_last(
        leave_api: ApiClient) -> None:
    api = leave_api
    deployed = api.deploy_files({"review_loop.bpmn": (FIXTURES / "review_loop.bpmn").read_bytes()})
    assert deployed.status_code == 201, deployed.get_json()
    appoint(api, "张老师", "机电2301")
    review = api.start("review_loop", as_="liuyang", target=3)  # no due date, to zhang's class
    assert review.status_code == 201, review.get_json()
    [undated] = [t["id"] for t in review.get_json()["open_tasks"]]
    dated = start_leave(api, 1, key="DUE-1")["open_tasks"][0]["id"]  # due in 2 working days
    assert api.claim(dated, as_="zhang").status_code == 200  # now "claimed by me"
    assert [t["id"] for t in api.inbox(as_="zhang")["items"]] == [undated, dated]
    by_due = api.inbox(as_="zhang", sort="due")["items"]
    assert [(t["id"], t["due_at"] is None) for t in by_due] == [(dated, False), (undated, True)]
    second = api.inbox(as_="zhang", sort="due", per_page=1, page=2)
    assert [t["id"] for t in second["items"]] == [undated] and second["total"] == 2


def test_only_group_members_may_claim(leave_api: ApiClient) -> None:
    task_id = start_leave(leave_api)["open_tasks"][0]["id"]
    response = leave_api.claim(task_id, as_="li")  # class office, not class teacher
    assert response.status_code == 404  # not visible outside the group: no id probing
    response = leave_api.claim(task_id, as_="xiaoming")
    assert response.status_code == 404


def test_claiming_an_already_claimed_task_is_a_conflict(leave_api: ApiClient) -> None:
    task_id = start_leave(leave_api)["open_tasks"][0]["id"]
    assert leave_api.claim(task_id, as_="zhang").status_code == 200
    response = leave_api.claim(task_id, as_="wang")
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert "张老师" in response.get_json()["detail"]
    assert leave_api.claim(task_id, as_="zhang").status_code == 200  # idempotent for the holder


def test_completing_a_task_claimed_by_someone_else_is_forbidden(leave_api: ApiClient) -> None:
    instance = start_leave(leave_api)
    task_id = instance["open_tasks"][0]["id"]
    leave_api.claim(task_id, as_="zhang")
    response = leave_api.complete(task_id, as_="wang", teacher_approved=True)
    assert response.status_code == 403
    assert leave_api.instance(instance["id"])["open_tasks"][0]["status"] == "claimed"


def test_completing_an_unclaimed_task_asks_to_claim_first(leave_api: ApiClient) -> None:
    task_id = start_leave(leave_api)["open_tasks"][0]["id"]
    response = leave_api.complete(task_id, as_="zhang", teacher_approved=True)
    assert response.status_code == 409
    assert "须先领取" in response.get_json()["detail"]


def test_release_returns_the_task_to_the_group(leave_api: ApiClient) -> None:
    task_id = start_leave(leave_api)["open_tasks"][0]["id"]
    leave_api.claim(task_id, as_="zhang")
    assert leave_api.release(task_id, as_="wang").status_code == 403
    released = leave_api.release(task_id, as_="zhang")
    assert released.status_code == 200
    assert released.get_json()["status"] == "ready"
    assert leave_api.claim(task_id, as_="wang").status_code == 200


def test_invalid_form_data_is_refused_per_field_and_nothing_is_stored(
        leave_api: ApiClient) -> None:
    instance = start_leave(leave_api)
    task_id = instance["open_tasks"][0]["id"]
    leave_api.claim(task_id, as_="zhang")
    events_before = leave_api.events(instance["id"])
    version_before = leave_api.instance(instance["id"])["version"]
    response = leave_api.complete(task_id, as_="zhang", teacher_approved="yes",
                                  unexpected_field=1)
    assert response.status_code == 422
    body = response.get_json()
    pointers = {e["pointer"] for e in body["errors"]}
    assert "/data/teacher_approved" in pointers
    assert any(e["rule"] == "additionalProperties" for e in body["errors"])
    # rejection without a reason: the comment becomes required
    response = leave_api.complete(task_id, as_="zhang", teacher_approved=False)
    assert response.status_code == 422
    assert any(e["pointer"] == "/data/teacher_comment" for e in response.get_json()["errors"])
    after = leave_api.instance(instance["id"])
    assert after["version"] == version_before
    assert after["open_tasks"][0]["status"] == "claimed"
    assert leave_api.events(instance["id"]) == events_before


def test_completing_twice_is_a_conflict(leave_api: ApiClient) -> None:
    instance = start_leave(leave_api, 2)
    task_id = instance["open_tasks"][0]["id"]
    leave_api.claim_and_complete(task_id, as_="zhang", teacher_approved=True)
    response = leave_api.complete(task_id, as_="zhang", teacher_approved=True)
    assert response.status_code == 409


def test_task_detail_carries_the_form_schema(leave_api: ApiClient) -> None:
    task_id = start_leave(leave_api)["open_tasks"][0]["id"]
    detail = leave_api.get(f"/api/v1/tasks/{task_id}", as_="zhang").get_json()
    assert detail["form_schema"]["properties"]["teacher_approved"]["type"] == "boolean"
    assert detail["title"] == "班主任审批"
    # the fields come in the order the form declares them (the decision first), not sorted
    raw = json.loads(leave_api.get(f"/api/v1/tasks/{task_id}", as_="zhang").get_data(as_text=True))
    assert list(raw["form_schema"]["properties"]) == ["teacher_approved", "teacher_comment"]
    assert list(raw["form_schema"])[:5] == ["$schema", "title", "description", "type", "properties"]


def test_applicants_see_only_their_own_instances(leave_api: ApiClient) -> None:
    instance = start_leave(leave_api)
    assert leave_api.get(f"/api/v1/instances/{instance['id']}", as_="xiaoming").status_code == 200
    assert leave_api.get(f"/api/v1/instances/{instance['id']}", as_="xiaohong").status_code == 404
    listing = leave_api.get("/api/v1/instances", as_="xiaohong").get_json()
    assert listing["items"] == [] and listing["total"] == 0
    mine = leave_api.get("/api/v1/instances", as_="xiaoming").get_json()
    assert [i["id"] for i in mine["items"]] == [instance["id"]]


def test_running_instances_keep_their_version(leave_api: ApiClient) -> None:
    from tests.test_support import deploy_modified_leave

    old = start_leave(leave_api, 1)
    assert old["definition_version"] == 1
    deploy_modified_leave(leave_api)
    new = start_leave(leave_api, 1)
    assert new["definition_version"] == 2
    # the old instance continues on version 1's diagram
    task = leave_api.open_task(old["id"])
    final = leave_api.claim_and_complete(task["id"], as_="zhang", teacher_approved=True,
                                         teacher_comment="好")
    assert final["definition_version"] == 1
    assert final["open_tasks"][0]["task_name"] == "confirm_return"


def test_inbox_business_key_filter_takes_a_prefix(leave_api: ApiClient) -> None:
    for key in ("NC-RZ-1", "NC-RZ-2", "NC-XX-1", "NC_RZ-3"):
        start_leave(leave_api, 1, key=key)
    by_prefix = leave_api.inbox(as_="zhang", business_key="NC-RZ*")
    assert sorted(t["business_key"] for t in by_prefix["items"]) == ["NC-RZ-1", "NC-RZ-2"]
    assert by_prefix["total"] == 2
    # "_" and "%" in the prefix are plain characters, not wildcards
    underscore = leave_api.inbox(as_="zhang", business_key="NC_R*")["items"]
    assert [t["business_key"] for t in underscore] == ["NC_RZ-3"]
    assert leave_api.inbox(as_="zhang", business_key="NC%*")["items"] == []
    exact = leave_api.inbox(as_="zhang", business_key="NC-XX-1")["items"]
    assert [t["business_key"] for t in exact] == ["NC-XX-1"]


def test_form_problems_are_plain_chinese_naming_the_field(leave_api: ApiClient) -> None:
    task_id = start_leave(leave_api)["open_tasks"][0]["id"]
    assert leave_api.claim(task_id, as_="zhang").status_code == 200
    nothing = leave_api.complete(task_id, as_="zhang").get_json()
    assert [(e["pointer"], e["message"]) for e in nothing["errors"]] == [
        ("/data/teacher_approved", "请选择是否同意")]
    assert nothing["detail"] == "「班主任审批」有 1 处需要修改：请选择是否同意"
    refused = leave_api.complete(task_id, as_="zhang", teacher_approved=False).get_json()
    # the then-branch of the form (a refusal needs a reason) is told by its field, not "then"
    assert [(e["pointer"], e["message"]) for e in refused["errors"]] == [
        ("/data/teacher_comment", "请填写审批意见")]


def test_history_and_completed_steps_say_who_acted(leave_api: ApiClient) -> None:
    instance = start_leave(leave_api)
    done = leave_api.claim_and_complete(instance["open_tasks"][0]["id"], as_="zhang",
                                        teacher_approved=True)
    # the completer's own answer names them from their token, without a look-up
    assert [step["completed_by_name"] for step in done["completed_steps"]] == ["张老师"]
    events = leave_api.get(f"/api/v1/instances/{instance['id']}/events", as_="admin").get_json()
    by_kind = {event["kind"]: event for event in events}
    assert by_kind["instance_started"]["actor_name"] == "小明"
    assert by_kind["task_completed"]["actor_name"] == "张老师"
    detail = leave_api.get(f"/api/v1/instances/{instance['id']}", as_="xiaoming").get_json()
    assert [step["completed_by_name"] for step in detail["completed_steps"]] == ["张老师"]
