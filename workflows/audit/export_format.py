"""The audit export format, its signature, and the offline verifier (standard library only).

An export is a zip of JSON Lines files plus ``manifest.json`` (what is inside, the SHA-256 of
every file, the chain heads) and ``signature.json`` (HMAC-SHA256 of the manifest's exact bytes
under the audit signing key). Verifying needs the file and the key, nothing else::

    python -m workflows.audit.export_format verify export.zip --key-file audit.key
    CERTFLOW_AUDIT_SIGNING_KEY=... python -m workflows.audit.export_format verify export.zip

It checks the signature, every file's hash, that every file an event attached is included with
the SHA-256 and size the event recorded, and recomputes every event's hash and chain link,
so any edited, removed, reordered or added line, or an edited manifest, fails. Event hashes are
keyed (format 2): an HMAC under a key derived from the audit signing key, so an event appended
to the database by someone without the key fails here too.
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

FORMAT = "certflow-audit-export/2"  # /1 (unkeyed chains only) is still verified
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
ATTACHMENTS = "attachments/"
KEYED = 2
HASH_RULE = (
    "hash_version 2: hash = HMAC-SHA256(chain key, canonical JSON of {instance_id, seq, kind, "
    "at, actor_id, task_name, payload, prev}), chain key = HMAC-SHA256(audit signing key, "
    "'certflow event chain'); hash_version 1 (events written before chains were keyed): hash "
    "= SHA-256(the same canonical JSON), accepted only up to the chain's unkeyed_until in the "
    "manifest and never after a version 2 event; canonical = keys sorted, separators ',' and "
    "':', UTF-8, non-ASCII kept; prev is the previous event's hash in the same chain (one chain "
    "per instance, one for definitions; the first event's prev is 64 zeros)")
README = f"""certflow audit export ({FORMAT})

Files: {EVENTS} (one history event per line, in chain order), instances.jsonl (the instances
the events belong to, as stored at export time), actors.jsonl (who acted), definitions.jsonl
(the pinned process definitions by content hash), attachments/<sha256> (each file an event
attached, named by the SHA-256 the event recorded; hash and size are checked), {MANIFEST}
(SHA-256 of every file, event count, chain heads, exporter, time) and {SIGNATURE}
(HMAC-SHA256 over {MANIFEST}'s bytes).

Event hash rule: {HASH_RULE}.

Verify offline (needs Python 3.11+ and the audit signing key, no database):
    python -m workflows.audit.export_format verify <this file> --key-file <key file>
"""


def jsonl(rows: Iterable[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(row, ensure_ascii=False, sort_keys=True).encode() + b"\n"
                    for row in rows)


def chain_key(signing_key: str) -> bytes:
    """The same derivation as ``workflows.core.history.chain_key``."""
    return hmac.digest(signing_key.encode(), b"certflow event chain", "sha256")


def event_hash(event: dict[str, Any], prev_hash: str, key: bytes) -> str:
    """The same rule as ``workflows.core.history.event_hash``, on an exported (plain) event:
    keyed for ``hash_version`` 2, plain SHA-256 for 1 (and for exports of format 1)."""
    canonical = json.dumps({
        "instance_id": event["instance_id"], "seq": event["seq"], "kind": event["kind"],
        "at": event["at"], "actor_id": event["actor_id"], "task_name": event["task_name"],
        "payload": event["payload"], "prev": prev_hash,
    }, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()
    if event.get("hash_version", 1) == KEYED:
        return hmac.digest(key, canonical, "sha256").hex()
    return hashlib.sha256(canonical).hexdigest()


def attachment_name(sha256: str) -> str:
    """Where an attached file is in the archive: named by the SHA-256 its event recorded."""
    return ATTACHMENTS + sha256


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
        problems += _check_events(contents[EVENTS], manifest, chain_key(key))
        problems += _check_attachments(contents[EVENTS], contents)
    return problems, manifest


def _check_attachments(data: bytes, contents: dict[str, bytes]) -> list[str]:
    """Every file an event attached is in the archive with the hash and size it recorded."""
    problems: list[str] = []
    try:
        events = [json.loads(line) for line in data.decode().splitlines() if line.strip()]
    except ValueError:
        return problems  # reported by _check_events
    for event in events:
        payload = event.get("payload") if isinstance(event.get("payload"), dict) else {}
        for item in payload.get("attachments") or ():
            sha256, size = str(item.get("sha256")), item.get("size")
            where = (f"chain {event.get('instance_id')} seq {event.get('seq')}: attached file "
                     f"{item.get('filename')!r} ({sha256[:12]}…)")
            found = contents.get(attachment_name(sha256))
            if found is None:
                problems.append(f"{where} is missing from the export")
            elif hashlib.sha256(found).hexdigest() != sha256 or len(found) != size:
                problems.append(f"{where} changed: its content does not have the SHA-256 "
                                "and size its event recorded")
    return problems


def _check_events(data: bytes, manifest: dict[str, Any], key: bytes) -> list[str]:
    problems: list[str] = []
    try:
        events = [json.loads(line) for line in data.decode().splitlines() if line.strip()]
    except ValueError as error:
        return [f"{EVENTS} has a line that is not JSON: {error}"]
    if len(events) != manifest.get("event_count"):
        problems.append(f"{EVENTS} holds {len(events)} events, the manifest says "
                        f"{manifest.get('event_count')}")
    declared = {str(c["chain"]): c for c in manifest.get("chains", [])}
    chains: dict[str, dict[str, Any]] = {}
    for number, event in enumerate(events, start=1):
        name = "definitions" if event["instance_id"] is None else str(event["instance_id"])
        chain = chains.get(name)
        prev = chain["last_hash"] if chain else event["prev_hash"]
        if chain and event["seq"] != chain["last_seq"] + 1:
            problems.append(f"line {number}: chain {name} jumps from seq "
                            f"{chain['last_seq']} to {event['seq']}")
        if event["prev_hash"] != prev or (event["seq"] == 1 and prev != GENESIS):
            problems.append(f"line {number}: chain {name} seq {event['seq']} does not link "
                            "to the previous event")
        if event.get("hash_version", 1) not in (1, KEYED):
            problems.append(f"line {number}: chain {name} seq {event['seq']} has an unknown "
                            f"hash_version {event.get('hash_version')}")
        elif event_hash(event, event["prev_hash"], key) != event["hash"]:
            problems.append(f"line {number}: chain {name} seq {event['seq']} does not "
                            "match its hash (altered, or hashed without the chain key)")
        elif event.get("hash_version", 1) != KEYED and (
                (chain or {}).get("keyed") or _past_adoption(event, declared.get(name))):
            problems.append(f"line {number}: chain {name} seq {event['seq']} is unkeyed where "
                            "only keyed events are accepted (written without the chain key)")
        if chain is None:
            chain = chains[name] = {"first_seq": event["seq"],
                                    "first_prev_hash": event["prev_hash"], "keyed": False}
        chain.update(last_seq=event["seq"], last_hash=event["hash"],
                     keyed=chain["keyed"] or event.get("hash_version", 1) == KEYED)
    for name in sorted(set(declared) | set(chains)):
        found, said = chains.get(name), declared.get(name)
        if found is None or said is None:
            problems.append(f"chain {name} is in only one of {EVENTS} and the manifest")
            continue
        for field in ("first_seq", "first_prev_hash", "last_seq", "last_hash"):
            if found[field] != said.get(field):
                problems.append(f"chain {name}: {field} differs from the manifest")
    return problems


def _past_adoption(event: dict[str, Any], chain: dict[str, Any] | None) -> bool:
    """Whether an unkeyed event lies past what the adopting anchor attested for its chain
    (``unkeyed_until`` null or absent: no anchor had adopted the unkeyed events yet)."""
    limit = (chain or {}).get("unkeyed_until")
    return limit is not None and event["seq"] > limit


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
