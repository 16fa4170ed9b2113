"""Separation of duties by real relations in the directory: own cases, the class the candidate
is in, the same employer, declared conflicts (回避声明), and whose work an objection questions.
Each refusal is a 403 whose Chinese detail names the rule."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from models import Person, User, db
from tests.api_client import ApiClient
from tests.e2e import certification_steps as steps
from tests.e2e.test_certification_application import _object
from workflows.core.clock import FrozenClock


def assert_refused(response: Any, rule: str, words: str) -> None:
    assert response.status_code == 403, response.get_json()
    body = response.get_json()
    assert body["errors"][0]["rule"] == rule
    assert f"（规则 {rule}）" in body["detail"] and words in body["detail"], body["detail"]
    assert body["detail"].startswith("按回避规定" if rule.startswith("recusal")
                                     else "按职责分离规定"), body["detail"]


def _person_id(api: ApiClient, name: str) -> int:
    [found] = api.get("/api/v1/directory/people", as_="admin",
                      query_string={"q": name}).get_json()
    return int(found["id"])


def _to_scoring(api: ApiClient, user: str) -> int:
    case = steps.apply(api, user)["id"]
    steps.approve_eligibility(api, case)
    steps.schedule(api, case)
    steps.attend(api, case)
    return case


@pytest.fixture()
def cert_api(api: ApiClient, frozen_clock: FrozenClock) -> ApiClient:
    steps.deploy_certification(api)
    return api


def test_nobody_approves_their_own_leave(leave_api: ApiClient) -> None:
    api = leave_api
    # 张老师 is a 班主任 himself: his own leave reaches the 班主任 position he holds.
    started = api.start_leave(as_="zhang", days=1, leave_type="personal",
                        reason="家中有事")
    assert started.status_code == 201, started.get_json()
    [task] = started.get_json()["open_tasks"]
    assert_refused(api.claim(task["id"], as_="zhang"), "not_initiator", "本人发起")
    assert api.claim(task["id"], as_="wang").status_code == 200


def test_the_teacher_of_the_candidates_class_may_not_score(cert_api: ApiClient) -> None:
    api = cert_api
    # 冯考评 is made a 任课教师 of 机电2301 (his profile says 数控2302): the directory decides.
    [root] = api.get("/api/v1/directory/units", as_="admin").get_json()
    unit = next(u["id"] for u in root["children"] if u["name"] == "机电2301")
    appointed = api.post(f"/api/v1/directory/units/{unit}/positions", as_="admin",
                         json={"person_id": _person_id(api, "冯考评"), "role": "teacher"})
    assert appointed.status_code == 201
    case = _to_scoring(api, "liuyang")
    task = steps.task(api, case, "score_exam")
    assert_refused(api.claim(task["id"], as_="feng"), "recusal:class", "任课教师")
    assert api.claim(task["id"], as_="zheng").status_code == 200


def test_an_examiner_of_the_candidates_employer_is_recused(app: Flask,
                                                           cert_api: ApiClient) -> None:
    api = cert_api
    with app.app_context():
        for username in ("wanglei", "zheng"):
            person_id = db.session.scalar(sa.select(User.person_id).where(
                User.username == username))
            db.session.get(Person, person_id).employer = "宏达机械有限公司"  # type: ignore[union-attr]
        db.session.commit()
    case = _to_scoring(api, "wanglei")
    task = steps.task(api, case, "score_exam")
    assert_refused(api.claim(task["id"], as_="zheng"), "recusal:employer", "宏达机械有限公司")
    assert api.claim(task["id"], as_="feng").status_code == 200


def test_a_declared_conflict_keeps_the_examiner_off_the_case(cert_api: ApiClient) -> None:
    api = cert_api
    declared = api.post("/api/v1/directory/conflicts", as_="zheng",
                        json={"subject_person_id": _person_id(api, "刘洋"), "reason": "表亲"})
    assert declared.status_code == 201, declared.get_json()
    case = _to_scoring(api, "liuyang")
    task = steps.task(api, case, "score_exam")
    assert_refused(api.claim(task["id"], as_="zheng"), "recusal:declared", "表亲")
    steps.score(api, case, "feng")
    review = steps.task(api, case, "review_scores")  # applies to the score review as well
    api.post("/api/v1/directory/conflicts", as_="he",
             json={"subject_person_id": _person_id(api, "刘洋"), "reason": "师生"})
    assert_refused(api.claim(review["id"], as_="he"), "recusal:declared", "师生")
    assert api.post("/api/v1/directory/conflicts", as_="liuyang", json={
        "subject_person_id": _person_id(api, "钱考评"), "reason": "x"}).status_code == 403


def test_the_scorer_never_handles_an_objection_to_the_scoring(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    api = cert_api
    case = steps.apply(api, "liuyang")["id"]
    steps.approve_eligibility(api, case)
    steps.schedule(api, case)
    steps.attend(api, case)
    steps.score(api, case, "qin")  # 秦老师: examiner and 质量监督小组
    steps.review(api, case)
    steps.close_appeal_window(api, frozen_clock)
    steps.do(api, case, "approve_results", "xu", results_approved=True)
    _object(api, case)
    task = steps.task(api, case, "handle_objection")
    assert_refused(api.claim(task["id"], as_="qin"), "differs_from:score_exam",
                   "「评分（理论阅卷、实操评分）」")
    assert api.claim(task["id"], as_="han").status_code == 200
