"""Signed exports verify offline with the documented command; any modification fails."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from config import Settings
from tests.api_client import ApiClient
from tests.conftest import ROOT
from tests.e2e.test_leave_approval import approve_current, confirm_return, request_leave
from workflows.audit import export_format as audit_export
from workflows.core.clock import FrozenClock

# The verifier must run where there is no database layer at all: these cannot be imported.
NO_DATABASE = ("import sys\n"
               "for name in ('sqlalchemy', 'flask', 'flask_sqlalchemy', 'models', "
               "'SpiffWorkflow', 'psycopg'):\n"
               "    sys.modules[name] = None\n"
               "from workflows.audit.export_format import main\n"
               "sys.exit(main(sys.argv[1:]))\n")


def export(api: ApiClient, **query: Any) -> bytes:
    response = api.get("/api/v1/audit/export", as_="auditor", query_string=query)
    assert response.status_code == 200, response.get_json()
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    return response.data


def verify_offline(tmp_path: Path, content: bytes, key: str) -> subprocess.CompletedProcess:
    archive = tmp_path / "export.zip"
    archive.write_bytes(content)
    key_file = tmp_path / "audit.key"
    key_file.write_text(key, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-c", NO_DATABASE, "verify", str(archive), "--key-file", str(key_file)],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)


def rezip(content: bytes, change: Any) -> bytes:
    """Apply ``change(files)`` to the archive's files and zip them again."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    change(files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def finished(api: ApiClient) -> int:
    instance_id = request_leave(api, 2.5)["id"]
    approve_current(api, instance_id)
    approve_current(api, instance_id)
    confirm_return(api, instance_id)
    return instance_id


def test_an_instance_export_verifies_offline(tmp_path: Path, leave_api: ApiClient,
                                             settings: Settings) -> None:
    instance_id = finished(leave_api)
    content = export(leave_api, instance_id=instance_id)
    result = verify_offline(tmp_path, content, settings.audit_signing_key)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK ")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        events = archive.read("events.jsonl").decode().splitlines()
        instances = [json.loads(line) for line in
                     archive.read("instances.jsonl").decode().splitlines()]
        assert "README.txt" in archive.namelist()
    stored = leave_api.instance(instance_id)
    assert manifest["format"] == audit_export.FORMAT
    assert manifest["event_count"] == len(events) == len(leave_api.events(instance_id))
    assert manifest["exporter"]["username"] == "auditor"
    assert manifest["latest_anchor"] is None  # nothing anchored yet
    [chain] = manifest["chains"]
    assert chain["last_seq"] == chain["head_seq"] == len(events)
    assert chain["last_hash"] == chain["head_hash"] and chain["verified_at_export"] is True
    assert instances[0]["business_key"] == stored["business_key"]
    assert instances[0]["data"] == stored["data"]


def _edit_first_completion(files: dict[str, bytes]) -> None:
    lines = files["events.jsonl"].decode().splitlines()
    index = next(i for i, line in enumerate(lines) if '"task_completed"' in line)
    event = json.loads(lines[index])
    event["payload"]["data"]["teacher_approved"] = False
    lines[index] = json.dumps(event, ensure_ascii=False, sort_keys=True)
    files["events.jsonl"] = ("\n".join(lines) + "\n").encode()


def _resign(files: dict[str, bytes], key: str) -> None:
    """What someone holding the key could do: fix the manifest's hashes and re-sign it."""
    manifest = json.loads(files["manifest.json"])
    for name, entry in manifest["files"].items():
        entry["sha256"] = __import__("hashlib").sha256(files[name]).hexdigest()
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2,
                                        sort_keys=True).encode()
    files["signature.json"] = json.dumps({"algorithm": "HMAC-SHA256",
                                          "signed_file": "manifest.json",
                                          "value": audit_export.sign(key,
                                                                     files["manifest.json"])}
                                         ).encode()


def _swap_two_events(files: dict[str, bytes]) -> None:
    lines = files["events.jsonl"].decode().splitlines()
    lines[2], lines[3] = lines[3], lines[2]
    files["events.jsonl"] = ("\n".join(lines) + "\n").encode()


def _drop_last_event(files: dict[str, bytes]) -> None:
    lines = files["events.jsonl"].decode().splitlines()
    files["events.jsonl"] = ("\n".join(lines[:-1]) + "\n").encode()


def _edit_manifest(files: dict[str, bytes]) -> None:
    manifest = json.loads(files["manifest.json"])
    manifest["exporter"]["username"] = "someone-else"
    files["manifest.json"] = json.dumps(manifest, indent=2).encode()


@pytest.mark.parametrize(("change", "resign", "expected"), [
    (_edit_first_completion, False, "events.jsonl does not match its SHA-256"),
    (_edit_first_completion, True, "does not match its hash"),
    (_swap_two_events, True, "does not link"),
    (_drop_last_event, True, "the manifest says"),
    (_edit_manifest, False, "signature does not verify"),
])
def test_a_modified_export_fails_verification(tmp_path: Path, leave_api: ApiClient,
                                              settings: Settings, change: Any, resign: bool,
                                              expected: str) -> None:
    content = export(leave_api, instance_id=finished(leave_api))

    def modify(files: dict[str, bytes]) -> None:
        change(files)
        if resign:
            _resign(files, settings.audit_signing_key)

    result = verify_offline(tmp_path, rezip(content, modify), settings.audit_signing_key)
    assert result.returncode == 1, result.stdout
    assert expected in result.stdout


def test_the_wrong_key_fails_and_no_key_is_refused(tmp_path: Path,
                                                   leave_api: ApiClient) -> None:
    content = export(leave_api, instance_id=request_leave(leave_api, 1)["id"])
    result = verify_offline(tmp_path, content, "not-the-key")
    assert result.returncode == 1 and "signature does not verify" in result.stdout
    problems, _ = audit_export.verify(b"not a zip", "k")
    assert problems and "zip" in problems[0]


def test_a_time_range_export_holds_only_that_range(tmp_path: Path, leave_api: ApiClient,
                                                   settings: Settings,
                                                   frozen_clock: FrozenClock) -> None:
    early = request_leave(leave_api, 1)["id"]
    frozen_clock.advance(hours=6)  # 15:00, still within the tokens' lifetime
    late = request_leave(leave_api, 1)["id"]
    approve_current(leave_api, early)  # happens in the range too
    content = export(leave_api, **{"from": "2026-11-02T12:00:00Z", "to": "2026-11-02T18:00:00Z"})
    assert verify_offline(tmp_path, content, settings.audit_signing_key).returncode == 0
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    chains = {c["chain"]: c for c in manifest["chains"]}
    assert set(chains) == {str(early), str(late)}
    assert chains[str(late)]["first_seq"] == 1
    assert chains[str(early)]["first_seq"] > 1  # only the part inside the range
    assert manifest["scope"] == {"from": "2026-11-02T12:00:00+00:00",
                                 "to": "2026-11-02T18:00:00+00:00"}


def test_export_needs_exactly_one_scope(leave_api: ApiClient) -> None:
    url = "/api/v1/audit/export"
    assert leave_api.get(url, as_="auditor").status_code == 422
    both = {"instance_id": 1, "from": "2026-11-01T00:00:00Z"}
    assert leave_api.get(url, as_="auditor", query_string=both).status_code == 422
    assert leave_api.get(url, as_="auditor",
                         query_string={"instance_id": 9999}).status_code == 404
    assert leave_api.get(url, as_="zhang", query_string={"instance_id": 1}).status_code == 403
