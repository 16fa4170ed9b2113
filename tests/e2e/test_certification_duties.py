"""Separation of duties, enforced by the service whatever the client: one test per rule kind
(and per place a rule is declared), each checking the 403 names the rule."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api_client import ApiClient
from tests.e2e import certification_steps as steps
from workflows.core.clock import FrozenClock


@pytest.fixture()
def cert_api(api: ApiClient, frozen_clock: FrozenClock) -> ApiClient:
    steps.deploy_certification(api)
    return api


def assert_violation(response: Any, rule: str) -> None:
    assert response.status_code == 403, response.get_json()
    body = response.get_json()
    assert body["title"] == "回避与职责分离"
    assert rule in body["detail"]
    assert body["errors"][0]["rule"] == rule


def to_scoring(api: ApiClient, user: str = "liuyang", **overrides: Any) -> int:
    case = steps.apply(api, user, **overrides)["id"]
    steps.approve_eligibility(api, case)
    steps.schedule(api, case)
    steps.attend(api, case)
    return case


def test_an_examiner_may_not_score_a_candidate_of_their_own_class(cert_api: ApiClient) -> None:
    case = to_scoring(cert_api, "liuyang")  # 机电2301, as qian
    task = steps.task(cert_api, case, "score_exam")
    assert_violation(cert_api.claim(task["id"], as_="qian"), "recusal:class")
    assert steps.task(cert_api, case, "score_exam")["status"] == "ready"  # nothing changed
    assert cert_api.claim(task["id"], as_="feng").status_code == 200  # 数控2302 may


def test_recusal_also_uses_the_class_written_on_the_application(cert_api: ApiClient) -> None:
    # 王磊 has no class on his profile, but applies as a student of 机电2301.
    case = to_scoring(cert_api, "wanglei", applicant_type="student", school="市职业技术学校",
                      class_name="机电2301")
    task = steps.task(cert_api, case, "score_exam")
    assert_violation(cert_api.claim(task["id"], as_="qian"), "recusal:class")


def test_recusal_applies_to_the_comprehensive_review(cert_api: ApiClient) -> None:
    case = to_scoring(cert_api, "chenjing", level=2, prior_certificate_level=3,
                      prior_certificate_no="GD440120223000017", years_experience=5)
    steps.score(cert_api, case, "qian")  # 机电2301 may score 数控2302
    steps.review(cert_api, case)
    task = steps.task(cert_api, case, "comprehensive_review")
    assert_violation(cert_api.claim(task["id"], as_="feng"), "recusal:class")
    steps.do(cert_api, case, "comprehensive_review", "zheng", comprehensive_score=80)
    steps.do(cert_api, case, "review_comprehensive", "he", comprehensive_confirmed=True)


def test_the_score_reviewer_must_not_be_the_scorer(cert_api: ApiClient) -> None:
    case = to_scoring(cert_api, "liuyang")
    steps.score(cert_api, case, "jiang")  # examiner and score reviewer
    task = steps.task(cert_api, case, "review_scores")
    assert_violation(cert_api.claim(task["id"], as_="jiang"), "differs_from:score_exam")
    # A re-scored sheet is still kept from everyone who scored it in an earlier round.
    assert cert_api.claim(task["id"], as_="he").status_code == 200
    cert_api.complete(task["id"], as_="he", scores_confirmed=False,
                      score_review_comment="请复核实操分")
    steps.score(cert_api, case, "feng")
    again = steps.task(cert_api, case, "review_scores")
    assert_violation(cert_api.claim(again["id"], as_="jiang"), "differs_from:score_exam")


def test_an_eligibility_reviewer_may_not_review_their_own_application(
        cert_api: ApiClient) -> None:
    # 陈审核 (eligibility reviewer) applies as an employee himself.
    case = steps.apply(cert_api, "chen")["id"]
    task = steps.task(cert_api, case, "review_eligibility")
    assert_violation(cert_api.claim(task["id"], as_="chen"), "not_initiator")
    assert cert_api.claim(task["id"], as_="sun").status_code == 200


def test_the_rule_is_checked_again_at_completion(cert_api: ApiClient) -> None:
    # The bulk endpoint claims and completes in one step: the rule still applies.
    case = to_scoring(cert_api, "liuyang")
    task = steps.task(cert_api, case, "score_exam")
    response = cert_api.post("/api/v1/batch/complete", as_="qian", json={
        "items": [{"task_id": task["id"], "data": {"theory_score": 70, "practical_score": 70}}]})
    result = response.get_json()["results"][0]
    assert (result["ok"], result["status"]) == (False, 403)
    assert result["problem"]["errors"][0]["rule"] == "recusal:class"


def test_the_recheck_excludes_the_original_scorer_and_reviewer(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    api = cert_api
    case = to_scoring(api, "liuyang")
    steps.score(api, case, "qin", 50, 70)  # qin is also a quality supervisor
    steps.review(api, case, "he")
    key = api.instance(case)["business_key"]
    appeal = api.start("certification_appeal", as_="liuyang", certification_key=key,
                       appeal_reason="理论成绩与预估差距较大").get_json()
    assert appeal["data"]["appeal_case"]["accepted"] is True
    task = steps.task(api, appeal["id"], "recheck_scores")
    assert_violation(api.claim(task["id"], as_="qin"), "excludes:appeal_case.excluded_user_ids")
    assert api.claim(task["id"], as_="han").status_code == 200


def test_the_leading_group_member_who_files_a_revocation_may_not_approve_it(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    api = cert_api
    number = steps.certify(api, frozen_clock)["data"]["certificate_no"]
    filed = api.start("certification_revocation", as_="lin", certificate_no=number,
                      fraud_finding="伪造工作年限证明",
                      evidence=steps.documents(api, "lin", "调查报告.pdf")).get_json()
    steps.do(api, filed["id"], "state_defence", "liuyang", defence_statement="本人不知情")
    task = steps.task(api, filed["id"], "approve_revocation")
    assert_violation(api.claim(task["id"], as_="lin"), "not_initiator")


def test_the_certificate_officer_may_not_file_a_reissue_of_someone_elses_certificate(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    api = cert_api
    final = steps.certify(api, frozen_clock)
    # 曹证书 may not file 刘洋's reissue (only the holder does), so he never verifies his own.
    filed = api.start("certification_reissue", as_="cao",
                      certificate_no=final["data"]["certificate_no"], loss_statement="搬家遗失",
                      documents=steps.documents(api, "cao", "身份证.png"))
    assert filed.status_code == 403
    assert "补发只能由持证人本人申请" in filed.get_json()["detail"]


@pytest.mark.parametrize(("value", "message"), [
    ("differs_from:no_such_task", "不在本流程中"),
    ("same_as:score_exam", "未知的职责分离规则"),
    ("recusal:school", "回避只适用于 class"),
    ("excludes:", "需要参数"),
])
def test_a_malformed_rule_is_refused_at_deploy(api: ApiClient, value: str,
                                               message: str) -> None:
    files = steps_bundle()
    text = files["certification_application.bpmn"].decode()
    files["certification_application.bpmn"] = text.replace(
        'name="separationOfDuties" value="recusal:class, recusal:employer, recusal:declared" />',
        f'name="separationOfDuties" value="{value}" />', 1).encode()
    response = api.deploy_files(files)
    assert response.status_code == 422
    problem = response.get_json()["errors"][0]
    assert message in problem["message"] and problem["element_id"] == "score_exam"


def steps_bundle() -> dict[str, bytes]:
    from workflows.definitions.bundles import collect_bundle

    return collect_bundle(steps.ROOT / "bpmn" / "certification_application.bpmn")
