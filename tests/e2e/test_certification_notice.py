"""公示 over HTTP: the public list of a plan's results under notice (masked names, no sign-in)
and objections by anyone, which reach the 质量监督小组 as a task without the candidate ever
learning who objected; after the notice's end an objection is refused with the reason."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.api_client import ApiClient
from tests.background_support import advance, fire_due
from tests.e2e import certification_steps as steps
from workflows.core.clock import FrozenClock

PLAN = steps.PLAN_CODE
NOTICE = f"/api/v1/plans/{PLAN}/notice"


@pytest.fixture()
def cert_api(api: ApiClient, frozen_clock: FrozenClock) -> ApiClient:
    steps.deploy_certification(api)
    return api


def to_notice(api: ApiClient, clock: FrozenClock, user: str = "liuyang", **overrides: Any
              ) -> tuple[int, str]:
    """A passed, approved case waiting in its five-working-day notice: (id, business key)."""
    case = steps.apply(api, user, **overrides)
    steps.through_scoring(api, case["id"])
    steps.close_appeal_window(api, clock)
    steps.do(api, case["id"], "approve_results", "xu", results_approved=True)
    return case["id"], case["business_key"]


def anonymous_objection(api: ApiClient, key: str, **extra: Any) -> Any:
    body = {"business_key": key, "reason": "该考生实操考试由他人代考，有现场照片为证",
            "name": "张三", "contact": "13800001234", **extra}
    return api.client.post("/api/v1/objections", json=body)


def signed_in_objection(api: ApiClient, key: str, user: str) -> Any:
    return api.post("/api/v1/objections", as_=user, json={
        "business_key": key, "reason": "同场考生反映：理论考试时疑似携带资料"})


def test_the_notice_is_public_with_masked_names_and_its_end(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    case, key = to_notice(cert_api, frozen_clock)
    response = cert_api.client.get(NOTICE)  # no sign-in
    assert response.status_code == 200
    body = response.get_json()
    assert body["plan"]["code"] == PLAN
    [entry] = body["items"]
    assert entry == {
        "business_key": key, "masked_name": "刘*", "occupation": "电工", "level": 5,
        "level_name": "五级/初级工", "result": "合格", "under_review": False,
        "notice_ends_at": entry["notice_ends_at"]}
    timers = cert_api.get("/api/v1/timers", as_="admin",
                          query_string={"instance_id": case}).get_json()
    [notice_timer] = [t for t in timers if t["element_id"] == "notice_ended"
                      and t["status"] == "pending"]
    assert entry["notice_ends_at"] == notice_timer["due_at"]
    text = json.dumps(body["items"], ensure_ascii=False)
    assert "刘洋" not in text and steps.id_number() not in text and "score" not in text
    assert cert_api.client.get("/api/v1/plans/RZ-NONE/notice").status_code == 404


def test_another_candidates_objection_reaches_the_supervisors_without_naming_them(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    case, key = to_notice(cert_api, frozen_clock)
    response = signed_in_objection(cert_api, key, "chenjing")
    assert response.status_code == 201, response.get_json()
    receipt = response.get_json()
    assert receipt["routing"] == "new_task" and "质量监督小组" in receipt["message"]
    handling = [t for t in cert_api.inbox(as_="han")["items"] if t["instance_id"] == case]
    assert [t["task_name"] for t in handling] == ["handle_objection"]
    assert handling[0]["candidate_group"] == "quality_supervisor"
    # What the candidate reads of their case names neither the objector nor their account.
    mine = cert_api.get(f"/api/v1/instances/{case}", as_="liuyang").get_json()
    assert mine["data"]["objection"]["reason"].startswith("同场考生反映")
    assert mine["data"]["objection"]["objection_no"] == receipt["objection_no"]
    history = cert_api.events(case, as_="liuyang")
    seen = json.dumps([mine, history], ensure_ascii=False)
    assert "陈静" not in seen and "chenjing" not in seen
    received = [e for e in history if e["kind"] == "message_received"]
    assert received and all(e.get("actor_id") is None for e in received)
    # The supervisors see who objected; the candidate may not ask.
    listed = cert_api.get("/api/v1/objections", as_="han",
                          query_string={"business_key": key}).get_json()
    assert [(o["objector"], o["signed_in"]) for o in listed] == [("陈静（chenjing）", True)]
    assert cert_api.get("/api/v1/objections", as_="liuyang").status_code == 403
    assert cert_api.get("/api/v1/objections", as_="chenjing").status_code == 403


def test_a_supervisors_objection_and_public_ones_while_it_is_handled_reach_the_task(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    case, key = to_notice(cert_api, frozen_clock)
    assert signed_in_objection(cert_api, key, "qin").status_code == 201
    joined = anonymous_objection(cert_api, key)
    assert joined.status_code == 201, joined.get_json()
    assert joined.get_json()["routing"] == "joined"
    assert steps.open_names(cert_api, case) == ["handle_objection"]
    entry = cert_api.client.get(NOTICE).get_json()["items"][0]
    assert entry["under_review"] is True and entry["notice_ends_at"] is None
    listed = cert_api.get("/api/v1/objections", as_="han",
                          query_string={"business_key": key}).get_json()
    assert [(o["objector"], o["objector_contact"], o["routing"]) for o in listed] == [
        ("张三", "13800001234", "joined"), ("秦老师（qin）", None, "new_task")]
    final = steps.do(cert_api, case, "handle_objection", "han", objection_upheld=True,
                     objection_finding="经调取监控，确认代考属实")
    assert (final["status"], final["data"]["outcome"]) == ("completed", "withheld")
    unmatched = cert_api.get("/api/v1/messages/unmatched", as_="admin").get_json()
    assert [m for m in unmatched if m["business_key"] == key] == []


def test_a_public_objection_needs_name_and_contact_and_is_rate_limited(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    _, key = to_notice(cert_api, frozen_clock)
    no_contact = cert_api.client.post("/api/v1/objections", json={
        "business_key": key, "reason": "该考生实操考试由他人代考"})
    assert no_contact.status_code == 422
    assert "姓名和联系方式" in no_contact.get_json()["detail"]
    # The refused attempt above counted: four more fill the limit of five an hour.
    statuses = [anonymous_objection(cert_api, key).status_code for _ in range(4)]
    assert statuses == [201] * 4
    refused = anonymous_objection(cert_api, key)
    assert refused.status_code == 429 and refused.headers.get("Retry-After")
    # Signed in, the objector is accountable: not limited by the public page's limit.
    assert signed_in_objection(cert_api, key, "chenjing").status_code == 201


def test_an_objection_after_the_notice_is_refused_with_the_reason(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    case, key = to_notice(cert_api, frozen_clock)
    advance(cert_api, frozen_clock, days=8)  # past the end; the sweep has not run yet
    late = signed_in_objection(cert_api, key, "chenjing")
    assert late.status_code == 409
    assert late.get_json()["title"] == "异议不予受理"
    assert "公示期已于" in late.get_json()["detail"] and "结束" in late.get_json()["detail"]
    assert cert_api.client.get(NOTICE).get_json()["items"] == []
    assert fire_due(cert_api)["fired"] >= 1
    assert cert_api.instance(case)["data"]["outcome"] == "certified"
    after = anonymous_objection(cert_api, key)
    assert after.status_code == 409 and "公示期已于" in after.get_json()["detail"]
    unknown = anonymous_objection(cert_api, "RZ-NOPE")
    assert unknown.status_code == 404 and "不在公示名单中" in unknown.get_json()["detail"]


def test_an_objection_before_the_notice_is_refused(cert_api: ApiClient) -> None:
    case = steps.apply(cert_api, "liuyang")
    response = signed_in_objection(cert_api, case["business_key"], "chenjing")
    assert response.status_code == 409
    assert "不在公示期内" in response.get_json()["detail"]


def test_an_objection_sent_as_a_message_keeps_the_sender_from_the_candidate(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    case, key = to_notice(cert_api, frozen_clock)
    sent = cert_api.post("/api/v1/messages", as_="lin", json={
        "name": "cert_objection", "business_key": key,
        "payload": {"reason": "举报：该考生工作年限证明存疑", "objector": "林组员（实名）"}})
    assert sent.status_code == 200, sent.get_json()
    assert sent.get_json()["instance_ids"] == [case]
    assert steps.open_names(cert_api, case) == ["handle_objection"]
    mine = cert_api.get(f"/api/v1/instances/{case}", as_="liuyang").get_json()
    history = cert_api.events(case, as_="liuyang")
    seen = json.dumps([mine, history], ensure_ascii=False)
    assert "林" not in seen and "实名" not in seen and '"lin"' not in seen
    received = [e for e in history if e["kind"] == "message_received"]
    assert received and all(e.get("actor_id") is None for e in received)
    listed = cert_api.get("/api/v1/objections", as_="han",
                          query_string={"business_key": key}).get_json()
    assert [o["objector"] for o in listed] == ["林组员（lin）"]
    no_reason = cert_api.post("/api/v1/messages", as_="lin", json={
        "name": "cert_objection", "business_key": key, "payload": {}})
    assert no_reason.status_code == 422 and "理由" in no_reason.get_json()["detail"]


def test_the_objection_goes_to_the_centres_supervisors_and_never_to_the_scorer(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    case = steps.apply(cert_api, "liuyang")
    steps.through_scoring(cert_api, case["id"], scorer="qin")  # 秦 scores, and supervises
    steps.close_appeal_window(cert_api, frozen_clock)
    steps.do(cert_api, case["id"], "approve_results", "xu", results_approved=True)
    assert signed_in_objection(cert_api, case["business_key"], "chenjing").status_code == 201
    [task] = [t for t in cert_api.inbox(as_="han")["items"] if t["instance_id"] == case["id"]]
    assert task["task_name"] == "handle_objection"
    # Addressed to the position at the candidate's centre, not offered to a bare group.
    [ready] = [e for e in cert_api.events(case["id"], as_="admin")
               if e["kind"] == "task_ready" and e["task_name"] == "handle_objection"]
    assert ready["payload"]["group"] == "quality_supervisor"
    assert ready["payload"].get("unit_id") is not None
    # Not in the inbox of staff without the position, whatever their other roles.
    assert all(t["instance_id"] != case["id"] for t in cert_api.inbox(as_="he")["items"])
    refused = cert_api.post(f"/api/v1/tasks/{task['id']}/claim", as_="qin")
    assert refused.status_code == 403
    assert "「评分（理论阅卷、实操评分）」" in refused.get_json()["detail"]
    assert cert_api.post(f"/api/v1/tasks/{task['id']}/claim", as_="han").status_code == 200
