"""Every instance an e2e test leaves behind must replay to exactly its stored state.

After each e2e test that used the database, every instance in it is replayed from its history
with its pinned definition and compared with the stored data, open tasks, decisions and engine
task tree. So every process path the suite drives (approvals, rejections, failures, and
whatever later tests add) is also a replay test, with no list of paths to keep in sync.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from config import Settings
from models import ProcessInstance, db
from tests.api_client import ApiClient
from workflows.attachments.store import DatabaseBlobStore, LocalBlobStore
from workflows.audit.replay import replay_instance
from workflows.core.runtime import RunContext, Runtime, runtime_of

REPLAYED: dict[str, float] = {"instances": 0, "events": 0, "seconds": 0.0}


def replay_all_instances(context: RunContext) -> dict[int, list[dict[str, Any]]]:
    """Replay every stored instance; the differences of those that do not match."""
    started = time.perf_counter()
    mismatches: dict[int, list[dict[str, Any]]] = {}
    ids = db.session.scalars(sa.select(ProcessInstance.id).order_by(ProcessInstance.id)).all()
    for instance_id in ids:
        result = replay_instance(db.session, instance_id, context=context)
        REPLAYED["instances"] += 1
        REPLAYED["events"] += result.upto
        if not result.integrity["matches"]:
            mismatches[instance_id] = result.integrity["differences"]
    REPLAYED["seconds"] += time.perf_counter() - started
    return mismatches


@pytest.fixture(params=["local", "database"])
def store(request: pytest.FixtureRequest, runtime: Runtime, settings: Settings,
          api: ApiClient, tmp_path: Path) -> Iterator[LocalBlobStore | DatabaseBlobStore]:
    """The suite's app with the one store or the other (the setting's two values)."""
    kept = runtime.blobs
    chosen = (LocalBlobStore(tmp_path / "store") if request.param == "local"
              else DatabaseBlobStore(settings.database_url))
    runtime.blobs = chosen
    yield chosen
    runtime.blobs = kept


@pytest.fixture(autouse=True)
def replay_equals_stored_state(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "clean_db" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        try:
            mismatches = replay_all_instances(runtime_of(app).run_context())
        finally:
            db.session.remove()
    assert not mismatches, f"replay differs from stored state: {mismatches}"
