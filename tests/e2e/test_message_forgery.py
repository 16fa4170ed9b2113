"""Messages only the re-check process delivers cannot be sent over the API by anyone.

A failed candidate's case waits for ``cert_appeal_filed`` and then ``cert_appeal_decided``
(``docs/certification.md``). Over ``POST /messages`` the candidate, who may see their own case,
could otherwise file a re-check without the appeal process and then "decide" it with the scores
they like, skipping the quality supervisors and the separation of duties.
"""

from __future__ import annotations

import pytest

from tests.api_client import ApiClient
from tests.e2e import certification_steps as steps
from workflows.core.clock import FrozenClock


@pytest.fixture()
def cert_api(api: ApiClient, frozen_clock: FrozenClock) -> ApiClient:
    steps.deploy_certification(api)
    return api


def test_a_candidate_cannot_file_or_decide_their_own_recheck_by_message(
        cert_api: ApiClient) -> None:
    api = cert_api
    case = steps.apply(api, "liuyang")
    steps.through_scoring(api, case["id"], theory=55, practical=80)  # failed, window open
    before = api.instance(case["id"])
    forged = {"cert_appeal_filed": {"appeal_instance_id": 1, "reason": "自己受理"},
              "cert_appeal_decided": {"outcome": "corrected", "theory_score": 100,
                                      "practical_score": 100, "finding": "自己更正"}}
    for name, payload in forged.items():
        for user in ("liuyang", "feng", "admin"):  # the candidate, the scorer, an admin
            response = api.post("/api/v1/messages", as_=user, json={
                "name": name, "business_key": case["business_key"], "payload": payload})
            assert response.status_code == 403, (name, user, response.get_json())
            assert response.mimetype == "application/problem+json"
            assert "只能由成绩复查流程发送" in response.get_json()["detail"]
    after = api.instance(case["id"])
    assert after["data"] == before["data"] and after["status"] == before["status"]
    assert "recheck" not in after["data"] and after["data"]["theory_score"] == 55
    assert not [e for e in api.events(case["id"]) if e["kind"] == "message_received"]


def test_the_recheck_process_still_delivers_them(cert_api: ApiClient) -> None:
    api = cert_api
    case = steps.apply(api, "liuyang")
    steps.through_scoring(api, case["id"], theory=55, practical=80)
    appeal = api.start("certification_appeal", as_="liuyang",
                       certification_key=case["business_key"], appeal_reason="申请复查")
    assert appeal.status_code == 201, appeal.get_json()
    assert appeal.get_json()["data"]["appeal_case"]["accepted"] is True
    steps.do(api, appeal.get_json()["id"], "recheck_scores", "han", recheck_outcome="upheld",
             recheck_finding="评分无误")
    final = api.instance(case["id"])
    assert final["data"]["recheck"]["outcome"] == "upheld"
