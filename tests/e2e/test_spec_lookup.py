"""A deployed definition is looked up in the spec cache by id before its row is read.

Deployed versions never change, so once a version is parsed in this process, firing a timer,
delivering a message, running a service job or showing a task's form reads no
``process_definition`` row at all; after a restart (an empty cache) the row is read once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask

from tests.api_client import ApiClient, business_key
from tests.background_support import deploy_fixture, fire_due, move_to, send_message
from tests.test_support import engine_events
from workflows.automation.service_registry import service
from workflows.core.clock import FrozenClock
from workflows.core.runtime import Runtime
from workflows.definitions import spec_cache


@pytest.fixture()
def definition_reads(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement that names the process_definition table, while the test runs."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "process_definition" in statement:
            seen.append(statement)

    with engine_events(app, before_cursor_execute=record):
        yield seen


def start_notice(api: ApiClient, key: str) -> dict[str, Any]:
    response = api.start("public_notice", as_="admin", key=key)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_timers_messages_and_task_forms_read_no_definition_row_once_cached(
        api: ApiClient, frozen_clock: FrozenClock, definition_reads: list[str]) -> None:
    deploy_fixture(api, "public_notice.bpmn")
    move_to(api, frozen_clock, datetime(2026, 11, 4, 9, tzinfo=UTC))
    objected, quiet = business_key("GS"), business_key("GS")
    start_notice(api, objected)
    start_notice(api, quiet)
    definition_reads.clear()

    assert send_message(api, "objection", objected, reason="成绩有误").status_code == 200
    move_to(api, frozen_clock, datetime(2026, 11, 11, 9, 0, 1, tzinfo=UTC))
    assert fire_due(api)["fired"] == 1
    task = api.inbox(as_="zhao")["items"][0]
    assert api.get(f"/api/v1/tasks/{task['id']}", as_="zhao").status_code == 200

    assert definition_reads == []


def test_a_service_job_reads_no_definition_row_once_cached(
        api: ApiClient, runtime: Runtime, definition_reads: list[str]) -> None:
    runtime.services.add(service("tests.lookup_certificate",
                                 params={"holder": "str", "level": "int"})(
        lambda ctx, *, holder, level: {"number": f"N-{level}", "level": level}))
    try:
        deploy_fixture(api, "service_call.bpmn")
        definition_reads.clear()
        response = api.start("service_call", as_="xiaoming", holder="小明", level=3)
    finally:
        runtime.services.remove("tests.lookup_certificate")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["data"]["certificate"] == {"number": "N-3", "level": 3}
    # Starting resolves the process id to its latest version (one query); the job reads none.
    assert len(definition_reads) == 1


def test_after_a_restart_the_row_is_read_once_then_the_cache_answers(
        api: ApiClient, frozen_clock: FrozenClock, definition_reads: list[str]) -> None:
    deploy_fixture(api, "public_notice.bpmn")
    move_to(api, frozen_clock, datetime(2026, 11, 4, 9, tzinfo=UTC))
    first, second = business_key("GS"), business_key("GS")
    start_notice(api, first)
    start_notice(api, second)
    spec_cache.clear()  # what a new process starts with
    definition_reads.clear()

    assert send_message(api, "objection", first, reason="成绩有误").status_code == 200
    reads_on_a_miss = len(definition_reads)
    assert send_message(api, "objection", second, reason="成绩有误").status_code == 200
    assert reads_on_a_miss >= 1
    assert len(definition_reads) == reads_on_a_miss
