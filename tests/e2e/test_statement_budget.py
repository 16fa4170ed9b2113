"""How many SQL statements each write of a leave request costs, held to a budget.

A count, not a time: it does not depend on the machine, and a change that adds a round trip to
start, claim, complete or a timer firing fails here instead of slowly showing in the benchmark
(``python -m bench.sqltrace`` lists the statements of one request with the line that made each).
Counted: every statement the request sends (the token check included), without the
transaction's own BEGIN / COMMIT / ROLLBACK.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask

from models import db
from tests.api_client import ApiClient
from tests.background_support import fire_due, move_to
from tests.e2e.test_leave_approval import request_leave
from tests.test_support import engine_events
from workflows.core.clock import FrozenClock

APPROVE = {"teacher_approved": True, "teacher_comment": "同意"}
# Statements per request on a 1-day leave (班主任 addressed by the directory, two boundary
# timers); the token check is one of them.
# A reminder reaches each holder of the task's address (and their 代理): one lookup of the
# holders with their substitutes, one insert of the notification rows.
# Firing a reminder: the claim is one UPDATE … RETURNING, the instance's lock reads the due
# timers with it, its service job is inserted with its id returned; the job then runs
# in-process in two transactions (its job and instance read, then locked, in one statement
# each); no next claim follows a batch smaller than the limit.
# A leave's start also attaches its proof, writes its leave period and looks up the class
# timetable's sessions the leave affects; a decision keeps that period current (one upsert,
# the learner read inside it).
# Locking a task reads in the same round trip whether the actor holds its address. A task
# addressed by relation finds the nearest holder in one statement that reads the applicant's
# line from their unit's path.
# A start reads its definition (id, version, name: the spec cache holds the rest) and the unit
# where the case will live (the learner's 班级, else their most specific position, else their
# centre) in one statement; the class timetable's sessions with the class in one; the cited
# uploads are locked by their check (PostgreSQL; on SQLite the write transaction keeps other
# writers out), so attaching them needs no statement of its own and goes out at commit.
# (The start counted here includes its upload: a token check and the attachment's insert.)
BUDGET = {"start": 14, "claim": 5, "complete": 10, "claim_and_complete": 10, "fire_timer": 20}
# On PostgreSQL the rows a use case changed and its history are written at commit in one
# statement (data-modifying WITH queries), where the flush sends an UPDATE per row and the
# history's INSERT after them; cancelling the timers a decision ended and arming the next
# task's are one statement too.
POSTGRES_BUDGET = {"start": 12, "claim": 3, "complete": 7, "claim_and_complete": 7,
                   "fire_timer": 16}


def budget(app: Flask) -> dict[str, int]:
    with app.app_context():
        return POSTGRES_BUDGET if db.engine.dialect.name == "postgresql" else BUDGET


class Statements:
    def __init__(self) -> None:
        self.seen: list[str] = []
        self.on = False

    def record(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if self.on and statement.split()[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            self.seen.append(" ".join(statement.split())[:90])

    def count(self, call: Callable[[], Any]) -> int:
        self.seen, self.on = [], True
        try:
            call()
        finally:
            self.on = False
        return len(self.seen)


@pytest.fixture()
def statements(app: Flask) -> Iterator[Statements]:
    counter = Statements()
    with engine_events(app, before_cursor_execute=counter.record):
        yield counter


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def test_start_claim_and_complete_stay_within_their_statement_budgets(
        app: Flask, leave_api: ApiClient, statements: Statements) -> None:
    for user in ("xiaoming", "zhang"):
        leave_api.token(user)  # signing in is not what is counted
    request_leave(leave_api, 1)  # the definition is parsed and cached once per process

    used: dict[str, int] = {}
    started: list[dict[str, Any]] = []
    used["start"] = statements.count(lambda: started.append(request_leave(leave_api, 1)))
    task_id = started[0]["open_tasks"][0]["id"]
    used["claim"] = statements.count(lambda: ok(leave_api.claim(task_id, as_="zhang")))
    used["complete"] = statements.count(
        lambda: ok(leave_api.complete(task_id, as_="zhang", **APPROVE)))
    other = request_leave(leave_api, 1)["open_tasks"][0]["id"]
    used["claim_and_complete"] = statements.count(lambda: ok(leave_api.post(
        f"/api/v1/tasks/{other}/complete?claim=true", as_="zhang", json={"data": APPROVE})))

    limits = budget(app)
    over = {name: (count, limits[name]) for name, count in used.items()
            if count > limits[name]}
    assert not over, f"statements (used, budget): {over}; last: {statements.seen}"


def test_firing_a_timer_stays_within_its_statement_budget(
        app: Flask, leave_api: ApiClient, frozen_clock: FrozenClock,
        statements: Statements) -> None:
    move_to(leave_api, frozen_clock, datetime(2026, 11, 5, 2, tzinfo=UTC))
    request_leave(leave_api, 1)
    move_to(leave_api, frozen_clock, datetime(2026, 11, 9, 2, 0, 1, tzinfo=UTC))  # the reminder
    leave_api.token("admin")

    fired: list[dict[str, Any]] = []
    used = statements.count(lambda: fired.append(fire_due(leave_api)))

    assert fired[0]["fired"] == 1
    assert used <= budget(app)["fire_timer"], f"{used} statements: {statements.seen}"
