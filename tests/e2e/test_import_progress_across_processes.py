"""A background confirmation's progress lives in the database: an API process other than the
one running it answers the poll, and a job whose process died is reported failed, with
nothing written, and can be confirmed again."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask

from api import create_app
from config import Settings
from models import Person, db
from tests.api_client import ApiClient
from tests.e2e.test_directory_import import CLASSES, count, upload
from tests.e2e.test_import_in_background import poll
from tests.sheet_files import learner_rows, xlsx
from workflows.core.clock import FrozenClock, system_clock
from workflows.core.runtime import Runtime

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def second_api(settings: Settings, api: ApiClient) -> Iterator[ApiClient]:
    """A second app on the same database: what another API process is."""
    other = create_app(settings)
    yield ApiClient(other.test_client())
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_progress_of_a_background_confirmation_is_answered_by_another_api_process(
        app: Flask, api: ApiClient, second_api: ApiClient) -> None:
    import_id = upload(api, xlsx(learner_rows(1500, classes=CLASSES)), "learners.xlsx"
                       ).get_json()["id"]
    before = count(app, Person)
    assert second_api.get(f"/api/v1/directory/imports/{import_id}/confirm-job",
                          as_="admin").status_code == 404  # none started yet
    started = api.post(f"/api/v1/directory/imports/{import_id}/confirm-job", as_="admin")
    assert started.status_code == 202, started.get_json()
    seen = poll(second_api, import_id)  # every poll answered by the process not running it
    last = seen[-1]
    assert last["state"] == "done", last
    assert last["percent"] == 100 and last["done"] == last["total"] == 1500
    assert last["summary"]["add"] == 1500
    assert last["started_at"] is not None and last["finished_at"] is not None
    assert count(app, Person) == before + 1500
    # The second process refuses a second start as the first would.
    again = second_api.post(f"/api/v1/directory/imports/{import_id}/confirm-job", as_="admin")
    assert again.status_code == 409


def _start_in_another_process(settings: Settings, import_id: int,
                              tmp_path: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": settings.database_url, "PYTHONPATH": str(ROOT),
           "CERTFLOW_ATTACHMENT_DIR": str(tmp_path),
           "CERTFLOW_SECRET_KEY": settings.secret_key,
           "CERTFLOW_AUDIT_SIGNING_KEY": settings.audit_signing_key}
    process = subprocess.Popen([sys.executable, "-m", "tests.e2e.import_process",
                                str(import_id)], cwd=ROOT, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.strip() == "started", line + process.stdout.read(3000)
    return process


def test_a_confirmation_whose_process_died_is_reported_failed_and_can_be_started_again(
        app: Flask, api: ApiClient, settings: Settings, runtime: Runtime,
        tmp_path: Path) -> None:
    url_of = "/api/v1/directory/imports/{}/confirm-job".format
    import_id = upload(api, xlsx(learner_rows(3000, classes=CLASSES)), "learners.xlsx"
                       ).get_json()["id"]
    before = count(app, Person)
    process = _start_in_another_process(settings, import_id, tmp_path)
    try:
        job = api.get(url_of(import_id), as_="admin").get_json()
        assert job["state"] in ("queued", "running"), job
        deadline = time.monotonic() + 60
        while job["state"] != "running" and time.monotonic() < deadline:
            time.sleep(0.01)
            job = api.get(url_of(import_id), as_="admin").get_json()
        assert job["state"] == "running", job
        # Long past its last heartbeat, a runner still alive on this host is not given up.
        runtime.clock = FrozenClock(datetime.now(UTC) + timedelta(
            seconds=settings.import_job_stale_seconds + 30))
        assert api.get(url_of(import_id), as_="admin").get_json()["state"] == "running"
    finally:
        process.kill()
        process.wait()
    try:
        job = api.get(url_of(import_id), as_="admin").get_json()
        assert job["state"] == "failed", job
        assert job["problem"]["title"] == "导入中断"
        assert "进程已停止" in job["problem"]["detail"]
        assert "未写入任何数据" in job["problem"]["detail"]
        english = api.get(url_of(import_id), as_="admin", query_string={"lang": "en"})
        assert "Nothing was written" in english.get_json()["problem"]["detail"]
        assert count(app, Person) == before  # all or nothing: the dead transaction wrote none
        shown = api.get(f"/api/v1/directory/imports/{import_id}", as_="admin").get_json()
        assert shown["status"] == "previewed"
        # Confirmed again, here, it writes every row once.
        assert api.post(url_of(import_id), as_="admin").status_code == 202
        last = poll(api, import_id)[-1]
        assert last["state"] == "done", last
        assert count(app, Person) == before + 3000
    finally:
        runtime.clock = system_clock


def test_a_fresh_job_is_not_given_up_before_its_heartbeat_is_stale(
        api: ApiClient, runtime: Runtime) -> None:
    """Started and finished here: the answer carries the heartbeat the staleness is read from."""
    import_id = upload(api, xlsx(learner_rows(5, classes=CLASSES)), "learners.xlsx"
                       ).get_json()["id"]
    assert api.post(f"/api/v1/directory/imports/{import_id}/confirm-job",
                    as_="admin").status_code == 202
    last = poll(api, import_id)[-1]
    assert last["state"] == "done" and last["heartbeat_at"] is not None
    runtime.clock = FrozenClock(datetime.now(UTC) + timedelta(minutes=10))
    try:  # a finished job stays finished however old its heartbeat
        later = api.get(f"/api/v1/directory/imports/{import_id}/confirm-job",
                        as_="admin").get_json()
        assert later["state"] == "done"
    finally:
        runtime.clock = system_clock
