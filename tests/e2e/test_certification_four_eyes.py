"""Four eyes on every score, over HTTP: the 二级/一级 comprehensive-review score is checked by a
second person (returned on disagreement, never checked by whoever gave it in any round), and
when the centre's policy (``two_examiners`` in cert_policy.dmn) asks for two examiners, the
theory and the practical score of one candidate come from two different people."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api_client import ApiClient
from tests.e2e import certification_steps as steps
from workflows.core.clock import FrozenClock
from workflows.definitions.bundles import collect_bundle

LEVEL_TWO: dict[str, Any] = {"level": 2, "prior_certificate_level": 3,
                             "prior_certificate_no": "GD440120223000017",
                             "years_experience": 5}


@pytest.fixture()
def cert_api(api: ApiClient, frozen_clock: FrozenClock) -> ApiClient:
    steps.deploy_certification(api)
    return api


def refused(response: Any, rule: str) -> None:
    assert response.status_code == 403, response.get_json()
    body = response.get_json()
    assert body["errors"][0]["rule"] == rule and "按职责分离规定" in body["detail"]


def test_the_comprehensive_score_is_checked_by_a_second_person(cert_api: ApiClient) -> None:
    case = steps.apply(cert_api, "wanglei", **LEVEL_TWO)["id"]
    steps.through_scoring(cert_api, case, theory=88, practical=91)
    steps.do(cert_api, case, "comprehensive_review", "jiang", comprehensive_score=72)
    assert steps.open_names(cert_api, case) == ["review_comprehensive"]
    assert "passed" not in cert_api.instance(case)["data"]  # not judged before the check
    check = steps.task(cert_api, case, "review_comprehensive")
    refused(cert_api.claim(check["id"], as_="jiang"), "differs_from:comprehensive_review")
    assert cert_api.claim(check["id"], as_="he").status_code == 200
    no_reason = cert_api.complete(check["id"], as_="he", comprehensive_confirmed=False)
    assert no_reason.status_code == 422, no_reason.get_json()
    returned = steps.do(cert_api, case, "review_comprehensive", "he",
                        comprehensive_confirmed=False,
                        comprehensive_review_comment="答辩记录与评分表不一致")
    assert steps.open_names(cert_api, returned["id"]) == ["comprehensive_review"]
    steps.do(cert_api, case, "comprehensive_review", "zheng", comprehensive_score=70)
    again = steps.task(cert_api, case, "review_comprehensive")
    # Whoever gave the score in an earlier round is still kept from checking it.
    refused(cert_api.claim(again["id"], as_="jiang"), "differs_from:comprehensive_review")
    judged = steps.do(cert_api, case, "review_comprehensive", "he",
                      comprehensive_confirmed=True)
    assert (judged["data"]["comprehensive_score"], judged["data"]["passed"]) == (70, True)


def _deploy_two_examiner_policy(api: ApiClient) -> None:
    files = collect_bundle(steps.ROOT / "bpmn" / "certification_application.bpmn")
    text = files["cert_policy.dmn"].decode()
    switched = text.replace('<outputEntry id="rule_all_levels_two_examiners"><text>False',
                            '<outputEntry id="rule_all_levels_two_examiners"><text>True')
    assert switched != text
    files["cert_policy.dmn"] = switched.encode()
    response = api.deploy_files(files, as_="admin")
    assert response.status_code in (200, 201), response.get_json()


def test_with_two_examiners_one_person_never_gives_both_scores(cert_api: ApiClient) -> None:
    _deploy_two_examiner_policy(cert_api)
    case = steps.apply(cert_api, "liuyang")["id"]
    steps.approve_eligibility(cert_api, case)
    steps.schedule(cert_api, case)
    steps.attend(cert_api, case)
    assert steps.open_names(cert_api, case) == ["score_theory"]
    steps.do(cert_api, case, "score_theory", "jiang", theory_score=76)
    practical = steps.task(cert_api, case, "score_practical")
    refused(cert_api.claim(practical["id"], as_="jiang"), "differs_from:score_theory")
    steps.do(cert_api, case, "score_practical", "zheng", practical_score=84.5)
    review = steps.task(cert_api, case, "review_scores")
    refused(cert_api.claim(review["id"], as_="jiang"), "differs_from:score_theory")
    judged = steps.do(cert_api, case, "review_scores", "he", scores_confirmed=True)
    data = judged["data"]
    assert (data["theory_score"], data["practical_score"], data["result"]) == (76, 84.5, "合格")


def test_with_one_examiner_the_default_policy_keeps_one_scoring_step(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    case = steps.apply(cert_api, "liuyang")["id"]
    steps.approve_eligibility(cert_api, case)
    steps.schedule(cert_api, case)
    steps.attend(cert_api, case)
    assert steps.open_names(cert_api, case) == ["score_exam"]
    assert cert_api.instance(case)["data"]["two_examiners"] is False
