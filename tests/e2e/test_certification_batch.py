"""Bulk work on one exam session: many tasks per request, each validated and applied alone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api_client import ApiClient
from tests.background_support import notifications
from tests.e2e import certification_steps as steps
from workflows.core.clock import FrozenClock

SESSION = {"exam_session": "2026-12-A01", "venue": "实训楼302",
           "theory_at": "2026-12-10T09:00:00+08:00", "practical_at": "2026-12-11T09:00:00+08:00"}


@pytest.fixture()
def cert_api(api: ApiClient, frozen_clock: FrozenClock) -> ApiClient:
    steps.deploy_certification(api)
    return api


def bulk(api: ApiClient, user: str, items: list[dict[str, Any]], **body: Any) -> Any:
    return api.post("/api/v1/batch/complete", as_=user, json={"items": items, **body})


def listed(api: ApiClient, user: str, **query: Any) -> list[dict[str, Any]]:
    response = api.get("/api/v1/batch/tasks", as_=user, query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def approved_cases(api: ApiClient, users: tuple[str, ...]) -> list[int]:
    cases = []
    for user in users:
        case = steps.apply(api, user)["id"]
        steps.approve_eligibility(api, case)
        cases.append(case)
    return cases


def test_an_exam_admin_schedules_a_whole_session_at_once(cert_api: ApiClient) -> None:
    api = cert_api
    cases = approved_cases(api, ("liuyang", "chenjing", "zhaomin"))
    tasks = listed(api, "zhou", task_name="schedule_exam")
    assert [t["instance_id"] for t in tasks] == cases
    assert tasks[0]["case"]["applicant_name"] == "刘洋" and "id_number" not in tasks[0]["case"]
    response = bulk(api, "zhou", [{"task_id": t["id"]} for t in tasks], data=SESSION)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["completed"], body["failed"]) == (3, 0)
    assert all(r["ok"] and r["instance_status"] == "running" for r in body["results"])
    for case in cases:
        assert steps.open_names(api, case) == ["record_attendance"]
    assert notifications(api, "zhaomin")[0]["subject"] == "考试安排：2026-12-A01"
    attendance = listed(api, "zhou", task_name="record_attendance", exam_session="2026-12-A01")
    marks = bulk(api, "zhou", [{"task_id": t["id"],
                                "data": {"attended": t["instance_id"] != cases[2]}}
                               for t in attendance]).get_json()
    assert marks["completed"] == 3
    assert api.instance(cases[2])["data"]["outcome"] == "absent"


def test_bulk_scoring_reports_each_failure_and_applies_the_rest(cert_api: ApiClient) -> None:
    api = cert_api
    cases = approved_cases(api, ("liuyang", "chenjing", "zhaomin"))
    for case in cases:
        steps.schedule(api, case, session="2026-12-A01")
        steps.attend(api, case)
    other = approved_cases(api, ("wanglei",))[0]
    steps.schedule(api, other, session="2026-12-B02")
    steps.attend(api, other)
    sheets = listed(api, "feng", task_name="score_exam", exam_session="2026-12-A01")
    assert [t["instance_id"] for t in sheets] == cases  # the other session is not listed
    by_case = {t["instance_id"]: t["id"] for t in sheets}
    response = bulk(api, "feng", [
        {"task_id": by_case[cases[0]], "data": {"theory_score": 75, "practical_score": 88}},
        {"task_id": by_case[cases[1]], "data": {"theory_score": 80, "practical_score": 80}},
        {"task_id": by_case[cases[2]], "data": {"theory_score": 120, "practical_score": 70}},
    ])
    body = response.get_json()
    assert (body["completed"], body["failed"]) == (1, 2)
    ok, recused, invalid = body["results"]
    assert ok["ok"] and ok["task_id"] == by_case[cases[0]]
    assert (recused["status"], recused["problem"]["errors"][0]["rule"]) == (403, "recusal:class")
    assert invalid["status"] == 422
    assert invalid["problem"]["errors"][0]["pointer"] == "/data/theory_score"
    # Nothing half-applied: the failed sheets are open and unclaimed, as before.
    for case in cases[1:]:
        sheet = steps.task(api, case, "score_exam")
        assert (sheet["status"], sheet["assignee_id"]) == ("ready", None)
    assert steps.open_names(api, cases[0]) == ["review_scores"]
    # Another examiner finishes the rest in a second bulk call.
    retry = bulk(api, "zheng", [
        {"task_id": by_case[cases[1]], "data": {"theory_score": 80, "practical_score": 80}},
        {"task_id": by_case[cases[2]], "data": {"theory_score": 90, "practical_score": 70}}])
    assert retry.get_json()["completed"] == 2
    reviews = listed(api, "he", task_name="review_scores")
    confirmed = bulk(api, "he", [{"task_id": t["id"]} for t in reviews],
                     data={"scores_confirmed": True}).get_json()
    assert confirmed["completed"] == 3
    assert all(api.instance(c)["data"]["passed"] is True for c in cases)


def test_bulk_requests_are_checked_as_a_whole_first(cert_api: ApiClient) -> None:
    api = cert_api
    case = approved_cases(api, ("liuyang",))[0]
    task_id = steps.task(api, case, "schedule_exam")["id"]
    twice = bulk(api, "zhou", [{"task_id": task_id}, {"task_id": task_id}], data=SESSION)
    assert twice.status_code == 422
    assert bulk(api, "zhou", []).status_code == 422
    assert bulk(api, "zhou", [{"task_id": i} for i in range(1, 202)]).status_code == 422
    assert api.post("/api/v1/batch/complete", as_="zhou", json={"data": {}}).status_code == 422
    unclaimed = bulk(api, "zhou", [{"task_id": task_id}], data=SESSION, claim=False).get_json()
    assert unclaimed["results"][0]["status"] == 409
    stranger = bulk(api, "feng", [{"task_id": task_id}], data=SESSION).get_json()
    assert stranger["results"][0]["status"] in (403, 404)
    missing = bulk(api, "zhou", [{"task_id": 999999}], data=SESSION).get_json()
    assert missing["results"][0]["status"] == 404
    assert steps.task(api, case, "schedule_exam")["status"] == "ready"


def test_the_task_list_needs_a_task_name(cert_api: ApiClient) -> None:
    assert cert_api.get("/api/v1/batch/tasks", as_="zhou").status_code == 422
    assert cert_api.get("/api/v1/batch/tasks", as_="zhou", query_string={
        "task_name": "score_exam", "exam_session": "\x00"}).status_code == 422
    assert listed(cert_api, "xiaoming", task_name="schedule_exam") == []
