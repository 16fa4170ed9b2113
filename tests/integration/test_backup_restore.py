"""Back up a database with finished leave requests, restore it fresh, and verify its history.

The commands are the ones docs/operations.md gives (``certflow backup`` / ``restore``). SQLite
always runs (on its own temporary database); PostgreSQL runs when ``DATABASE_URL`` points at
it and ``pg_dump``/``pg_restore`` are installed.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result
from flask import Flask
from sqlalchemy.orm import Session

from api import create_app
from api.backup import verify_chains
from api.cli import main as certflow
from api.context import unit_of_work
from config import Settings
from models import Base, ProcessEvent, ProcessInstance, db
from tests.api_client import ApiClient
from tests.conftest import ROOT
from tests.keys import AUDIT_KEY, key_env
from workflows.core.history import chain_key, verify_instance_chain
from workflows.definitions import spec_cache
from workflows.identity.users import seed_users


def run_cli(database_url: str, *args: str) -> Result:
    return CliRunner().invoke(certflow, list(args), env={"DATABASE_URL": database_url, **key_env()},
                              catch_exceptions=False)


def leave_history(api: ApiClient) -> None:
    """Two approved and returned, one rejected, one still waiting: real chains to check."""
    deployed = api.deploy_bundle(ROOT / "bpmn" / "leave_approval.bpmn")
    assert deployed.status_code in (200, 201), deployed.get_json()
    for approved in (True, True, False, None):
        started = api.start_leave(as_="xiaoming", days=1, leave_type="personal",
                            reason="备份测试")
        assert started.status_code == 201, started.get_json()
        if approved is None:
            continue
        task_id = started.get_json()["open_tasks"][0]["id"]
        data = {"teacher_approved": approved, **({} if approved else {"teacher_comment": "不行"})}
        after = api.claim_and_complete(task_id, as_="zhang", **data)
        if approved:
            back = api.complete(after["open_tasks"][0]["id"], as_="xiaoming",
                                returned_on=api.today().isoformat())
            assert back.status_code == 200 and back.get_json()["status"] == "completed"


def chains(database_url: str) -> dict[int, list[str]]:
    """Every instance's event hashes, in order, read straight from the database."""
    engine = sa.create_engine(database_url)
    try:
        with Session(engine) as session:
            found: dict[int, list[str]] = {}
            for instance_id in session.scalars(sa.select(ProcessInstance.id)):
                events = list(session.scalars(sa.select(ProcessEvent).where(
                    ProcessEvent.instance_id == instance_id).order_by(ProcessEvent.seq)))
                assert verify_instance_chain(events, key=chain_key(AUDIT_KEY)) is None, \
                    instance_id
                found[instance_id] = [event.hash for event in events]
            return found
    finally:
        engine.dispose()


def tamper(database_url: str) -> None:
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        event_id = connection.scalar(sa.select(sa.func.max(ProcessEvent.id))
                                     .where(ProcessEvent.kind == "task_completed"))
        connection.execute(sa.update(ProcessEvent).where(ProcessEvent.id == event_id)
                           .values(payload={"data": {"teacher_approved": False}}))
    engine.dispose()


def backup_restore_verify(source_url: str, restored_url: str, backup: Path) -> None:
    original = chains(source_url)
    assert len(original) == 4 and all(len(hashes) > 3 for hashes in original.values())
    made = run_cli(source_url, "backup", str(backup))
    assert made.exit_code == 0, made.output
    restored = run_cli(restored_url, "restore", str(backup))
    assert restored.exit_code == 0, restored.output
    assert "4 instance(s)" in restored.output and "every history chain verifies" in \
        restored.output
    assert chains(restored_url) == original
    # The check can fail: an edited event no longer verifies, and restore says so.
    tamper(restored_url)
    report = verify_chains(restored_url, key=chain_key(AUDIT_KEY))
    assert not report.ok and "chain breaks at seq" in report.broken[0]
    again = run_cli(restored_url, "backup", str(backup.with_suffix(".tampered")))
    assert again.exit_code == 0
    refused = run_cli(restored_url, "restore", str(backup.with_suffix(".tampered")))
    assert refused.exit_code == 2 and "--force" in refused.output  # never overwrites silently
    forced = run_cli(restored_url, "restore", "--force", str(backup.with_suffix(".tampered")))
    assert forced.exit_code == 3, forced.output


@pytest.fixture()
def sqlite_app(tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    """An app on its own SQLite file, whatever database the rest of the suite uses."""
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    settings = Settings(database_url=url, secret_key="backup-test-secret-key-32-bytes!!",
                        audit_signing_key=AUDIT_KEY,
                        password_time_cost=1, password_memory_cost_kib=1024)
    app = create_app(settings)
    spec_cache.clear()  # definition ids of this database differ from the suite's
    with app.app_context():
        Base.metadata.create_all(db.engine)
        seed_users(settings.seed_file, uow=unit_of_work())
        db.session.remove()
    yield app, url
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    spec_cache.clear()


def test_sqlite_backup_restores_with_every_chain_intact(sqlite_app: tuple[Flask, str],
                                                        tmp_path: Path) -> None:
    app, url = sqlite_app
    leave_history(ApiClient(app.test_client()))
    backup = tmp_path / "backup.sqlite3"
    backup_restore_verify(url, f"sqlite:///{tmp_path / 'restored.sqlite3'}", backup)
    with sqlite3.connect(backup) as connection:  # the backup is a plain SQLite file
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_sqlite_cli_refuses_what_it_cannot_restore(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    result = run_cli(f"sqlite:///{tmp_path / 'fresh.sqlite3'}", "restore", str(junk))
    assert result.exit_code == 2 and "not a usable SQLite database" in result.output


POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgresql")


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES or not (shutil.which("pg_dump") and shutil.which("pg_restore")),
                    reason="needs DATABASE_URL=postgresql... and pg_dump/pg_restore")
def test_postgres_backup_restores_with_every_chain_intact(app: Flask, api: ApiClient,
                                                          settings: Settings,
                                                          tmp_path: Path) -> None:
    leave_history(api)
    source = sa.make_url(settings.database_url)
    restored = source.set(database=f"{source.database}_restore")
    admin = sa.create_engine(source.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{restored.database}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{restored.database}"'))
    try:
        backup_restore_verify(settings.database_url,
                              restored.render_as_string(hide_password=False),
                              tmp_path / "backup.dump")
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{restored.database}" '
                                       "WITH (FORCE)"))
        admin.dispose()
