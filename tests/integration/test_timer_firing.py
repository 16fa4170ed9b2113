"""The firing job against a real database: concurrent firers, races with people, crashes."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from api.context import unit_of_work as uows
from models import ProcessEvent, Timer, db
from tests.api_client import ApiClient, business_key
from tests.background_support import advance, deploy_fixture, timers
from workflows.automation import timers as firing
from workflows.core.clock import FrozenClock
from workflows.engine import Run


def start_notices(api: ApiClient, count: int) -> list[int]:
    deploy_fixture(api, "public_notice.bpmn")
    return [api.start("public_notice", as_="admin", key=business_key("GS")).get_json()["id"]
            for _ in range(count)]


def fired_events(app: Flask) -> Counter[int]:
    with app.app_context():
        rows = db.session.scalars(sa.select(ProcessEvent.instance_id)
                                  .where(ProcessEvent.kind == "timer_fired")).all()
        db.session.remove()
    return Counter(rows)


def test_two_concurrent_firing_jobs_fire_each_timer_exactly_once(
        app: Flask, api: ApiClient, frozen_clock: FrozenClock) -> None:
    ids = start_notices(api, 24)
    advance(api, frozen_clock, days=8)
    barrier = threading.Barrier(2)
    reports: list[Any] = []

    def job() -> None:
        with app.app_context():
            barrier.wait()
            reports.append(firing.fire_due_timers(uows=uows, batch_size=3))
            db.session.remove()

    threads = [threading.Thread(target=job) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sum(r.fired for r in reports) == 24
    assert sum(r.errors for r in reports) == 0
    assert sorted(i for r in reports for i in r.fired_ids) == sorted(
        set(i for r in reports for i in r.fired_ids))
    assert fired_events(app) == Counter({i: 1 for i in ids})
    assert all(api.instance(i)["status"] == "completed" for i in ids)


def test_a_task_completed_while_its_timer_is_claimed_wins(
        app: Flask, leave_api: ApiClient, frozen_clock: FrozenClock) -> None:
    instance = leave_api.start_leave(as_="xiaoming", days=1, leave_type="personal",
                               reason="家中有事需要处理").get_json()
    advance(leave_api, frozen_clock, days=10)
    token = firing.worker_token()
    with app.app_context():
        claimed = firing.claim_due(token, uows=uows, limit=10)
        db.session.remove()
    assert len(claimed) == 2  # reminder and escalation, both due
    task = leave_api.open_task(instance["id"])
    leave_api.claim_and_complete(task["id"], as_="zhang", teacher_approved=True,
                                 teacher_comment="同意")
    with app.app_context():
        outcomes = [firing.fire_claimed(timer_id, token, uows=uows).status for timer_id in claimed]
        db.session.remove()
    assert outcomes == ["skipped", "skipped"]
    assert {t["element_id"]: t["status"] for t in timers(leave_api, instance["id"])} == {
        "remind_class_teacher": "cancelled", "escalate_class_teacher": "cancelled",
        "close_unreturned": "pending"}  # 销假 now waits on the leave's end
    assert fired_events(app) == Counter()


def test_a_claim_left_by_a_crashed_worker_is_released_and_fired_once(
        app: Flask, api: ApiClient, frozen_clock: FrozenClock) -> None:
    [instance_id] = start_notices(api, 1)
    advance(api, frozen_clock, days=8)
    with app.app_context():
        assert len(firing.claim_due("crashed-worker", uows=uows, limit=10)) == 1
        # someone else's claim is respected
        assert firing.fire_due_timers(uows=uows).claimed == 0
        db.session.remove()
    advance(api, frozen_clock, minutes=6)
    with app.app_context():
        report = firing.fire_due_timers(uows=uows)
        again = firing.fire_claimed(report.fired_ids[0], "crashed-worker", uows=uows)
        assert again.status == "skipped"
        db.session.remove()
    assert report.fired == 1
    assert fired_events(app) == Counter({instance_id: 1})


def test_an_unexpected_error_rolls_the_step_back_and_returns_the_claim(
        app: Flask, api: ApiClient, frozen_clock: FrozenClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    [instance_id] = start_notices(api, 1)
    advance(api, frozen_clock, days=8)

    def broken(self: Run, spiff_task_id: str) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Run, "fire_timer", broken)
    with app.app_context():
        report = firing.fire_due_timers(uows=uows)
        db.session.remove()
    assert (report.fired, report.errors) == (0, 1)
    [timer] = timers(api, instance_id)
    assert (timer["status"], timer["attempts"]) == ("pending", 1)
    assert "disk full" in timer["last_error"]
    assert api.instance(instance_id)["status"] == "running"
    monkeypatch.undo()
    with app.app_context():
        assert firing.fire_due_timers(uows=uows).fired == 1
        db.session.remove()
    assert api.instance(instance_id)["status"] == "completed"


def test_timer_rows_follow_the_engine(app: Flask, api: ApiClient) -> None:
    [instance_id] = start_notices(api, 1)
    with app.app_context():
        rows = db.session.scalars(sa.select(Timer).where(Timer.instance_id == instance_id)).all()
        assert [(r.task_name, r.status, r.kind) for r in rows] == [
            ("notice_window", "pending", "boundary")]
        db.session.remove()


def test_timers_of_one_instance_fire_in_due_order_whoever_claimed_them(
        app: Flask, leave_api: ApiClient, frozen_clock: FrozenClock) -> None:
    instance = leave_api.start_leave(as_="xiaoming", days=1, leave_type="personal",
                               reason="家中有事需要处理").get_json()
    advance(leave_api, frozen_clock, days=10)
    with app.app_context():
        [remind] = firing.claim_due("worker-a", uows=uows, limit=1)  # earliest due: the reminder
        [escalate] = firing.claim_due("worker-b", uows=uows, limit=1)
        by_b = firing.fire_claimed(escalate, "worker-b", uows=uows)
        by_a = firing.fire_claimed(remind, "worker-a", uows=uows)
        db.session.remove()
    assert (by_b.status, by_b.fired_ids) == ("fired", (remind, escalate))
    assert (by_a.status, by_a.fired_ids) == ("skipped", ())
    events = leave_api.events(instance["id"])
    assert [e["task_name"] for e in events if e["kind"] == "timer_fired"] == [
        "remind_class_teacher", "escalate_class_teacher"]
    assert leave_api.open_task(instance["id"])["candidate_group"] == "class_office"
