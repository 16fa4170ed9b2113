"""Backups carry the attachments' files (beside the backup for the local store, inside the
database for the database store), restore brings them back, and the restore check re-hashes
them: a changed byte or a missing file fails it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask import Flask

from api import create_app
from api.cli import main as certflow
from api.context import unit_of_work
from config import Settings
from models import Base, db
from tests.api_client import ApiClient
from tests.conftest import ROOT
from tests.keys import AUDIT_KEY, key_env
from workflows.attachments.store import LocalBlobStore
from workflows.definitions import spec_cache
from workflows.identity.users import seed_users

PDF = (ROOT / "tests" / "fixtures" / "attachments" / "diagnosis.pdf").read_bytes()


@pytest.fixture(params=["local", "database"])
def live(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Flask, Settings]]:
    """An app on its own SQLite file and attachment store, whatever the suite uses."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'live.sqlite3'}",
                        attachment_store=request.param, attachment_dir=tmp_path / "live-files",
                        secret_key="backup-test-secret-key-32-bytes!!",
                        audit_signing_key=AUDIT_KEY, password_time_cost=1,
                        password_memory_cost_kib=1024)
    app = create_app(settings)
    spec_cache.clear()
    with app.app_context():
        Base.metadata.create_all(db.engine)
        seed_users(settings.seed_file, uow=unit_of_work())
        db.session.remove()
    yield app, settings
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    spec_cache.clear()


def cli(settings: Settings, *args: str, **env: str) -> Result:
    return CliRunner().invoke(certflow, list(args), catch_exceptions=False, env={
        "DATABASE_URL": settings.database_url, "CERTFLOW_ATTACHMENT_STORE":
            settings.attachment_store, "CERTFLOW_ATTACHMENT_DIR": str(settings.attachment_dir),
        **key_env(), **env})


def test_a_backup_restores_its_attachments_and_the_check_rehashes_them(
        live: tuple[Flask, Settings], tmp_path: Path) -> None:
    app, settings = live
    api = ApiClient(app.test_client())
    assert api.deploy_bundle(ROOT / "bpmn" / "leave_approval.bpmn").status_code == 201
    proof = api.uploaded("诊断书.pdf", PDF, as_="xiaoming")
    started = api.start_leave(as_="xiaoming", days=1, leave_type="sick",
                        reason="发烧就医", proof=[proof["id"]])
    assert started.status_code == 201, started.get_json()

    backup = tmp_path / "backups" / "certflow.sqlite3"
    assert cli(settings, "backup", str(backup)).exit_code == 0
    restored = settings.replace(database_url=f"sqlite:///{tmp_path / 'restored.sqlite3'}",
                                attachment_dir=tmp_path / "restored-files")
    done = cli(restored, "restore", str(backup))
    assert done.exit_code == 0, done.output
    assert "1 file(s) re-hashed" in done.output and "every attached file" in done.output

    if settings.attachment_store == "local":
        kept = LocalBlobStore(restored.attachment_dir).path(proof["sha256"])
        assert kept.read_bytes() == PDF
        changed = bytearray(PDF)
        changed[10] ^= 1
        copy = LocalBlobStore(backup.with_name(backup.name + ".attachments")).path(
            proof["sha256"])
        copy.write_bytes(bytes(changed))  # the backup's copy was altered
        kept.unlink()
        again = cli(restored, "restore", "--force", str(backup))
        assert again.exit_code == 3 and f"attachment file {proof['sha256']} changed" in \
            again.output
        copy.unlink()
        kept.unlink()
        gone = cli(restored, "restore", "--force", str(backup))
        assert gone.exit_code == 3 and "is missing" in gone.output
