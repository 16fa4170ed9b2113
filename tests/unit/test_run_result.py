"""``Run.result``: one plain value per run, everything the store reads and nothing more."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from workflows.engine import EngineFailure, Run, RunResult, parse_bundle

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def start(name: str, data: dict) -> tuple[Run, object, dict]:
    bundle = parse_bundle({name: (FIXTURES / name).read_bytes()})
    run = Run.start(bundle.spec, bundle.subprocess_specs, data)
    run.advance()
    return run, bundle.spec, bundle.subprocess_specs


def test_a_result_holds_ready_tasks_state_and_data_and_is_frozen() -> None:
    run, spec, subs = start("rework_loop.bpmn", {"rounds": 0, "applicant": "小明"})
    result = run.result()
    assert isinstance(result, RunResult)
    assert [t.task_name for t in result.ready] == [t.task_name for t in run.ready_user_tasks()]
    assert result.ready and not result.completed and result.failure is None
    assert result.data["applicant"] == "小明"
    assert result.serializer_version
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.completed = True  # type: ignore[misc]
    resumed = Run.resume(result.state, spec, subs)  # the state is the whole of the run
    assert [t.task_name for t in resumed.ready_user_tasks()] == [t.task_name
                                                                for t in result.ready]


def test_steps_are_reported_once_and_waits_follow_the_run() -> None:
    run, spec, subs = start("service_call.bpmn", {"holder": "小明", "level": 3})
    first = run.result()
    assert "service" in first.wait_kinds
    [parked] = first.parked
    assert first.parked_before == frozenset()  # a new run had nothing parked
    second = run.result()
    assert second.steps == ()  # already reported
    assert second.parked_before == {parked.spiff_task_id}
    resumed = Run.resume(second.state, spec, subs)
    assert resumed.result().parked_before == {parked.spiff_task_id}


def test_a_failed_run_waits_on_nothing() -> None:
    run, _, _ = start("service_call.bpmn", {"holder": "小明", "level": 3})
    result = run.result(EngineFailure("boom", element_id="x"))
    assert (result.ready, result.timers, result.messages, result.parked) == ((), (), (), ())
    assert not result.completed and result.failure is not None
    assert result.state  # still stored, for the administrator to look at
