"""Windows end as the law counts them (民法典 第二百零一条、第二百零三条), over HTTP with the
movable clock: a window's last day runs to 24:00 Beijing time, a last day on a statutory holiday
moves to the next working day, and the policy table switches that per window."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.api_client import ApiClient, collect_bundle
from tests.background_support import fire_due, move_to, timers
from tests.e2e import certification_steps as steps
from workflows.core.clock import FrozenClock

# Scores are confirmed on Wednesday 2026-09-16, 10:00 Beijing time: the 15-day re-check window's
# last day is 2026-10-01, 国庆节; the holiday runs to 10-07, so the window ends 10-08 24:00.
PUBLISHED = datetime(2026, 9, 16, 2, 0, tzinfo=UTC)


@pytest.fixture()
def cert_api(api: ApiClient, frozen_clock: FrozenClock) -> ApiClient:
    frozen_clock.now = PUBLISHED  # before anything is stored
    steps.deploy_certification(api)
    return api


def appeal_timer(api: ApiClient, case: int) -> dict[str, Any]:
    pending = [t for t in timers(api, case, status="pending")
               if t["element_id"] == "appeal_window_closed"]
    assert len(pending) == 1, pending
    return pending[0]


def test_a_window_ending_in_the_national_day_holiday_runs_to_the_next_working_day_24_00(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    api = cert_api
    case = steps.apply(api, "liuyang")["id"]
    steps.through_scoring(api, case)
    assert appeal_timer(api, case)["due_at"].startswith("2026-10-08T16:00:00")  # 10-09 00:00 +8
    move_to(api, frozen_clock, datetime(2026, 10, 1, 16, 0, tzinfo=UTC))  # 10-01 24:00 +8
    assert fire_due(api)["fired"] == 0
    move_to(api, frozen_clock, datetime(2026, 10, 8, 15, 59, tzinfo=UTC))  # 10-08 23:59 +8
    assert fire_due(api)["fired"] == 0
    assert "approve_results" not in steps.open_names(api, case)
    move_to(api, frozen_clock, datetime(2026, 10, 8, 16, 0, tzinfo=UTC))
    assert fire_due(api)["fired"] == 1
    assert steps.open_names(api, case) == ["approve_results"]


def test_the_policy_switch_off_keeps_the_plain_last_day(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    api = cert_api
    files = collect_bundle(steps.ROOT / "bpmn" / "certification_application.bpmn")
    policy = files["cert_policy.dmn"].decode()
    switched = policy.replace(
        '<outputEntry id="rule_all_levels_appeal_window_extends"><text>True</text>',
        '<outputEntry id="rule_all_levels_appeal_window_extends"><text>False</text>')
    assert switched != policy
    deployed = api.deploy_files({**files, "cert_policy.dmn": switched.encode()})
    assert deployed.status_code in (200, 201), deployed.get_json()
    case = steps.apply(api, "liuyang")["id"]
    assert api.instance(case)["data"]["appeal_window_extends"] is False
    steps.through_scoring(api, case)
    assert appeal_timer(api, case)["due_at"].startswith("2026-10-01T16:00:00")  # 10-01 24:00
    move_to(api, frozen_clock, datetime(2026, 10, 1, 15, 59, tzinfo=UTC))
    assert fire_due(api)["fired"] == 0
    move_to(api, frozen_clock, datetime(2026, 10, 1, 16, 0, tzinfo=UTC))
    assert fire_due(api)["fired"] == 1
    assert steps.open_names(api, case) == ["approve_results"]


def test_staff_deadlines_on_certification_tasks_count_working_days(
        cert_api: ApiClient) -> None:
    case = steps.apply(cert_api, "liuyang")["id"]
    review = steps.task(cert_api, case, "review_eligibility")
    # P5WD from Wednesday 09-16 10:00: Thu, Fri, Sunday 09-20 (调休上班), Mon, Tue 09-22.
    assert review["due_at"].startswith("2026-09-22T02:00:00")
