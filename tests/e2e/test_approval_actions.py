"""转交, 退回, 加签, 撤回, 催办, 抄送 and comments over HTTP, each replayed by the auditor."""

from __future__ import annotations

from typing import Any

from tests.api_client import ApiClient
from workflows.core.clock import FrozenClock


def leave(api: ApiClient, days: float, *, as_: str = "xiaoming") -> dict[str, Any]:
    response = api.start_leave(as_=as_, days=days, leave_type="personal",
                         reason="家中有事需要处理")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def claimed(api: ApiClient, instance_id: int, user: str) -> dict[str, Any]:
    task = api.open_task(instance_id)
    assert api.claim(task["id"], as_=user).status_code == 200
    return task


def replayed(api: ApiClient, instance_id: int) -> dict[str, Any]:
    response = api.get(f"/api/v1/instances/{instance_id}/replay", as_="auditor")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["integrity"]["matches"] is True, body["integrity"]
    return body


def kinds(api: ApiClient, instance_id: int) -> list[str]:
    return [event["kind"] for event in api.events(instance_id)]


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"]), body  # Chinese detail
    return body


def test_transfer_hands_a_claimed_task_to_a_colleague_who_may_do_it(
        leave_api: ApiClient) -> None:
    instance = leave(leave_api, 1)
    task = claimed(leave_api, instance["id"], "zhang")
    offered = leave_api.get(f"/api/v1/tasks/{task['id']}/actions", as_="zhang").get_json()
    assert "transfer" in offered["actions"] and "send_back" not in offered["actions"]
    assert [p["username"] for p in offered["transfer_to"]] == ["chen", "wang"]

    url = f"/api/v1/tasks/{task['id']}/transfer"
    problem(leave_api.post(url, as_="wang", json={"to": "wang"}), 403)  # not the holder
    problem(leave_api.post(url, as_="zhang", json={"to": "li"}), 422)  # not a class teacher
    problem(leave_api.post(url, as_="zhang", json={"to": "nobody"}), 422)
    moved = leave_api.post(url, as_="zhang", json={"to": "wang", "reason": "我出差"})
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["status"] == "claimed"

    taken = leave_api.complete(task["id"], as_="zhang", teacher_approved=True,
                               teacher_comment="同意")
    assert taken.status_code == 403
    done = leave_api.complete(task["id"], as_="wang", teacher_approved=True,
                              teacher_comment="同意")
    assert done.status_code == 200, done.get_json()
    notes = leave_api.get("/api/v1/notifications", as_="wang").get_json()["items"]
    assert any("转交" in n["subject"] for n in notes)
    assert "task_transferred" in kinds(leave_api, instance["id"])
    replayed(leave_api, instance["id"])


def test_send_back_returns_the_case_to_an_earlier_step_with_the_reason(
        leave_api: ApiClient) -> None:
    instance = leave(leave_api, 2.5)
    first = claimed(leave_api, instance["id"], "zhang")
    problem(leave_api.post(f"/api/v1/tasks/{first['id']}/send-back", as_="zhang",
                           json={"to_step": "approve_class_teacher", "reason": "x"}), 403)
    leave_api.complete(first["id"], as_="zhang", teacher_approved=True, teacher_comment="同意")
    office = claimed(leave_api, instance["id"], "li")
    url = f"/api/v1/tasks/{office['id']}/send-back"
    problem(leave_api.post(url, as_="li", json={"to_step": "approve_class_teacher",
                                                "reason": "  "}), 422)
    problem(leave_api.post(url, as_="li", json={"to_step": "confirm_return",
                                                "reason": "补充"}), 422)
    back = leave_api.post(url, as_="li", json={"to_step": "approve_class_teacher",
                                               "reason": "请核实请假天数"})
    assert back.status_code == 200, back.get_json()
    body = back.get_json()
    [again] = body["open_tasks"]
    assert again["task_name"] == "approve_class_teacher" and again["id"] != first["id"]
    assert body["data"]["sent_back"]["reason"] == "请核实请假天数"
    gone = leave_api.complete(office["id"], as_="li", office_approved=True,
                              office_comment="同意")
    assert gone.status_code == 409  # the office task was cancelled by the reset

    middle = replayed(leave_api, instance["id"])
    assert [t["task_name"] for t in middle["open_tasks"]] == ["approve_class_teacher"]
    leave_api.claim_and_complete(again["id"], as_="zhang", teacher_approved=True,
                                 teacher_comment="已核实")
    office_again = claimed(leave_api, instance["id"], "li")
    leave_api.complete(office_again["id"], as_="li", office_approved=True,
                       office_comment="同意")
    assert leave_api.instance(instance["id"])["open_tasks"][0]["task_name"] == "confirm_return"
    assert kinds(leave_api, instance["id"]).count("task_sent_back") == 1
    replayed(leave_api, instance["id"])


def test_consulting_asks_a_colleague_whose_answer_the_decider_sees(
        leave_api: ApiClient) -> None:
    instance = leave(leave_api, 1)
    task = claimed(leave_api, instance["id"], "zhang")
    url = f"/api/v1/tasks/{task['id']}/opinions"
    problem(leave_api.post(url, as_="zhang", json={"to": "xiaohong", "question": "?"}), 422)
    problem(leave_api.post(url, as_="zhang", json={"to": "li", "question": ""}), 422)
    assert leave_api.get(f"/api/v1/instances/{instance['id']}", as_="li").status_code == 404
    asked = leave_api.post(url, as_="zhang", json={"to": "li", "question": "可以批吗？"})
    assert asked.status_code == 201, asked.get_json()
    seq = asked.get_json()["request_seq"]

    [pending] = leave_api.get("/api/v1/opinions", as_="li").get_json()
    assert pending["question"] == "可以批吗？" and pending["asked_by"] == "张老师"
    assert leave_api.get(f"/api/v1/instances/{instance['id']}", as_="li").status_code == 200
    answer_url = f"/api/v1/instances/{instance['id']}/opinions/{seq}/answer"
    problem(leave_api.post(answer_url, as_="wang", json={"answer": "同意"}), 404)
    answered = leave_api.post(answer_url, as_="li", json={"answer": "同意，情况属实"})
    assert answered.status_code == 200, answered.get_json()
    problem(leave_api.post(answer_url, as_="li", json={"answer": "再说一次"}), 409)
    assert leave_api.get("/api/v1/opinions", as_="li").get_json() == []

    [seen] = leave_api.get(url, as_="zhang").get_json()
    assert seen["answer"] == "同意，情况属实" and seen["to"] == "李主任"
    leave_api.complete(task["id"], as_="zhang", teacher_approved=True, teacher_comment="同意")
    assert {"opinion_requested", "opinion_given"} <= set(kinds(leave_api, instance["id"]))
    replayed(leave_api, instance["id"])


def test_the_applicant_withdraws_only_while_nobody_has_acted(leave_api: ApiClient) -> None:
    instance = leave(leave_api, 1)
    url = f"/api/v1/instances/{instance['id']}/withdraw"
    problem(leave_api.post(url, as_="xiaohong", json={}), 404)
    problem(leave_api.post(url, as_="zhang", json={}), 403)
    withdrawn = leave_api.post(url, as_="xiaoming", json={"reason": "不需要请假了"})
    assert withdrawn.status_code == 200, withdrawn.get_json()
    assert withdrawn.get_json()["status"] == "withdrawn"
    assert withdrawn.get_json()["open_tasks"] == []
    assert leave_api.inbox(as_="zhang", business_key=instance["business_key"])["total"] == 0
    problem(leave_api.post(url, as_="xiaoming", json={}), 409)
    assert replayed(leave_api, instance["id"])["status"] == "withdrawn"

    acted = leave(leave_api, 1)
    claimed(leave_api, acted["id"], "zhang")
    problem(leave_api.post(f"/api/v1/instances/{acted['id']}/withdraw", as_="xiaoming",
                           json={}), 409)


def test_the_applicant_reminds_once_per_working_day(leave_api: ApiClient,
                                                     frozen_clock: FrozenClock) -> None:
    instance = leave(leave_api, 1)
    url = f"/api/v1/instances/{instance['id']}/remind"
    problem(leave_api.post(url, as_="zhang"), 403)
    reminded = leave_api.post(url, as_="xiaoming")
    assert reminded.status_code == 200, reminded.get_json()
    assert reminded.get_json() == {"reminded": ["班主任审批"]}
    notes = leave_api.get("/api/v1/notifications", as_="zhang",
                          query_string={"kind": "reminder"}).get_json()["items"]
    assert any("催办" in n["subject"] for n in notes)
    frozen_clock.advance(hours=4)  # 21:00 in Beijing, the same day
    leave_api._tokens.clear()  # tokens live shorter than a day: sign in again
    problem(leave_api.post(url, as_="xiaoming"), 409)
    frozen_clock.advance(days=1)  # Tuesday: a new working day
    leave_api._tokens.clear()
    assert leave_api.post(url, as_="xiaoming").status_code == 200
    assert kinds(leave_api, instance["id"]).count("instance_reminded") == 2
    replayed(leave_api, instance["id"])


def test_copy_gives_read_access_and_a_notification(leave_api: ApiClient) -> None:
    instance = leave(leave_api, 1)
    url = f"/api/v1/instances/{instance['id']}/copies"
    problem(leave_api.post(url, as_="zhang", json={"to": ["li"]}), 403)  # holds no step
    claimed(leave_api, instance["id"], "zhang")
    problem(leave_api.post(url, as_="zhang", json={"to": ["ghost"]}), 422)
    copied = leave_api.post(url, as_="zhang", json={"to": ["li", "zhao"], "note": "请知悉"})
    assert copied.status_code == 200, copied.get_json()
    assert copied.get_json() == {"copied_to": ["李主任", "赵校长"]}
    assert leave_api.get(f"/api/v1/instances/{instance['id']}", as_="zhao").status_code == 200
    mine = leave_api.get("/api/v1/instances", as_="zhao").get_json()["items"]
    assert instance["id"] in [i["id"] for i in mine]
    notes = leave_api.get("/api/v1/notifications", as_="li",
                          query_string={"kind": "copy"}).get_json()["items"]
    assert notes and notes[0]["instance_id"] == instance["id"]
    assert "instance_copied" in kinds(leave_api, instance["id"])
    replayed(leave_api, instance["id"])


def test_comments_are_visible_to_the_participants_only(leave_api: ApiClient) -> None:
    instance = leave(leave_api, 1)
    url = f"/api/v1/instances/{instance['id']}/comments"
    assert leave_api.post(url, as_="xiaoming", json={"text": "周一要去医院"}).status_code == 201
    claimed(leave_api, instance["id"], "zhang")
    assert leave_api.post(url, as_="zhang", json={"text": "请附诊断书"}).status_code == 201
    problem(leave_api.post(url, as_="xiaohong", json={"text": "我也看看"}), 404)
    problem(leave_api.post(url, as_="xiaoming", json={"text": " "}), 422)
    assert leave_api.post(url, as_="auditor", json={"text": "审计"}).status_code == 403
    problem(leave_api.get(url, as_="xiaohong"), 404)
    listed = leave_api.get(url, as_="xiaoming").get_json()
    assert [(c["author"], c["text"]) for c in listed] == [
        ("小明", "周一要去医院"), ("张老师", "请附诊断书")]
    assert leave_api.get(url, as_="auditor").status_code == 200
    replayed(leave_api, instance["id"])
