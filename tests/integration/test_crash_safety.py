"""CI-sized ``python -m bench.crash``: SIGKILL the API mid-completion and Celery workers
mid-service-call and mid-timer-firing (5 times each), then nothing may be lost, done twice or
stuck, and the history must verify and replay. Real gunicorn, workers, beat, Redis and
PostgreSQL; ~40 s."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench.crash import CrashConfig, run_crash
from tests.integration.crash_support import BROKER_URL, own_database, requirements

pytestmark = requirements()


@pytest.fixture(scope="module")
def crash_result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    config = CrashConfig(database_url=own_database("crash"), broker_url=BROKER_URL,
                         api_kills=5, worker_kills=6, clients=3, lease_s=5.0, sweep_s=1.0)
    return run_crash(config, Path(tmp_path_factory.mktemp("crash")))


def test_every_kill_hit_work_in_flight(crash_result: dict[str, Any]) -> None:
    api, worker = crash_result["api"], crash_result["worker"]
    assert api["kills"] == 5 and api["master_kills"] == 1
    assert api["kills_with_completion_in_flight"] >= 4, api["records"]
    assert worker["kills"] == 6, worker["records"]
    assert worker["service_kills"] == 3 and worker["timer_kills"] == 3


def test_no_acknowledged_completion_is_lost_or_applied_twice(crash_result: dict[str, Any]) -> None:
    checks = crash_result["checks"]
    assert crash_result["api"]["acked_completions"] > 0
    assert checks["lost_count"] == 0, checks["lost_completions"]
    assert checks["duplicate_count"] == 0, checks["duplicates"]
    assert not crash_result["api"]["statuses"].get("5xx"), crash_result["api"]["statuses"]


def test_no_instance_is_left_stuck(crash_result: dict[str, Any]) -> None:
    api, worker = crash_result["api"], crash_result["worker"]
    assert not api["unfinished"] and not api["client_errors"], api["client_errors"]
    assert set(api["leave_statuses"]) == {"completed"}, api["leave_statuses"]
    # One orphan per kill at least; one left by a kill and taken over by the next victim counts
    # once in "orphans" and again in "orphaned_again".
    assert worker["orphans"] + worker["orphaned_again"] >= 6, worker["records"]
    assert worker["orphans_stuck"] == [], worker["work_states"]
    assert worker["stuck_count"] == 0, worker["work_states"]
    bound = CrashConfig(lease_s=5.0, sweep_s=1.0).recovery_bound_s
    assert worker["recovery_s_max"] <= bound


def test_history_verifies_and_replays_to_the_stored_state(crash_result: dict[str, Any]) -> None:
    checks = crash_result["checks"]
    assert checks["audit"]["ok"], checks["audit"]["findings"]
    assert checks["replay"]["instances"] > 0
    assert checks["replay"]["mismatches"] == 0, checks["replay"]["examples"]
