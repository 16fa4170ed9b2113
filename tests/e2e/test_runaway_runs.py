"""A run that would never stop, or do far too much, is cut off at its budget and becomes an
incident an administrator sees; its transaction is rolled back and everyone else keeps working.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask

from tests.api_client import ApiClient
from tests.runaway_diagrams import gateway_loop, parallel_flows, parallel_scripts, task_then_loop
from workflows.core.runtime import EngineLimits, Runtime


@pytest.fixture()
def budget(runtime: Runtime) -> Iterator[EngineLimits]:
    """A small budget, so each runaway is cut off soon (the defaults are in config/settings)."""
    saved = runtime.limits
    runtime.limits = replace(saved, run_step_limit=400, run_time_limit_s=3.0)
    yield runtime.limits
    runtime.limits = saved


def _in_background(action: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(action()))
    thread.start()
    return thread, result


def _waiting_leave_task(api: ApiClient) -> int:
    response = api.start_leave(as_="xiaoming", days=1, leave_type="personal",
                         reason="家中有事需要处理")
    assert response.status_code == 201, response.get_json()
    return int(api.open_task(response.get_json()["id"])["id"])


RUNAWAYS = {
    "5000_parallel_script_tasks": ("runaway_scripts", lambda: parallel_scripts(5000)),
    "10000_parallel_flows": ("runaway_flows", lambda: parallel_flows(10000)),
    "two_gateway_loop": ("runaway_loop", gateway_loop),
}


@pytest.mark.parametrize("case", sorted(RUNAWAYS))
def test_a_runaway_start_becomes_an_incident_while_the_inbox_keeps_answering(
        app: Flask, leave_api: ApiClient, budget: EngineLimits, case: str) -> None:
    process_id, diagram = RUNAWAYS[case]
    response = leave_api.deploy_files({f"{process_id}.bpmn": diagram()})
    assert response.status_code == 201, response.get_json()
    waiting = _waiting_leave_task(leave_api)
    starter = ApiClient(app.test_client())
    starter.token("xiaoming")  # signed in before: signing in writes (throttling counts)
    leave_api.token("zhang")
    thread, started = _in_background(lambda: starter.start(process_id, as_="xiaoming"))
    answered_meanwhile = 0
    while thread.is_alive():
        inbox = leave_api.inbox(as_="zhang")
        assert [t["id"] for t in inbox["items"]] == [waiting]
        answered_meanwhile += thread.is_alive()
    thread.join()
    assert answered_meanwhile > 0  # the inbox answered while the runaway run was going on

    response = started[0]
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "incident"
    assert body["open_tasks"] == []
    assert body["error"]["kind"] == "runaway"
    assert body["error"]["limit"] in ("steps", "time", "depth")
    assert "回滚" in body["error"]["message"]
    kinds = [e["kind"] for e in leave_api.events(body["id"])]
    assert kinds == ["instance_started", "incident_raised"]  # nothing of the run was kept

    incidents = leave_api.get("/api/v1/incidents", as_="admin",
                              query_string={"instance_id": body["id"]}).get_json()["items"]
    assert len(incidents) == 1
    assert incidents[0]["operation"] == "engine.run" and incidents[0]["job_id"] is None
    assert incidents[0]["status"] == "open"
    retry = leave_api.post(f"/api/v1/incidents/{incidents[0]['id']}/retry", as_="admin")
    assert retry.status_code == 409

    # Everyone else keeps working: the waiting task is claimed and completed as usual.
    done = leave_api.claim_and_complete(waiting, as_="zhang", teacher_approved=True,
                                        teacher_comment="同意")
    assert done["status"] == "running"


def test_a_gateway_loop_is_never_recorded_completed(api: ApiClient) -> None:
    """With the default budget the loop is cut off (it used to stop where the engine stops
    looking, 1,000 levels down, and be recorded completed)."""
    assert api.deploy_files({"loop.bpmn": gateway_loop()}).status_code == 201
    body = api.start("runaway_loop", as_="xiaoming").get_json()
    assert body["status"] == "incident"
    assert body["ended_at"] is None
    instance = api.instance(body["id"])
    assert instance["status"] == "incident"
    assert "instance_completed" not in [e["kind"] for e in api.events(body["id"])]


def test_a_completion_that_runs_away_is_rolled_back(api: ApiClient,
                                                    budget: EngineLimits) -> None:
    assert api.deploy_files({"after_task.bpmn": task_then_loop()}).status_code == 201
    body = api.start("runaway_after_task", as_="xiaoming").get_json()
    assert body["status"] == "running"
    task_id = body["open_tasks"][0]["id"]
    assert api.claim(task_id, as_="zhang").status_code == 200
    response = api.complete(task_id, as_="zhang")
    assert response.status_code == 409
    assert "回滚" in response.get_json()["detail"]
    instance = api.instance(body["id"])
    assert instance["status"] == "incident"
    assert instance["error"]["kind"] == "runaway"
    # The completion was rolled back with the run: the task is still the person's to do.
    assert [(t["id"], t["status"]) for t in instance["open_tasks"]] == [(task_id, "claimed")]
    kinds = [e["kind"] for e in api.events(body["id"])]
    assert "task_completed" not in kinds and kinds[-1] == "incident_raised"
