"""Every path of the leave-approval process, driven over HTTP as the real users would."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from tests.api_client import ApiClient
from tests.e2e.certification_steps import FILES

PDF = (FILES / "diagnosis.pdf").read_bytes()

# Who approves at which tier (demo users), and the form field prefix of each tier.
APPROVER = {"approve_class_teacher": ("zhang", "teacher"),
            "approve_class_office": ("li", "office"),
            "approve_leader": ("zhao", "leader")}
GROUP = {"approve_class_teacher": "class_teacher", "approve_class_office": "class_office",
         "approve_leader": "leader", "confirm_return": "applicant"}


def request_leave(api: ApiClient, days: float, **extra: Any) -> dict[str, Any]:
    response = api.start_leave(as_="xiaoming", days=days, **extra)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def approve_current(api: ApiClient, instance_id: int, *, approved: bool = True,
                    comment: str = "同意") -> tuple[str, dict[str, Any]]:
    task = api.open_task(instance_id)
    user, prefix = APPROVER[task["task_name"]]
    data = {f"{prefix}_approved": approved, f"{prefix}_comment": comment}
    return task["task_name"], api.claim_and_complete(task["id"], as_=user, **data)


def confirm_return(api: ApiClient, instance_id: int) -> dict[str, Any]:
    task = api.open_task(instance_id)
    assert task["task_name"] == "confirm_return"
    assert task["status"] == "claimed"  # assigned straight to the applicant who asked
    response = api.complete(task["id"], as_="xiaoming", returned_on=api.today().isoformat(),
                            return_note="已返校")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.parametrize(("days", "tiers", "route"), [
    (0.5, ["approve_class_teacher"], "teacher"),
    (1, ["approve_class_teacher"], "teacher"),
    (2.5, ["approve_class_teacher", "approve_class_office"], "teacher_office"),
    (3, ["approve_class_teacher", "approve_class_office"], "teacher_office"),
    # Every tier starts with the learner's own 班主任 (leave is asked of them in advance).
    (4, ["approve_class_teacher", "approve_class_office", "approve_leader"], "office_leader"),
    (5, ["approve_class_teacher", "approve_class_office", "approve_leader"], "office_leader"),
    (7, ["approve_class_teacher", "approve_class_office", "approve_leader"], "leader_flagged"),
])
def test_approved_leave_passes_each_tier_then_the_learner_confirms_return(
        leave_api: ApiClient, days: float, tiers: list[str], route: str) -> None:
    instance = request_leave(leave_api, days)
    assert instance["status"] == "running"
    assert instance["data"]["route"] == route
    assert instance["data"]["over_limit"] is (days > 5)
    seen = []
    for _ in tiers:
        task = leave_api.open_task(instance["id"])
        assert task["candidate_group"] == GROUP[task["task_name"]]
        assert task["due_at"] is not None
        name, instance = approve_current(leave_api, instance["id"])
        seen.append(name)
    assert seen == tiers
    final = confirm_return(leave_api, instance["id"])
    assert final["status"] == "completed"
    assert final["data"]["outcome"] == "approved"
    assert final["open_tasks"] == []
    assert [s["task_name"] for s in final["completed_steps"]] == [*tiers, "confirm_return"]


@pytest.mark.parametrize(("days", "approve_first", "rejecting_tier", "rejected_by"), [
    (1, 0, "approve_class_teacher", "class_teacher"),
    (2.5, 0, "approve_class_teacher", "class_teacher"),
    (2.5, 1, "approve_class_office", "class_office"),
    (4, 0, "approve_class_teacher", "class_teacher"),
    (4, 1, "approve_class_office", "class_office"),
    (4, 2, "approve_leader", "leader"),
    (7, 2, "approve_leader", "leader"),
])
def test_rejection_at_any_tier_ends_the_request_with_the_reason(
        leave_api: ApiClient, days: float, approve_first: int, rejecting_tier: str,
        rejected_by: str) -> None:
    instance = request_leave(leave_api, days)
    for _ in range(approve_first):
        approve_current(leave_api, instance["id"])
    name, final = approve_current(leave_api, instance["id"], approved=False,
                                  comment="理由不充分")
    assert name == rejecting_tier
    assert final["status"] == "completed"
    assert final["data"]["outcome"] == "rejected"
    assert final["data"]["rejected_by"] == rejected_by
    assert final["data"]["rejection_reason"] == "理由不充分"
    assert final["open_tasks"] == []


def test_history_records_every_step_in_order_with_actor(leave_api: ApiClient) -> None:
    instance = request_leave(leave_api, 1)
    approve_current(leave_api, instance["id"])
    confirm_return(leave_api, instance["id"])
    events = leave_api.events(instance["id"])
    kinds = [e["kind"] for e in events]
    assert kinds[0] == "instance_started"
    assert kinds[-1] == "instance_completed"
    assert "decision_taken" in kinds and "gateway_passed" in kinds
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    decision = next(e for e in events if e["kind"] == "decision_taken")
    assert decision["payload"]["outputs"]["route"] == "teacher"
    completed = [e for e in events if e["kind"] == "task_completed"]
    assert [e["task_name"] for e in completed] == ["approve_class_teacher", "confirm_return"]
    assert completed[0]["payload"]["data"]["teacher_approved"] is True
    claimed = next(e for e in events if e["kind"] == "task_claimed")
    assert claimed["actor_id"] is not None
    for earlier, later in itertools.pairwise(events):
        assert later["prev_hash"] == earlier["hash"]


@pytest.mark.parametrize("leave_type", ["sick", "personal"])
def test_sick_and_personal_leave_need_proof(leave_api: ApiClient, leave_type: str) -> None:
    for proof in ({"proof": None}, {"proof": []}):
        response = leave_api.start_leave(as_="xiaoming", days=1, leave_type=leave_type,
                                         reason="发烧需要就医", **proof)
        assert response.status_code == 422
        body = response.get_json()
        [problem] = [e for e in body["errors"] if e["pointer"] == "/data/proof"]
        assert "证明材料" in problem["message"], body
    diagnosis = leave_api.uploaded("诊断书.pdf", PDF, as_="xiaoming")
    ok = request_leave(leave_api, 1, leave_type=leave_type, proof=[diagnosis["id"]])
    assert ok["status"] == "running"
