"""POST /messages: correlation by business key and name; unmatched messages are kept."""

from __future__ import annotations

from tests.api_client import ApiClient, business_key
from tests.background_support import deploy_fixture, send_message


def start_notice(api: ApiClient, key: str) -> dict:
    response = api.start("public_notice", as_="admin", key=key)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_message_reaches_only_the_instance_of_its_business_key(api: ApiClient) -> None:
    deploy_fixture(api, "public_notice.bpmn")
    first, second = business_key("GS"), business_key("GS")
    one, other = start_notice(api, first), start_notice(api, second)
    response = send_message(api, "objection", second, reason="分数录入错误")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"message_name": "objection", "business_key": second,
                                   "instance_ids": [other["id"]]}
    assert api.instance(one["id"])["open_tasks"] == []
    assert api.instance(other["id"])["open_tasks"][0]["task_name"] == "handle_objection"


def test_every_waiting_instance_of_the_key_receives_it_once(api: ApiClient) -> None:
    deploy_fixture(api, "public_notice.bpmn")
    key = business_key("GS")
    a, b = start_notice(api, key), start_notice(api, key)
    delivered = send_message(api, "objection", key, reason="同一批次")
    assert delivered.get_json()["instance_ids"] == [a["id"], b["id"]]
    # Both have moved on: the same message again finds nobody waiting.
    again = send_message(api, "objection", key, reason="同一批次")
    assert again.status_code == 404


def test_an_unmatched_message_is_404_and_recorded_not_lost(api: ApiClient) -> None:
    deploy_fixture(api, "public_notice.bpmn")
    key = business_key("GS")
    start_notice(api, key)
    wrong_name = send_message(api, "appeal", key, reason="申诉")
    assert wrong_name.status_code == 404
    body = wrong_name.get_json()
    assert body["title"] == "No instance waits for this message"
    unknown_key = send_message(api, "objection", "NO-SUCH-KEY", reason="x")
    assert unknown_key.status_code == 404
    # Someone who may not see the waiting instance cannot reach it either (no probing).
    stranger = send_message(api, "objection", key, as_="xiaohong", reason="我有异议")
    assert stranger.status_code == 404
    listed = api.get("/api/v1/messages/unmatched", as_="auditor").get_json()
    assert [(m["message_name"], m["business_key"]) for m in listed] == [
        ("objection", key), ("objection", "NO-SUCH-KEY"), ("appeal", key)]
    assert listed[0]["sent_by"] is not None
    assert api.get("/api/v1/messages/unmatched", as_="zhang").status_code == 403


def test_auditors_send_nothing_and_bad_bodies_are_422(api: ApiClient) -> None:
    assert send_message(api, "objection", "K", as_="auditor").status_code == 403
    missing = api.post("/api/v1/messages", as_="admin", json={"name": "objection"})
    assert missing.status_code == 422
    assert any(e["pointer"] == "/business_key" for e in missing.get_json()["errors"])
    nul = send_message(api, "objection", "GS-\x00", reason="x")  # PostgreSQL cannot hold NUL
    assert nul.status_code == 422
