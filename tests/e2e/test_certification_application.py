"""Skill-level certification (职业技能等级认定), every path of the case driven over HTTP."""

from __future__ import annotations

import pytest

from tests.api_client import ApiClient
from tests.background_support import advance, fire_due, kinds, notifications
from tests.e2e import certification_steps as steps
from workflows.core.clock import FrozenClock


@pytest.fixture()
def cert_api(api: ApiClient, frozen_clock: FrozenClock) -> ApiClient:
    steps.deploy_certification(api)
    return api


def test_full_pass_path_for_level_five(cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    api = cert_api
    case = steps.apply(api, "liuyang")
    assert case["status"] == "running"
    assert case["data"]["precheck_eligible"] is True
    assert case["data"]["appeal_window"] == "P15D" and case["data"]["notice_period"] == "P5WD"
    assert steps.open_names(api, case["id"]) == ["review_eligibility"]
    steps.approve_eligibility(api, case["id"])
    steps.schedule(api, case["id"])
    notes = notifications(api, "liuyang")
    assert notes and notes[0]["subject"] == "考试安排：2026-11-S01"
    steps.attend(api, case["id"])
    steps.score(api, case["id"], "feng", 78, 82)
    after_review = steps.review(api, case["id"])
    assert after_review["data"]["passed"] is True
    assert after_review["open_tasks"] == []  # waiting: re-check window
    steps.close_appeal_window(api, frozen_clock)
    steps.do(api, case["id"], "approve_results", "xu", results_approved=True)
    assert steps.open_names(api, case["id"]) == []  # public notice
    steps.end_notice(api, frozen_clock)
    final = api.instance(case["id"])
    assert final["status"] == "completed"
    assert final["data"]["outcome"] == "certified"
    number = final["data"]["certificate_no"]
    assert len(number) == 17 and number.startswith("CF32012026") and number[10] == "5"
    assert steps.verify(api, number, "刘洋")["status"] == "valid"
    history = kinds(api.events(case["id"]))
    assert history.count("timer_fired") == 2 and "service_task_completed" in history


def test_full_pass_path_for_level_two_adds_a_comprehensive_review(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    api = cert_api
    case = steps.apply(api, "wanglei", level=2, prior_certificate_level=3,
                       prior_certificate_no="GD440120223000017", years_experience=5)
    assert case["data"]["precheck_eligible"] is True
    steps.through_scoring(api, case["id"], theory=88, practical=91)
    assert steps.open_names(api, case["id"]) == ["comprehensive_review"]
    steps.do(api, case["id"], "comprehensive_review", "zheng",
             comprehensive_score=75, comprehensive_comment="论文答辩良好")
    assert steps.open_names(api, case["id"]) == ["review_comprehensive"]
    reviewed = steps.do(api, case["id"], "review_comprehensive", "he",
                        comprehensive_confirmed=True)
    assert reviewed["data"]["passed"] is True
    steps.close_appeal_window(api, frozen_clock)
    steps.do(api, case["id"], "approve_results", "xu", results_approved=True)
    steps.end_notice(api, frozen_clock)
    final = api.instance(case["id"])
    assert final["data"]["outcome"] == "certified"
    assert final["data"]["certificate"]["level_name"] == "二级/技师"
    detail = api.get(f"/api/v1/certificates/{final['data']['certificate_no']}", as_="cao")
    assert detail.status_code == 200, detail.get_json()
    assert detail.get_json()["scores"] == {"theory": 88, "practical": 91, "comprehensive": 75}
    assert detail.get_json()["id_number"].count("*") == 10  # masked even for the officer


def test_a_failed_comprehensive_review_fails_the_case(cert_api: ApiClient,
                                                      frozen_clock: FrozenClock) -> None:
    api = cert_api
    case = steps.apply(api, "wanglei", level=2, prior_certificate_level=3,
                       prior_certificate_no="GD440120223000017", years_experience=5)
    steps.through_scoring(api, case["id"], theory=88, practical=91)
    steps.do(api, case["id"], "comprehensive_review", "zheng", comprehensive_score=59.5)
    judged = steps.do(api, case["id"], "review_comprehensive", "he", comprehensive_confirmed=True)
    assert judged["data"]["passed"] is False
    steps.close_appeal_window(api, frozen_clock)
    final = api.instance(case["id"])
    assert (final["status"], final["data"]["outcome"]) == ("completed", "failed")


@pytest.mark.parametrize(("overrides", "reason"), [
    ({"years_experience": 0.5}, "五级：须累计从事本职业或相关职业工作1年（含）以上"),
    ({"level": 4, "years_experience": 2},
     "四级：无职业技能等级证书者须累计从事本职业工作6年（含）以上"),
    ({"level": 2, "prior_certificate_level": 4, "prior_certificate_no": "GD440120214000001",
      "years_experience": 20}, "二级：须取得三级及以上职业技能等级证书"),
    ({"level": 1, "prior_certificate_level": 2, "prior_certificate_no": "GD440120212000001",
      "years_experience": 2}, "一级：取得二级证书后须从事本职业工作3年（含）以上"),
])
def test_the_rule_precheck_closes_ineligible_applications_with_the_reason(
        cert_api: ApiClient, overrides: dict, reason: str) -> None:
    case = steps.apply(cert_api, "wanglei", **overrides)
    assert case["status"] == "completed"
    assert case["data"]["outcome"] == "ineligible"
    assert case["data"]["closed_reason"] == reason
    decision = next(e for e in cert_api.events(case["id"]) if e["kind"] == "decision_taken"
                    and e["task_name"] == "precheck_eligibility")
    assert decision["payload"]["outputs"]["precheck_eligible"] is False


@pytest.mark.parametrize(("overrides", "eligible"), [
    ({"level": 4, "prior_certificate_level": 5, "prior_certificate_no": "GD440120245000001",
      "years_experience": 3}, True),
    ({"level": 4, "years_experience": 6}, True),
    ({"level": 3, "prior_certificate_level": 4, "prior_certificate_no": "GD440120214000001",
      "years_experience": 3.5}, False),
    ({"level": 3, "years_experience": 10}, True),
    ({"level": 1, "prior_certificate_level": 2, "prior_certificate_no": "GD440120212000001",
      "years_experience": 3}, True),
])
def test_the_precheck_table_boundaries(cert_api: ApiClient, overrides: dict,
                                       eligible: bool) -> None:
    case = steps.apply(cert_api, "wanglei", **overrides)
    assert case["data"]["precheck_eligible"] is eligible
    assert steps.open_names(cert_api, case["id"]) == (["review_eligibility"] if eligible else [])


def test_the_reviewer_rejects_with_a_reason(cert_api: ApiClient) -> None:
    case = steps.apply(cert_api, "liuyang")
    task = steps.task(cert_api, case["id"], "review_eligibility")
    assert cert_api.claim(task["id"], as_="sun").status_code == 200
    no_reason = cert_api.complete(task["id"], as_="sun", eligibility_decision="reject")
    assert no_reason.status_code == 422
    assert any(e["pointer"] == "/data/eligibility_comment" for e in no_reason.get_json()["errors"])
    done = cert_api.complete(task["id"], as_="sun", eligibility_decision="reject",
                             eligibility_comment="工作年限证明与社保记录不符")
    final = done.get_json()
    assert (final["status"], final["data"]["outcome"]) == ("completed", "rejected")
    assert final["data"]["closed_reason"] == "工作年限证明与社保记录不符"


def test_return_for_correction_then_the_corrected_application_is_checked_again(
        cert_api: ApiClient) -> None:
    api = cert_api
    case = steps.apply(api, "liuyang")
    task = steps.task(api, case["id"], "review_eligibility")
    assert api.claim(task["id"], as_="sun").status_code == 200
    no_deadline = api.complete(task["id"], as_="sun", eligibility_decision="return",
                               eligibility_comment="请补充学籍证明")
    assert no_deadline.status_code == 422
    assert any(e["pointer"] == "/data/correction_days" for e in no_deadline.get_json()["errors"])
    returned = api.complete(task["id"], as_="sun", eligibility_decision="return",
                            eligibility_comment="请补充学籍证明", correction_days=5).get_json()
    assert returned["data"]["correction_period"] == "P5WD;last_day"
    correction = steps.task(api, case["id"], "correct_application")
    assert correction["status"] == "claimed"  # assigned to the applicant who applied
    timer = api.get("/api/v1/timers", as_="admin",
                    query_string={"instance_id": case["id"], "status": "pending"}).get_json()
    assert [t["element_id"] for t in timer] == ["correction_expired"]
    assert timer[0]["due_at"].startswith("2026-11-09T16:00")  # 5 working days later, 24:00 Beijing
    kept = api.instance(case["id"])["data"]["documents"][0]  # already on the case
    corrected = steps.application(
        "liuyang", documents=[kept, *steps.documents(api, "liuyang", "学籍证明2026.pdf")])
    done = api.complete(correction["id"], as_="liuyang", **corrected)
    assert done.status_code == 200, done.get_json()
    assert steps.open_names(api, case["id"]) == ["review_eligibility"]
    assert api.instance(case["id"])["data"]["documents"] == corrected["documents"]
    steps.approve_eligibility(api, case["id"], "chen")
    assert steps.open_names(api, case["id"]) == ["schedule_exam"]
    precheck_runs = [e for e in api.events(case["id"]) if e["kind"] == "decision_taken"
                     and e["task_name"] == "precheck_eligibility"]
    assert len(precheck_runs) == 2
    assert not api.get("/api/v1/timers", as_="admin", query_string={
        "instance_id": case["id"], "status": "pending"}).get_json()


def test_an_unanswered_correction_expires_and_closes_the_case(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    api = cert_api
    case = steps.apply(api, "liuyang")
    steps.do(api, case["id"], "review_eligibility", "sun", eligibility_decision="return",
             eligibility_comment="请补充学籍证明", correction_days=2)
    advance(api, frozen_clock, days=1)
    assert fire_due(api)["fired"] == 0  # one working day is not enough
    advance(api, frozen_clock, days=1, hours=6, minutes=59)
    assert fire_due(api)["fired"] == 0  # 23:59 Beijing time: the last day still runs
    advance(api, frozen_clock, minutes=1)
    assert fire_due(api)["fired"] == 1
    final = api.instance(case["id"])
    assert (final["status"], final["data"]["outcome"]) == ("completed", "correction_expired")
    assert final["open_tasks"] == []
    assert "task_cancelled" in kinds(api.events(case["id"]))


def test_an_absent_candidate_is_closed_as_absent(cert_api: ApiClient) -> None:
    api = cert_api
    case = steps.apply(api, "liuyang")
    steps.approve_eligibility(api, case["id"])
    steps.schedule(api, case["id"])
    final = steps.attend(api, case["id"], attended=False)
    assert (final["status"], final["data"]["outcome"]) == ("completed", "absent")


@pytest.mark.parametrize(("theory", "practical"), [(59.5, 90), (90, 40), (0, 0)])
def test_failing_scores_fail_the_case_after_the_recheck_window(
        cert_api: ApiClient, frozen_clock: FrozenClock, theory: float, practical: float) -> None:
    api = cert_api
    case = steps.apply(api, "liuyang")
    judged = steps.through_scoring(api, case["id"], theory=theory, practical=practical)
    assert judged["data"]["passed"] is False and judged["data"]["result"] == "不合格"
    assert judged["status"] == "running"  # the candidate may still ask for a re-check
    steps.close_appeal_window(api, frozen_clock)
    final = api.instance(case["id"])
    assert (final["status"], final["data"]["outcome"]) == ("completed", "failed")


def test_scores_of_exactly_sixty_pass(cert_api: ApiClient) -> None:
    case = steps.apply(cert_api, "liuyang")
    assert steps.through_scoring(cert_api, case["id"], theory=60, practical=60)["data"][
        "passed"] is True


def test_a_review_disagreement_returns_the_sheet_to_scoring(cert_api: ApiClient) -> None:
    api = cert_api
    case = steps.apply(api, "liuyang")
    steps.approve_eligibility(api, case["id"])
    steps.schedule(api, case["id"])
    steps.attend(api, case["id"])
    steps.score(api, case["id"], "feng", 58, 80)
    task = steps.task(api, case["id"], "review_scores")
    assert api.claim(task["id"], as_="he").status_code == 200
    assert api.complete(task["id"], as_="he", scores_confirmed=False).status_code == 422
    returned = api.complete(task["id"], as_="he", scores_confirmed=False,
                            score_review_comment="理论第3题漏计6分").get_json()
    assert [t["task_name"] for t in returned["open_tasks"]] == ["score_exam"]
    steps.score(api, case["id"], "feng", 64, 80)
    judged = steps.review(api, case["id"])
    assert judged["data"]["theory_score"] == 64 and judged["data"]["passed"] is True
    scored = [e for e in api.events(case["id"])
              if e["kind"] == "task_completed" and e["task_name"] == "score_exam"]
    assert [e["payload"]["data"]["theory_score"] for e in scored] == [58, 64]


def test_the_leading_group_may_refuse_to_approve(cert_api: ApiClient,
                                                frozen_clock: FrozenClock) -> None:
    api = cert_api
    case = steps.apply(api, "liuyang")
    steps.through_scoring(api, case["id"])
    steps.close_appeal_window(api, frozen_clock)
    final = steps.do(api, case["id"], "approve_results", "xu", results_approved=False,
                     approval_comment="考场监考记录存疑")
    assert (final["status"], final["data"]["outcome"]) == ("completed", "not_approved")
    assert final["data"]["closed_reason"] == "考场监考记录存疑"


def _to_notice(api: ApiClient, clock: FrozenClock) -> int:
    case = steps.apply(api, "liuyang")["id"]
    steps.through_scoring(api, case)
    steps.close_appeal_window(api, clock)
    steps.do(api, case, "approve_results", "xu", results_approved=True)
    return case


def _object(api: ApiClient, case: int) -> None:
    key = api.instance(case)["business_key"]
    response = api.post("/api/v1/messages", as_="xu", json={
        "name": "cert_objection", "business_key": key,
        "payload": {"objector": "同场考生", "reason": "实操考试中疑似代考"}})
    assert response.status_code == 200, response.get_json()


def test_an_upheld_objection_during_the_notice_withholds_the_certificate(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    api = cert_api
    case = _to_notice(api, frozen_clock)
    advance(api, frozen_clock, days=2)
    _object(api, case)
    assert steps.open_names(api, case) == ["handle_objection"]
    assert api.instance(case)["data"]["objection"]["reason"] == "实操考试中疑似代考"
    final = steps.do(api, case, "handle_objection", "han", objection_upheld=True,
                     objection_finding="经调取监控，确认代考属实")
    assert (final["status"], final["data"]["outcome"]) == ("completed", "withheld")
    assert "certificate_no" not in final["data"]
    advance(api, frozen_clock, days=10)
    assert fire_due(api)["fired"] == 0  # the notice timer went with the objection


def test_a_dismissed_objection_restarts_the_notice_then_the_certificate_is_issued(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    api = cert_api
    case = _to_notice(api, frozen_clock)
    advance(api, frozen_clock, days=3)
    _object(api, case)
    steps.do(api, case, "handle_objection", "han", objection_upheld=False,
             objection_finding="监控显示本人参考，异议不成立")
    advance(api, frozen_clock, days=3)
    assert fire_due(api)["fired"] == 0  # a fresh five-working-day notice
    steps.end_notice(api, frozen_clock)
    final = api.instance(case)
    assert final["data"]["outcome"] == "certified"
    assert [t["element_id"] for t in api.get("/api/v1/timers", as_="admin", query_string={
        "instance_id": case}).get_json() if t["status"] == "cancelled"] == ["notice_ended"]


def test_the_id_number_check_digit_is_validated_on_the_server(cert_api: ApiClient) -> None:
    good = steps.id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    response = cert_api.start("certification_application", as_="liuyang",
                              **steps.application("liuyang", id_number=bad))
    assert response.status_code == 422
    problem = next(e for e in response.get_json()["errors"] if e["pointer"] == "/data/id_number")
    assert "校验码错误" in problem["message"] and problem["rule"] == "format"
    bad_date = cert_api.start("certification_application", as_="liuyang",
                              **steps.application("liuyang", id_number=steps.id_number("20051332")))
    assert bad_date.status_code == 422
    lower_x = steps.id_number(seq="008")
    assert lower_x.endswith("X")
    typed = cert_api.start("certification_application", as_="liuyang",
                           **steps.application("liuyang", id_number=lower_x.lower(),
                                               documents=steps.documents(cert_api, "liuyang")))
    assert typed.status_code == 201, typed.get_json()  # people type a lower-case x


def test_form_rules_of_the_application(cert_api: ApiClient) -> None:
    missing_class = cert_api.start("certification_application", as_="liuyang",
                                   **steps.application("liuyang", class_name=None))
    assert missing_class.status_code == 422
    assert any(e["pointer"] == "/data/class_name" for e in missing_class.get_json()["errors"])
    missing_no = cert_api.start("certification_application", as_="wanglei",
                                **steps.application("wanglei", prior_certificate_level=5))
    assert any(e["pointer"] == "/data/prior_certificate_no"
               for e in missing_no.get_json()["errors"])
    bad_level = cert_api.start("certification_application", as_="wanglei",
                               **steps.application("wanglei", level=6, documents=[]))
    pointers = {e["pointer"] for e in bad_level.get_json()["errors"]}
    assert {"/data/level", "/data/documents"} <= pointers


def test_administrators_change_the_eligibility_table_by_deploying_a_new_version(
        cert_api: ApiClient) -> None:
    api = cert_api
    before = steps.apply(api, "wanglei", years_experience=0.5)
    assert before["data"]["outcome"] == "ineligible"
    files = steps_bundle()
    table = files["cert_eligibility.dmn"].decode()
    files["cert_eligibility.dmn"] = table.replace(
        '<inputEntry id="rule_01_years"><text>&gt;= 1</text>',
        '<inputEntry id="rule_01_years"><text>&gt;= 0.5</text>').replace(
        '<inputEntry id="rule_02_years"><text>&lt; 1</text>',
        '<inputEntry id="rule_02_years"><text>&lt; 0.5</text>').encode()
    deployed = api.deploy_files(files)
    assert deployed.status_code == 201 and deployed.get_json()["version"] == 2
    after = steps.apply(api, "wanglei", years_experience=0.5)
    assert after["data"]["precheck_eligible"] is True
    assert api.instance(before["id"])["definition_version"] == 1


def steps_bundle() -> dict[str, bytes]:
    from workflows.definitions.bundles import collect_bundle

    return collect_bundle(steps.ROOT / "bpmn" / "certification_application.bpmn")


def test_each_missing_field_is_pointed_at_and_named(cert_api: ApiClient) -> None:
    # a student without school and class: two problems, one at each field, never both at school
    proof = steps.documents(cert_api, "liuyang")
    response = cert_api.start("certification_application", as_="liuyang",
                              **steps.application("liuyang", school=None, class_name=None,
                                                  documents=proof))
    assert response.status_code == 422
    assert sorted((e["pointer"], e["message"]) for e in response.get_json()["errors"]) == [
        ("/data/class_name", "请填写班级"), ("/data/school", "请填写学校")]
    only_class = cert_api.start("certification_application", as_="liuyang",
                                **steps.application("liuyang", class_name=None,
                                                    documents=proof))
    assert [e["pointer"] for e in only_class.get_json()["errors"]] == ["/data/class_name"]
