"""Score re-check / appeal (成绩复查/申诉) and how its outcome flows back into the case."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.api_client import ApiClient
from tests.background_support import advance, fire_due, kinds
from tests.e2e import certification_steps as steps
from workflows.core.clock import FrozenClock


@pytest.fixture()
def cert_api(api: ApiClient, frozen_clock: FrozenClock) -> ApiClient:
    steps.deploy_certification(api)
    return api


def judged_case(api: ApiClient, theory: float = 55, practical: float = 80,
                user: str = "liuyang") -> tuple[int, str]:
    case = steps.apply(api, user)
    steps.through_scoring(api, case["id"], theory=theory, practical=practical)
    return case["id"], case["business_key"]


def file_appeal(api: ApiClient, key: str, user: str = "liuyang") -> dict[str, Any]:
    response = api.start("certification_appeal", as_=user, certification_key=key,
                         appeal_reason="理论成绩与本人估分相差较大，申请复查")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_an_upheld_recheck_keeps_the_result(cert_api: ApiClient,
                                            frozen_clock: FrozenClock) -> None:
    api = cert_api
    case, key = judged_case(api)
    advance(api, frozen_clock, days=10)  # within the 15-day window
    appeal = file_appeal(api, key)
    assert appeal["data"]["appeal_case"]["accepted"] is True
    assert appeal["data"]["appeal_case"]["theory_score"] == 55
    waiting = api.instance(case)
    assert waiting["data"]["appeal"]["appeal_instance_id"] == appeal["id"]
    done = steps.do(api, appeal["id"], "recheck_scores", "han", recheck_outcome="upheld",
                    recheck_finding="逐题复核，评分无误")
    assert (done["status"], done["data"]["outcome"]) == ("completed", "upheld")
    final = api.instance(case)
    assert (final["status"], final["data"]["outcome"]) == ("completed", "failed")
    assert final["data"]["recheck"]["outcome"] == "upheld"
    assert "original_scores" not in final["data"]
    advance(api, frozen_clock, days=10)
    assert fire_due(api)["fired"] == 0  # the window timer ended with the appeal


def test_a_corrected_recheck_flows_back_and_the_history_shows_both_results(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    api = cert_api
    case, key = judged_case(api, theory=55)
    appeal = file_appeal(api, key)
    task = steps.task(api, appeal["id"], "recheck_scores")
    assert api.claim(task["id"], as_="han").status_code == 200
    missing = api.complete(task["id"], as_="han", recheck_outcome="corrected",
                           recheck_finding="第12题漏判")
    assert missing.status_code == 422  # corrected scores are required
    api.complete(task["id"], as_="han", recheck_outcome="corrected", recheck_theory_score=67,
                 recheck_practical_score=80, recheck_finding="第12题漏判，理论成绩更正为67分")
    corrected = api.instance(case)
    assert corrected["data"]["original_scores"]["theory_score"] == 55
    assert corrected["data"]["theory_score"] == 67 and corrected["data"]["passed"] is True
    # One re-check per case: the result goes straight to the leading group.
    assert steps.open_names(api, case) == ["approve_results"]
    history = api.events(case)
    assert [e["payload"]["data"]["theory_score"] for e in history
            if e["kind"] == "task_completed" and e["task_name"] == "score_exam"] == [55]
    received = [e for e in history if e["kind"] == "message_received"]
    assert [e["payload"]["message"] for e in received] == ["cert_appeal_filed",
                                                          "cert_appeal_decided"]
    assert received[1]["payload"]["payload"]["theory_score"] == 67
    steps.do(api, case, "approve_results", "xu", results_approved=True)
    steps.end_notice(api, frozen_clock)
    assert api.instance(case)["data"]["outcome"] == "certified"


def test_a_correction_can_also_fail_a_passing_case(cert_api: ApiClient) -> None:
    api = cert_api
    case, key = judged_case(api, theory=61, practical=75)
    appeal = file_appeal(api, key)
    steps.do(api, appeal["id"], "recheck_scores", "han", recheck_outcome="corrected",
             recheck_theory_score=57, recheck_practical_score=75,
             recheck_finding="复核发现第5题误加分")
    final = api.instance(case)
    assert (final["status"], final["data"]["outcome"]) == ("completed", "failed")


def test_an_appeal_after_the_window_is_refused(cert_api: ApiClient,
                                              frozen_clock: FrozenClock) -> None:
    api = cert_api
    case, key = judged_case(api)
    steps.close_appeal_window(api, frozen_clock)
    appeal = file_appeal(api, key)
    assert (appeal["status"], appeal["data"]["outcome"]) == ("completed", "refused")
    # The refusal names the rule that applies, with the moment the window ended.
    assert re.fullmatch(r"成绩复查申请期限已于 \d{4}-\d{2}-\d{2} 24:00（北京时间）届满",
                        appeal["data"]["closed_reason"]), appeal["data"]["closed_reason"]
    assert api.instance(case)["data"]["outcome"] == "failed"


def test_an_appeal_before_results_and_a_second_appeal_are_refused(cert_api: ApiClient) -> None:
    api = cert_api
    early = steps.apply(api, "liuyang", occupation="数控车工")
    steps.approve_eligibility(api, early["id"])
    too_early = file_appeal(api, early["business_key"])["data"]
    assert too_early["outcome"] == "refused"
    assert too_early["closed_reason"] == "成绩尚未公布，公布后才能在复查期内申请成绩复查"
    _, key = judged_case(api)
    first = file_appeal(api, key)
    assert first["data"]["appeal_case"]["accepted"] is True
    second = file_appeal(api, key)["data"]
    assert second["outcome"] == "refused"
    assert second["closed_reason"] == "本次认定已申请过成绩复查，每次认定只能申请一次"


def test_only_the_candidate_may_appeal_their_case(cert_api: ApiClient) -> None:
    api = cert_api
    case, key = judged_case(api)
    other = file_appeal(api, key, user="chenjing")
    assert other["data"]["outcome"] == "refused"
    assert "未找到本人" in other["data"]["closed_reason"]
    assert "appeal" not in api.instance(case)["data"]


def test_the_appeal_history_is_complete(cert_api: ApiClient) -> None:
    api = cert_api
    _, key = judged_case(api)
    appeal = file_appeal(api, key)
    steps.do(api, appeal["id"], "recheck_scores", "han", recheck_outcome="upheld",
             recheck_finding="无误")
    history = kinds(api.events(appeal["id"]))
    assert history.count("service_task_completed") == 2
    assert history[-1] == "instance_completed"
