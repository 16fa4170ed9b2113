"""成绩公布 over HTTP: before publication the candidate reads neither scores nor examiner notes
nor review comments — in the case, its history or 我的申请 — while staff read them whole; the
publication step tells the candidate 合格/不合格, the failed part and the re-check window's end,
and from then on the case and 我的申请 show the result."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.api_client import ApiClient
from tests.e2e import certification_steps as steps
from workflows.core.clock import FrozenClock

HIDDEN = ("theory_score", "practical_score", "score_note", "阅卷备注：实操第3题扣分",
          "score_review_comment", "复核意见：分数核对无误", "\"passed\"", "合格")


@pytest.fixture()
def cert_api(api: ApiClient, frozen_clock: FrozenClock) -> ApiClient:
    steps.deploy_certification(api)
    return api


def _to_review(api: ApiClient, theory: float, practical: float) -> int:
    case = steps.apply(api, "liuyang")["id"]
    steps.approve_eligibility(api, case)
    steps.schedule(api, case)
    steps.attend(api, case)
    steps.do(api, case, "score_exam", "zheng", theory_score=theory, practical_score=practical,
             score_note="阅卷备注：实操第3题扣分")
    return case


def _what_the_candidate_reads(api: ApiClient, case: int) -> str:
    mine = api.get(f"/api/v1/instances/{case}", as_="liuyang")
    assert mine.status_code == 200
    history = api.events(case, as_="liuyang")
    cases = api.get("/api/v1/my-cases", as_="liuyang").get_json()
    return json.dumps([mine.get_json(), history, cases], ensure_ascii=False)


def _result_notices(api: ApiClient, case: int) -> list[dict[str, Any]]:
    items = api.get("/api/v1/notifications", as_="liuyang",
                    query_string={"instance_id": case}).get_json()["items"]
    return [n for n in items if n["subject"].startswith("成绩公布")]


def test_the_candidate_sees_no_scores_before_publication_and_the_result_after(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    case = _to_review(cert_api, 78, 82)
    staff = cert_api.get(f"/api/v1/instances/{case}", as_="he").get_json()
    assert staff["data"]["theory_score"] == 78 and staff["data"]["score_note"]
    seen = _what_the_candidate_reads(cert_api, case)
    assert not [word for word in HIDDEN if word in seen], seen
    assert "刘洋" in seen  # their own application stays readable
    assert _result_notices(cert_api, case) == []
    steps.review(cert_api, case, comment="复核意见：分数核对无误")

    mine = cert_api.get(f"/api/v1/instances/{case}", as_="liuyang").get_json()["data"]
    assert (mine["theory_score"], mine["practical_score"], mine["result"]) == (78, 82, "合格")
    assert "score_note" not in mine and "score_review_comment" not in mine  # never theirs
    history = json.dumps(cert_api.events(case, as_="liuyang"), ensure_ascii=False)
    assert "阅卷备注" not in history and "复核意见" not in history
    assert '"theory_score": 78' in history
    [notice] = _result_notices(cert_api, case)
    assert "合格" in notice["subject"] and "成绩复查" in notice["body"]
    [shown] = [c for c in cert_api.get("/api/v1/my-cases", as_="liuyang").get_json()
               if c["id"] == case]
    assert shown["result"]["words"] == "合格" and shown["result"]["failed_parts"] == []
    assert shown["result"]["scores"] == {"理论考试": 78.0, "实操考核": 82.0}
    timers = cert_api.get("/api/v1/timers", as_="admin",
                          query_string={"instance_id": case}).get_json()
    [window] = [t for t in timers if t["element_id"] == "appeal_window_closed"
                and t["status"] == "pending"]
    assert shown["result"]["recheck_until"] == window["due_at"]


def test_a_failed_candidate_is_told_which_part_and_until_when_to_ask_for_a_recheck(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    case = _to_review(cert_api, 55, 82)
    steps.review(cert_api, case)
    [notice] = _result_notices(cert_api, case)
    assert "不合格" in notice["subject"]
    assert "理论考试" in notice["body"] and "实操考核" not in notice["body"]
    [shown] = [c for c in cert_api.get("/api/v1/my-cases", as_="liuyang").get_json()
               if c["id"] == case]
    assert shown["result"]["words"] == "不合格"
    assert shown["result"]["failed_parts"] == ["理论考试"] and shown["can_appeal"] is True
    day = shown["result"]["recheck_until"][:10]
    assert day in notice["body"]
    steps.close_appeal_window(cert_api, frozen_clock)
    [ended] = [c for c in cert_api.get("/api/v1/my-cases", as_="liuyang").get_json()
               if c["id"] == case]
    assert ended["outcome"]["code"] == "failed" and ended["outcome"]["failed_parts"] == ["理论考试"]
    assert ended["result"]["recheck_until"] is None
