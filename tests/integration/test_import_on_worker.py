"""Scale-out: with a broker configured, a background import confirmation runs on a real Celery
worker (``certflow.confirm_import``), and an API process polls its progress from the database.

Runs only with ``BROKER_URL`` set (the workers of ``test_worker_broker.py``, on a queue of
their own)."""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask

from api import create_app
from config import Settings
from models import DirectoryImportJob, Person, db
from tests.api_client import ApiClient
from tests.e2e.test_directory_import import CLASSES, count, upload
from tests.e2e.test_import_in_background import poll
from tests.integration import test_worker_broker as broker
from tests.integration.test_worker_broker import BROKER_URL, Workers, query
from tests.sheet_files import learner_rows, xlsx

pytestmark = broker.pytestmark
workers = broker.workers  # the fixture: two worker processes on a queue of their own


def test_a_confirmation_queued_by_the_api_runs_on_a_worker_and_reports_progress(
        app: Flask, api: ApiClient, settings: Settings, workers: Workers) -> None:
    scaled = create_app(settings.model_copy(update={"broker_url": BROKER_URL,
                                                    "queue_name": workers.queue}))
    scaled_api = ApiClient(scaled.test_client())
    import_id = upload(scaled_api, xlsx(learner_rows(800, classes=CLASSES)), "learners.xlsx"
                       ).get_json()["id"]
    before = count(app, Person)
    started = scaled_api.post(f"/api/v1/directory/imports/{import_id}/confirm-job",
                              as_="admin")
    assert started.status_code == 202, started.get_json()
    last = poll(api, import_id)[-1]  # asked of the embedded app: neither one runs it
    assert last["state"] == "done", (last, workers.log_text())
    assert last["summary"]["add"] == 800
    assert count(app, Person) == before + 800
    [(runner,)] = query(app, sa.select(DirectoryImportJob.runner)
                        .where(DirectoryImportJob.import_id == import_id))
    assert runner is not None and not runner.endswith(f":{os.getpid()}")  # a worker ran it
    with scaled.app_context():
        db.session.remove()
        db.engine.dispose()
