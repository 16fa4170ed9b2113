"""Leave approval under time pressure: a tier untouched for 2 working days reminds its approver,
after 3 it escalates to the next tier (the leader keeps it, flagged). Time moves; nothing sleeps.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.api_client import ApiClient
from tests.background_support import fire_due, kinds, move_to, notifications, timers
from workflows.core.clock import FrozenClock


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def request_leave(api: ApiClient, days: float) -> dict[str, Any]:
    response = api.start_leave(as_="xiaoming", days=days, leave_type="personal",
                         reason="家中有事需要处理")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def pending(api: ApiClient, instance_id: int) -> dict[str, str]:
    return {t["element_id"]: t["due_at"] for t in timers(api, instance_id, status="pending")}


def test_an_untouched_teacher_is_reminded_then_the_request_escalates_to_the_office(
        leave_api: ApiClient, frozen_clock: FrozenClock) -> None:
    move_to(leave_api, frozen_clock, at(2026, 11, 5, 2))  # Thursday 10:00 in Beijing
    instance = request_leave(leave_api, 1)
    # 2 working days: Fri, Mon; 3: Tue — the weekend does not count.
    assert pending(leave_api, instance["id"]) == {
        "remind_class_teacher": "2026-11-09T02:00:00+00:00",
        "escalate_class_teacher": "2026-11-10T02:00:00+00:00"}

    # The task is due when the reminder fires: dueIn P2WD counts working days too.
    [teacher_task] = instance["open_tasks"]
    assert teacher_task["due_at"] == "2026-11-09T02:00:00+00:00"
    move_to(leave_api, frozen_clock, at(2026, 11, 8, 2))  # Sunday: 3 calendar days later
    assert fire_due(leave_api)["fired"] == 0
    assert notifications(leave_api, "zhang") == []

    move_to(leave_api, frozen_clock, at(2026, 11, 9, 2, 0, 1))
    assert fire_due(leave_api)["fired"] == 1
    [reminder] = notifications(leave_api, "zhang")
    assert reminder["kind"] == "reminder" and "2个工作日" in reminder["subject"]
    # The holders of the task's address by name (here the centre's 班主任: zhang and wang,
    # each their own), never the whole group.
    assert reminder["recipient_group"] is None and reminder["recipient_user_id"] is not None
    [to_wang] = notifications(leave_api, "wang")
    assert to_wang["subject"] == reminder["subject"] and to_wang["id"] != reminder["id"]
    task = leave_api.open_task(instance["id"])  # non-interrupting: still with the teacher
    assert task["candidate_group"] == "class_teacher"
    overdue = leave_api.inbox(as_="zhang", overdue="true")["items"]
    assert [t["id"] for t in overdue] == [task["id"]]  # dueIn P2D has passed

    move_to(leave_api, frozen_clock, at(2026, 11, 10, 2, 0, 1))
    assert fire_due(leave_api)["fired"] == 1
    view = leave_api.instance(instance["id"])
    [escalated] = view["open_tasks"]
    assert (escalated["task_name"], escalated["candidate_group"]) == (
        "approve_class_office", "class_office")
    assert view["data"]["escalated_from"] == "class_teacher"
    [notice] = notifications(leave_api, "li", kind="escalation")
    assert notice["recipient_group"] == "class_office"
    events = leave_api.events(instance["id"])
    escalation = next(e for e in events if e["kind"] == "task_escalated")
    assert escalation["payload"]["from_group"] == "class_teacher"
    assert escalation["payload"]["to_group"] == "class_office"
    assert escalation["payload"]["to_task_ids"] == [escalated["id"]]
    assert escalation["task_name"] == "approve_class_teacher"
    assert [e["task_name"] for e in events if e["kind"] == "timer_fired"] == [
        "remind_class_teacher", "escalate_class_teacher"]
    assert kinds(events).count("service_task_completed") == 2  # reminder, escalation notice

    final = leave_api.claim_and_complete(escalated["id"], as_="li", office_approved=True,
                                         office_comment="同意")
    assert final["open_tasks"][0]["task_name"] == "confirm_return"
    done = leave_api.complete(final["open_tasks"][0]["id"], as_="xiaoming",
                              returned_on="2026-11-10", return_note="已返校").get_json()
    assert (done["status"], done["data"]["outcome"]) == ("completed", "approved")


def test_a_claimed_task_reminds_its_holder_only(leave_api: ApiClient,
                                                frozen_clock: FrozenClock) -> None:
    instance = request_leave(leave_api, 1)  # Monday 17:00 in Beijing
    task = leave_api.open_task(instance["id"])
    assert leave_api.claim(task["id"], as_="wang").status_code == 200
    move_to(leave_api, frozen_clock, at(2026, 11, 4, 9, 0, 1))  # Wednesday: 2 working days
    assert fire_due(leave_api)["fired"] == 1
    [reminder] = notifications(leave_api, "wang")
    assert reminder["recipient_user_id"] is not None and reminder["recipient_group"] is None
    assert notifications(leave_api, "zhang") == []
    leave_api.complete(task["id"], as_="wang", teacher_approved=True, teacher_comment="同意")
    # The approval's reminder and escalation are gone; 销假 now waits on the leave's end.
    assert list(pending(leave_api, instance["id"])) == ["close_unreturned"]


def test_an_untouched_office_escalates_to_the_leader(leave_api: ApiClient,
                                                     frozen_clock: FrozenClock) -> None:
    instance = request_leave(leave_api, 2.5)  # teacher, then office
    task = leave_api.open_task(instance["id"])
    leave_api.claim_and_complete(task["id"], as_="zhang", teacher_approved=True,
                                 teacher_comment="同意")
    assert sorted(pending(leave_api, instance["id"])) == [
        "escalate_class_office", "remind_class_office"]
    move_to(leave_api, frozen_clock, at(2026, 11, 5, 9, 0, 1))  # Thursday: 3 working days
    assert fire_due(leave_api)["fired"] == 2  # the reminder and the escalation, in due order
    view = leave_api.instance(instance["id"])
    [leader_task] = view["open_tasks"]
    assert leader_task["candidate_group"] == "leader"
    assert view["data"]["escalated_from"] == "class_office"
    final = leave_api.claim_and_complete(leader_task["id"], as_="zhao", leader_approved=True,
                                         leader_comment="同意")
    assert final["open_tasks"][0]["task_name"] == "confirm_return"


def test_the_leader_keeps_an_overdue_request_and_it_is_flagged(
        leave_api: ApiClient, frozen_clock: FrozenClock) -> None:
    instance = request_leave(leave_api, 7)  # beyond the rules: teacher, office, then leader
    for user, tier in (("zhang", "teacher"), ("li", "office")):
        task = leave_api.open_task(instance["id"])
        leave_api.claim_and_complete(task["id"], as_=user, **{f"{tier}_approved": True,
                                                              f"{tier}_comment": "同意"})
    first = leave_api.open_task(instance["id"])
    assert first["task_name"] == "approve_leader"
    move_to(leave_api, frozen_clock, at(2026, 11, 5, 9, 0, 1))
    assert fire_due(leave_api)["fired"] == 2
    view = leave_api.instance(instance["id"])
    [again] = view["open_tasks"]
    assert again["task_name"] == "approve_leader" and again["id"] != first["id"]
    assert view["data"]["leader_overdue"] is True and view["data"]["over_limit"] is True
    kinds_seen = {n["kind"] for n in notifications(leave_api, "zhao")}
    assert kinds_seen == {"reminder", "escalation"}
    # The new task has its own reminder and escalation timers.
    assert pending(leave_api, instance["id"]) == {
        "remind_leader": "2026-11-09T09:00:01+00:00",
        "escalate_leader": "2026-11-10T09:00:01+00:00"}
    final = leave_api.claim_and_complete(again["id"], as_="zhao", leader_approved=False,
                                         leader_comment="超出规定天数")
    assert (final["status"], final["data"]["outcome"]) == ("completed", "rejected")
    assert pending(leave_api, instance["id"]) == {}


def test_an_approval_in_time_cancels_both_timers(leave_api: ApiClient,
                                                 frozen_clock: FrozenClock) -> None:
    instance = request_leave(leave_api, 1)
    task = leave_api.open_task(instance["id"])
    approved = leave_api.claim_and_complete(task["id"], as_="zhang", teacher_approved=True,
                                            teacher_comment="同意")
    assert {t["element_id"]: t["status"] for t in timers(leave_api, instance["id"])} == {
        "remind_class_teacher": "cancelled", "escalate_class_teacher": "cancelled",
        "close_unreturned": "pending"}
    done = leave_api.complete(approved["open_tasks"][0]["id"], as_="xiaoming",
                              returned_on="2026-11-02")
    assert done.status_code == 200, done.get_json()
    assert {t["status"] for t in timers(leave_api, instance["id"])} == {"cancelled"}
    move_to(leave_api, frozen_clock, at(2026, 12, 1, 0))
    assert fire_due(leave_api)["fired"] == 0
