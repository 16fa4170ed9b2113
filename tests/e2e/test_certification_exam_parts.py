"""Exam details people ask for: 到考/缺考 per part, the exam-room incident record (考场违纪)
that the score review sees and the candidate does not, staff's files kept from the candidate."""

from __future__ import annotations

import json

import pytest

from tests.api_client import ApiClient
from tests.e2e import certification_steps as steps
from workflows.core.clock import FrozenClock


@pytest.fixture()
def cert_api(api: ApiClient, frozen_clock: FrozenClock) -> ApiClient:
    steps.deploy_certification(api)
    return api


def _scheduled(api: ApiClient) -> int:
    case = steps.apply(api, "liuyang")["id"]
    steps.approve_eligibility(api, case)
    steps.schedule(api, case)
    return case


def _card(api: ApiClient, user: str, case: int) -> dict[str, str]:
    [card] = [t for t in api.inbox(as_=user)["items"] if t["instance_id"] == case]
    return {item["label"]: item["value"] for item in card["summary"]}


def test_a_candidate_absent_from_the_practical_only_scores_zero_there_and_fails_it(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    api = cert_api
    case = _scheduled(api)
    evidence = steps.documents(api, "zhou", "考场记录.pdf")
    done = steps.do(api, case, "record_attendance", "zhou", attended=True,
                    practical_absent=True, exam_incident="理论考试 9:40 夹带纸条，已没收并记录",
                    exam_incident_evidence=evidence)
    assert done["data"]["absent_parts"] == ["practical"]
    assert steps.open_names(api, case) == ["score_exam"]
    assert _card(api, "zheng", case)["实操考核缺考"] == "是"
    task = steps.task(api, case, "score_exam")
    assert api.claim(task["id"], as_="zheng").status_code == 200
    scored_absent = api.complete(task["id"], as_="zheng", theory_score=80, practical_score=70)
    assert scored_absent.status_code == 422
    assert "考生缺考实操考核，不能录入该科成绩" in scored_absent.get_json()["detail"]
    missing = api.complete(task["id"], as_="zheng")
    assert missing.status_code == 422 and "请填写理论考试成绩" in missing.get_json()["detail"]
    scored = api.complete(task["id"], as_="zheng", theory_score=80).get_json()
    assert (scored["data"]["theory_score"], scored["data"]["practical_score"]) == (80, 0)
    # The score review sees the incident record; the candidate does not.
    card = _card(api, "he", case)
    assert card["考场违纪记录"] == "理论考试 9:40 夹带纸条，已没收并记录"
    seen = json.dumps([api.get(f"/api/v1/instances/{case}", as_="liuyang").get_json(),
                       api.events(case, as_="liuyang")], ensure_ascii=False)
    assert "夹带纸条" not in seen and evidence[0] not in seen
    steps.review(api, case)
    steps.close_appeal_window(api, frozen_clock)
    cases = api.get("/api/v1/my-cases", as_="liuyang").get_json()
    [mine] = [c for c in cases if c["id"] == case]
    assert mine["result"]["words"] == "不合格"
    assert mine["result"]["failed_parts"] == ["实操考核（缺考）"]


def test_both_parts_missed_is_recorded_as_absent_not_as_attended(
        cert_api: ApiClient) -> None:
    api = cert_api
    case = _scheduled(api)
    task = steps.task(api, case, "record_attendance")
    assert api.claim(task["id"], as_="zhou").status_code == 200
    both = api.complete(task["id"], as_="zhou", attended=True, theory_absent=True,
                        practical_absent=True)
    assert both.status_code == 422 and "两科均缺考" in both.get_json()["detail"]
    done = api.complete(task["id"], as_="zhou", attended=False).get_json()
    assert (done["data"]["outcome"], done["data"]["closed_reason"]) == ("absent", "缺考")


def test_staff_files_are_not_listed_or_served_to_the_candidate(
        cert_api: ApiClient) -> None:
    api = cert_api
    case = _scheduled(api)
    evidence = steps.documents(api, "zhou", "考场记录.pdf")
    steps.do(api, case, "record_attendance", "zhou", attended=True,
             exam_incident="实操考核中途离场", exam_incident_evidence=evidence)
    listed = api.get("/api/v1/attachments", as_="liuyang",
                     query_string={"instance_id": case}).get_json()
    names = {row["filename"] for row in listed}
    assert "考场记录.pdf" not in names and {"身份证.png", "学籍证明.pdf"} <= names
    assert api.get(f"/api/v1/attachments/{evidence[0]}", as_="liuyang").status_code == 404
    assert api.get(f"/api/v1/attachments/{evidence[0]}/content",
                   as_="liuyang").status_code == 404
    staff = api.get("/api/v1/attachments", as_="han", query_string={"instance_id": case})
    assert "考场记录.pdf" in {row["filename"] for row in staff.get_json()}
    assert api.get(f"/api/v1/attachments/{evidence[0]}", as_="han").status_code == 200
