"""我的申请 over HTTP: every case in words — where it is, who holds it, how and why it ended —
and a 补正 task that shows the reviewer's reason and deadline and starts from the application."""

from __future__ import annotations

import pytest

from tests.api_client import ApiClient
from tests.e2e import certification_steps as steps
from workflows.core.clock import FrozenClock


@pytest.fixture()
def cert_api(api: ApiClient, frozen_clock: FrozenClock) -> ApiClient:
    steps.deploy_certification(api)
    return api


def my_cases(api: ApiClient, user: str) -> dict[int, dict]:
    response = api.get("/api/v1/my-cases", as_=user)
    assert response.status_code == 200, response.get_json()
    return {case["id"]: case for case in response.get_json()}


def test_my_cases_say_where_each_case_is_and_how_it_ended(cert_api: ApiClient,
                                                          frozen_clock: FrozenClock) -> None:
    api = cert_api
    ineligible = steps.apply(api, "liuyang", years_experience=0.5, applicant_type="employee",
                             employer="市机械厂", school=None, class_name=None)
    failed = steps.apply(api, "chenjing")  # one running application per occupation and level
    steps.through_scoring(api, failed["id"], theory=52, practical=81)
    judged = my_cases(api, "chenjing")[failed["id"]]
    assert judged["can_appeal"] is True and judged["current"] == []  # in its re-check window
    assert judged["outcome"] is None
    certified = steps.certify(api, frozen_clock, "liuyang")  # the failed one's window closes
    waiting = steps.apply(api, "liuyang")
    api._tokens.clear()  # the clock moved on by weeks
    failed_now = my_cases(api, "chenjing")[failed["id"]]

    cases = my_cases(api, "liuyang")
    assert cases[ineligible["id"]]["outcome"] == {
        "code": "ineligible", "words": "不符合申报条件", "failed_parts": [],
        "reason": "五级：须累计从事本职业或相关职业工作1年（含）以上", "certificate_no": None}
    done = cases[certified["id"]]["outcome"]
    assert done["words"] == "已通过，证书已发放"
    assert done["certificate_no"] == certified["data"]["certificate_no"]
    [step] = cases[waiting["id"]]["current"]
    assert (step["title"], step["holder"], step["mine"]) == ("资格审核", "资格审核员（待认领）",
                                                             False)
    assert cases[waiting["id"]]["can_withdraw"] and cases[waiting["id"]]["can_remind"]
    assert cases[waiting["id"]]["status_words"] == "办理中"
    notices = cases[certified["id"]]["notices"]
    assert any("实训楼301" in n["body"] for n in notices)  # the exam's time and place

    ended = failed_now
    assert ended["outcome"]["words"] == "成绩不合格"
    assert ended["outcome"]["failed_parts"] == ["理论考试"]
    assert failed["id"] not in cases and my_cases(api, "wanglei") == {}  # only one's own
    assert api.get("/api/v1/my-cases", as_="liuyang",
                   query_string={"status": "nonsense"}).status_code == 422


def test_a_correction_task_shows_the_reason_and_deadline_and_starts_from_the_application(
        cert_api: ApiClient) -> None:
    api = cert_api
    case = steps.apply(api, "liuyang")
    steps.do(api, case["id"], "review_eligibility", "sun", eligibility_decision="return",
             eligibility_comment="请补充学籍证明", correction_days=5)
    task = steps.task(api, case["id"], "correct_application")
    response = api.get(f"/api/v1/tasks/{task['id']}/guidance", as_="liuyang")
    assert response.status_code == 200, response.get_json()
    guidance = response.get_json()
    assert (guidance["reason_label"], guidance["reason"]) == ("审核意见", "请补充学籍证明")
    assert guidance["deadline"].startswith("2026-11-09T16:00")  # five working days, 24:00 +8
    assert guidance["prefill"]["applicant_name"] == "刘洋"
    assert guidance["prefill"]["documents"] == case["data"]["documents"]  # the uploads cited
    assert "correction_days" not in guidance["prefill"]
    assert api.get(f"/api/v1/tasks/{task['id']}/guidance", as_="chenjing").status_code == 404
