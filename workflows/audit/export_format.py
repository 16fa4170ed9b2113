"""The audit export format, its signature, and the offline verifier (standard library only).

An export is a zip of JSON Lines files plus ``manifest.json`` (what is inside, the SHA-256 of
every file, the chain heads) and ``signature.json`` (HMAC-SHA256 of the manifest's exact bytes
under the audit signing key). Verifying needs the file and the key, nothing else::

    python -m workflows.audit.export_format verify export.zip --key-file audit.key
    CERTFLOW_AUDIT_SIGNING_KEY=... python -m workflows.audit.export_format verify export.zip

It checks the signature, every file's hash, and recomputes every event's hash and chain link,
so any edited, removed, reordered or added line, or an edited manifest, fails.
This module must not import the database layer: auditors run it on their own machine.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import io
import json
import os
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

FORMAT = "certflow-audit-export/1"
GENESIS = "0" * 64
# Keys once shipped as defaults (the same set as ``config.settings.PUBLISHED_KEYS``, repeated
# so this file stays standard-library only): anyone can sign with them, so a signature under
# one proves nothing and the verifier refuses to use them.
PUBLISHED_KEYS = frozenset({
    "dev-only-secret-change-me-in-production-0123456789",
    "dev-only-audit-signing-key-change-me-0123456789",
})
MANIFEST = "manifest.json"
SIGNATURE = "signature.json"
EVENTS = "events.jsonl"
HASH_RULE = (
    "hash = sha256(canonical JSON of {instance_id, seq, kind, at, actor_id, task_name, payload, "
    "prev}), canonical = keys sorted, separators ',' and ':', UTF-8, non-ASCII kept; prev is the "
    "previous event's hash in the same chain (one chain per instance, one for definitions; the "
    "first event's prev is 64 zeros)")
README = f"""certflow audit export ({FORMAT})

Files: {EVENTS} (one history event per line, in chain order), instances.jsonl (the instances
the events belong to, as stored at export time), actors.jsonl (who acted), definitions.jsonl
(the pinned process definitions by content hash), {MANIFEST} (SHA-256 of every file, event
count, chain heads, exporter, time) and {SIGNATURE} (HMAC-SHA256 over {MANIFEST}'s bytes).

Event hash rule: {HASH_RULE}.

Verify offline (needs Python 3.11+ and the audit signing key, no database):
    python -m workflows.audit.export_format verify <this file> --key-file <key file>
"""


def jsonl(rows: Iterable[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(row, ensure_ascii=False, sort_keys=True).encode() + b"\n"
                    for row in rows)


def event_hash(event: dict[str, Any], prev_hash: str) -> str:
    """The same rule as ``workflows.core.history.event_hash``, on an exported (plain) event."""
    canonical = json.dumps({
        "instance_id": event["instance_id"], "seq": event["seq"], "kind": event["kind"],
        "at": event["at"], "actor_id": event["actor_id"], "task_name": event["task_name"],
        "payload": event["payload"], "prev": prev_hash,
    }, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def sign(key: str, data: bytes) -> str:
    return hmac.new(key.encode(), data, hashlib.sha256).hexdigest()


def pack(files: dict[str, bytes], manifest: dict[str, Any], key: str) -> bytes:
    """Zip ``files`` with a manifest describing them and a signature over the manifest."""
    files = {"README.txt": README.encode(), **files}
    manifest = {**manifest, "format": FORMAT, "hash_rule": HASH_RULE, "files": {
        name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        for name, data in sorted(files.items())}}
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2,
                                sort_keys=True).encode()
    signature = {"algorithm": "HMAC-SHA256", "signed_file": MANIFEST,
                 "value": sign(key, manifest_bytes)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr(MANIFEST, manifest_bytes)
        archive.writestr(SIGNATURE, json.dumps(signature, indent=2))
    return buffer.getvalue()


def verify(archive_bytes: bytes, key: str) -> tuple[list[str], dict[str, Any]]:
    """Problems found (empty when the export is intact) and the manifest (if readable)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(archive_bytes))
        contents = {name: archive.read(name) for name in archive.namelist()}
    except (zipfile.BadZipFile, OSError) as error:
        return [f"not a readable zip file: {error}"], {}
    if MANIFEST not in contents or SIGNATURE not in contents:
        return [f"{MANIFEST} or {SIGNATURE} is missing"], {}
    problems: list[str] = []
    try:
        signature = json.loads(contents[SIGNATURE])
        manifest = json.loads(contents[MANIFEST])
    except ValueError as error:
        return [f"manifest or signature is not JSON: {error}"], {}
    if not hmac.compare_digest(str(signature.get("value", "")), sign(key, contents[MANIFEST])):
        problems.append("the manifest's signature does not verify with this key")
    listed = manifest.get("files", {})
    for name, expected in sorted(listed.items()):
        data = contents.get(name)
        if data is None:
            problems.append(f"{name} is listed in the manifest but missing")
        elif hashlib.sha256(data).hexdigest() != expected.get("sha256"):
            problems.append(f"{name} does not match its SHA-256 in the manifest")
    for name in sorted(set(contents) - set(listed) - {MANIFEST, SIGNATURE}):
        problems.append(f"{name} is not listed in the manifest")
    if EVENTS in contents:
        problems += _check_events(contents[EVENTS], manifest)
    return problems, manifest


def _check_events(data: bytes, manifest: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    try:
        events = [json.loads(line) for line in data.decode().splitlines() if line.strip()]
    except ValueError as error:
        return [f"{EVENTS} has a line that is not JSON: {error}"]
    if len(events) != manifest.get("event_count"):
        problems.append(f"{EVENTS} holds {len(events)} events, the manifest says "
                        f"{manifest.get('event_count')}")
    chains: dict[str, dict[str, Any]] = {}
    for number, event in enumerate(events, start=1):
        chain_key = "definitions" if event["instance_id"] is None else str(event["instance_id"])
        chain = chains.get(chain_key)
        prev = chain["last_hash"] if chain else event["prev_hash"]
        if chain and event["seq"] != chain["last_seq"] + 1:
            problems.append(f"line {number}: chain {chain_key} jumps from seq "
                            f"{chain['last_seq']} to {event['seq']}")
        if event["prev_hash"] != prev or (event["seq"] == 1 and prev != GENESIS):
            problems.append(f"line {number}: chain {chain_key} seq {event['seq']} does not link "
                            "to the previous event")
        if event_hash(event, event["prev_hash"]) != event["hash"]:
            problems.append(f"line {number}: chain {chain_key} seq {event['seq']} does not "
                            "match its hash")
        if chain is None:
            chain = chains[chain_key] = {"first_seq": event["seq"],
                                         "first_prev_hash": event["prev_hash"]}
        chain.update(last_seq=event["seq"], last_hash=event["hash"])
    declared = {str(c["chain"]): c for c in manifest.get("chains", [])}
    for chain_key in sorted(set(declared) | set(chains)):
        found, said = chains.get(chain_key), declared.get(chain_key)
        if found is None or said is None:
            problems.append(f"chain {chain_key} is in only one of {EVENTS} and the manifest")
            continue
        for field in ("first_seq", "first_prev_hash", "last_seq", "last_hash"):
            if found[field] != said.get(field):
                problems.append(f"chain {chain_key}: {field} differs from the manifest")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workflows.audit.export_format",
                                     description="Verify a certflow audit export offline.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("verify", help="check signature, file hashes and hash chains")
    check.add_argument("file")
    keys = check.add_mutually_exclusive_group()
    keys.add_argument("--key", help="the audit signing key (prefer --key-file or the env var)")
    keys.add_argument("--key-file", help="a file holding the audit signing key")
    args = parser.parse_args(argv)
    key = args.key or (Path(args.key_file).read_text(encoding="utf-8").strip() if args.key_file
                       else os.environ.get("CERTFLOW_AUDIT_SIGNING_KEY", ""))
    if not key:
        print("no key: pass --key-file or set CERTFLOW_AUDIT_SIGNING_KEY", file=sys.stderr)
        return 2
    if key in PUBLISHED_KEYS:
        print("refused: this key was published with certflow, so anyone could have signed the "
              "export; ask for the deployment's CERTFLOW_AUDIT_SIGNING_KEY", file=sys.stderr)
        return 2
    problems, manifest = verify(Path(args.file).read_bytes(), key)
    for problem in problems:
        print(f"FAIL {problem}")
    if problems:
        return 1
    print(f"OK {manifest.get('event_count')} events in {len(manifest.get('chains', []))} "
          f"chain(s), exported {manifest.get('created_at')} by "
          f"{manifest.get('exporter', {}).get('username')}; signature and hashes verified")
    return 0


if __name__ == "__main__":
    sys.exit(main())
