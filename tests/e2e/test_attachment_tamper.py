"""A changed byte in a stored attachment, or a file gone missing, is reported by audit verify
and by the offline verifier of a signed export (on both stores)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from models import StoredChunk, db
from tests.api_client import ApiClient
from tests.e2e import certification_steps as steps
from tests.e2e.test_audit_export import export, verify_offline
from tests.keys import AUDIT_KEY
from workflows.attachments.store import DatabaseBlobStore, LocalBlobStore
from workflows.core.clock import FrozenClock


@pytest.fixture()
def cert_api(api: ApiClient, frozen_clock: FrozenClock) -> ApiClient:
    steps.deploy_certification(api)
    return api


def verify(api: ApiClient) -> dict[str, Any]:
    response = api.get("/api/v1/audit/verify", as_="auditor", query_string={"anchor": "false"})
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def change_one_byte(app: Flask, store: Any, sha256: str) -> None:
    if isinstance(store, LocalBlobStore):
        path = store.path(sha256)
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
        return
    assert isinstance(store, DatabaseBlobStore)
    with app.app_context():
        chunk = db.session.scalars(sa.select(StoredChunk).where(
            StoredChunk.sha256 == sha256)).one()
        data = bytearray(chunk.data)
        data[len(data) // 2] ^= 0x01
        chunk.data = bytes(data)
        db.session.commit()
        db.session.remove()


def remove(app: Flask, store: Any, sha256: str) -> None:
    if isinstance(store, LocalBlobStore):
        store.path(sha256).unlink()
        return
    with app.app_context():
        db.session.execute(sa.text("DELETE FROM attachment_blob_chunk WHERE sha256 = :s"),
                           {"s": sha256})
        db.session.execute(sa.text("DELETE FROM attachment_blob WHERE sha256 = :s"),
                           {"s": sha256})
        db.session.commit()
        db.session.remove()


def test_a_changed_or_missing_file_is_reported(cert_api: ApiClient, app: Flask, store: Any,
                                               tmp_path: Path) -> None:
    api = cert_api
    photo, scan = steps.documents(api, "liuyang")
    case = steps.apply(api, "liuyang", documents=[photo, scan])
    attached = {a["id"]: a for e in api.events(case["id"])
                for a in e["payload"].get("attachments", [])}
    intact = verify(api)
    assert intact["ok"] and intact["files_checked"] == 2, intact
    good_export = export(api, instance_id=case["id"])
    assert verify_offline(tmp_path, good_export, AUDIT_KEY).returncode == 0

    change_one_byte(app, store, attached[scan]["sha256"])
    report = verify(api)
    assert not report["ok"]
    [finding] = report["findings"]
    assert finding["scope"] == "attachment" and finding["attachment_id"] == scan
    assert finding["instance_id"] == case["id"] and "changed" in finding["problem"]
    checked = verify_offline(tmp_path, export(api, instance_id=case["id"]), AUDIT_KEY)
    assert checked.returncode == 1
    assert "学籍证明.pdf" in checked.stdout and "changed" in checked.stdout
    assert api.get(f"/api/v1/attachments/{photo}/content", as_="sun").status_code == 200

    remove(app, store, attached[photo]["sha256"])
    problems = {f["attachment_id"]: f["problem"] for f in verify(api)["findings"]}
    assert "missing" in problems[photo] and "changed" in problems[scan]
    missing = verify_offline(tmp_path, export(api, instance_id=case["id"]), AUDIT_KEY)
    assert "missing from the export" in missing.stdout
    assert api.get(f"/api/v1/attachments/{photo}/content", as_="sun").status_code == 404
