"""A long-running instance's finished history stays out of the answers to its next steps.

The answer to a completion lists the newest 50 completed steps and says when it cut the list;
GET of the instance lists every step. Without the cut, round 200 of a rework loop cost more
than twice round 10 (the whole history was read and dumped on every completion).
"""

from __future__ import annotations

from typing import Any

from tests.api_client import ApiClient
from tests.background_support import deploy_fixture

ROUNDS = 26  # submit + review per round: 52 completed steps, more than a response lists


def _work_round(api: ApiClient, instance_id: int, *, approved: bool) -> dict[str, Any]:
    submit = api.open_task(instance_id)
    assert submit["task_name"] == "submit"
    api.claim_and_complete(submit["id"], as_="zhang")
    review = api.open_task(instance_id)
    assert review["task_name"] == "review"
    return api.claim_and_complete(review["id"], as_="zhang", approved=approved)


def test_a_completion_lists_only_the_newest_steps_and_says_so(api: ApiClient) -> None:
    deploy_fixture(api, "rework_loop.bpmn")
    started = api.start("rework_loop", as_="zhang", rounds=0)
    assert started.status_code == 201, started.get_json()
    instance_id = started.get_json()["id"]
    assert started.get_json()["completed_steps_truncated"] is False

    answers = [_work_round(api, instance_id, approved=False) for _ in range(ROUNDS - 1)]
    last = _work_round(api, instance_id, approved=True)

    # 24 rounds = 48 steps: still complete in the answer.
    assert len(answers[23]["completed_steps"]) == 48
    assert answers[23]["completed_steps_truncated"] is False
    assert last["status"] == "completed" and last["data"]["rounds"] == ROUNDS
    assert len(last["completed_steps"]) == 50
    assert last["completed_steps_truncated"] is True

    full = api.instance(instance_id)
    assert len(full["completed_steps"]) == 2 * ROUNDS
    assert full["completed_steps_truncated"] is False
    # The answer's steps are the newest ones, oldest first, as in the full list.
    assert last["completed_steps"] == full["completed_steps"][-50:]
