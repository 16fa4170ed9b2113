"""Scale-out mode for real: two ``celery worker`` processes (concurrency 1) on a real broker.

Runs only with ``BROKER_URL`` set (``.ci/run`` uses Redis db 15); each test run gets its own
queue, so concurrent runs on one Redis do not steal each other's jobs. The workers use their
wall clock, so the test process starts instances with its clock 30 days in the past: every
timer is already due when the workers look.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from celery import Celery
from flask import Flask

from config import Settings
from models import ProcessEvent, Timer, db
from tests.api_client import ApiClient, business_key
from tests.background_support import deploy_fixture
from workflows.core.clock import FrozenClock, system_clock
from workflows.core.runtime import Runtime

BROKER_URL = os.environ.get("BROKER_URL", "")
ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(not BROKER_URL, reason="needs a real broker: set BROKER_URL"),
]


class Workers:
    def __init__(self, client: Celery, queue: str, logs: list[Path]) -> None:
        self.client, self.queue, self.logs = client, queue, logs

    def send(self, name: str, *args: Any, **kwargs: Any) -> None:
        self.client.send_task(name, args=args, kwargs=kwargs, queue=self.queue)

    def log_text(self) -> str:
        return "\n".join(path.read_text(errors="replace")[-3000:] for path in self.logs)


@pytest.fixture()
def workers(app: Flask, api: ApiClient, settings: Settings,
            tmp_path: Path) -> Iterator[Workers]:
    queue = f"certflow-test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": settings.database_url, "BROKER_URL": BROKER_URL,
           "CERTFLOW_QUEUE": queue, "CERTFLOW_SERVICE_MODULES": "tests.broker_services",
           "CERTFLOW_SERVICE_TASK_BACKOFF": "0.2", "PYTHONPATH": str(ROOT),
           "CERTFLOW_SECRET_KEY": settings.secret_key,
           "CERTFLOW_AUDIT_SIGNING_KEY": settings.audit_signing_key}
    logs, processes = [], []
    for index in range(2):
        log = tmp_path / f"worker{index}.log"
        logs.append(log)
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "worker.main", "worker", "-Q", queue,
             "--concurrency", "1", "-n", f"w{index}-{queue}@%h", "--without-gossip",
             "--without-mingle", "--loglevel", "INFO"],
            cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT))
    client = Celery("certflow-test-client", broker=BROKER_URL)
    client.conf.update(task_serializer="json", broker_connection_retry_on_startup=True)
    handle = Workers(client, queue, logs)
    try:
        deadline = time.monotonic() + 60
        while True:
            replies = client.control.ping(timeout=1.0) or []
            names = {name for reply in replies for name in reply if queue in name}
            if len(names) == 2:
                break
            dead = [p for p in processes if p.poll() is not None]
            if dead or time.monotonic() > deadline:
                pytest.fail(f"workers did not come up:\n{handle.log_text()}")
        yield handle
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        client.close()


def wait_for(condition: Callable[[], bool], workers: Workers, what: str,
             timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}\n{workers.log_text()}")
        time.sleep(0.2)


def query(app: Flask, statement: Any) -> list[Any]:
    with app.app_context():
        rows = list(db.session.execute(statement).all())
        db.session.remove()
    return rows


@pytest.fixture()
def past_clock(runtime: Runtime) -> Iterator[FrozenClock]:
    frozen = FrozenClock(datetime.now(UTC) - timedelta(days=30))
    runtime.clock = frozen
    yield frozen
    runtime.clock = system_clock


def test_two_workers_fire_every_due_timer_exactly_once(
        app: Flask, api: ApiClient, workers: Workers, past_clock: FrozenClock) -> None:
    deploy_fixture(api, "public_notice.bpmn")
    ids = [api.start("public_notice", as_="admin", key=business_key("GS")).get_json()["id"]
           for _ in range(30)]
    timer_ids = [row[0] for row in query(app, sa.select(Timer.id))]
    assert len(timer_ids) == 30
    # Many overlapping firing jobs, plus every timer sent twice on its own.
    for _ in range(15):
        workers.send("certflow.fire_due_timers", batch_size=2, max_batches=1)
    for timer_id in timer_ids:
        workers.send("certflow.fire_timer", timer_id)
        workers.send("certflow.fire_timer", timer_id)

    def all_fired() -> bool:
        statuses = [row[0] for row in query(app, sa.select(Timer.status))]
        return statuses.count("fired") == 30

    wait_for(all_fired, workers, "30 fired timers")
    time.sleep(1.0)  # let any duplicate still in flight finish: it must be a no-op
    events = Counter(row[0] for row in query(
        app, sa.select(ProcessEvent.instance_id).where(ProcessEvent.kind == "timer_fired")))
    assert events == Counter({i: 1 for i in ids})
    firers = {row[0].split(":")[1] for row in query(app, sa.select(Timer.claimed_by))}
    assert len(firers) == 2, f"both worker processes fired timers: {firers}"
    for instance_id in ids:
        assert api.instance(instance_id)["status"] == "completed"


def test_a_service_task_is_retried_with_backoff_by_a_worker(
        app: Flask, api: ApiClient, workers: Workers, runtime: Runtime) -> None:
    deploy_fixture(api, "service_call.bpmn")
    embedded = runtime.jobs.sender  # this test process runs jobs eagerly
    runtime.jobs.connect(lambda job_id: workers.send("certflow.run_service_task", job_id))
    try:
        started = api.start("service_call", as_="xiaoming", holder="小明", level=3).get_json()
    finally:
        runtime.jobs.connect(embedded)
    assert started["open_tasks"] == []  # the call happens in a worker, not in the request

    def task_ready() -> bool:
        return bool(api.instance(started["id"])["open_tasks"])

    wait_for(task_ready, workers, "the service task to complete in a worker")
    view = api.instance(started["id"])
    assert view["data"]["certificate"]["attempt"] == 2
    assert view["data"]["certificate"]["pid"] != os.getpid()
    events = api.events(started["id"])
    failed = [e["payload"] for e in events if e["kind"] == "service_task_failed"]
    assert [(f["attempt"], f["will_retry"], f["error_type"]) for f in failed] == [
        (1, True, "ConnectionError")]
    done = next(e for e in events if e["kind"] == "service_task_completed")
    assert done["payload"]["attempt"] == 2
