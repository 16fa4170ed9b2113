"""Attachments' files against the history: each file an event attached is re-read from the
store and re-hashed, so a file changed or removed behind the service's back is reported.

The SHA-256, size, type and name of every attached file are in the hash-chained event that
attached it (``payload["attachments"]``), so neither the file nor the ``attachment`` row can be
changed without this check, or the chain check, noticing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from workflows.core.blobs import BlobMissing, BlobStore


def attached_files(events: Iterable[Any]) -> list[dict[str, Any]]:
    """What the events recorded of the files they attached, with where (instance, seq)."""
    found = []
    for event in events:
        payload = event.payload if isinstance(event.payload, dict) else {}
        for item in payload.get("attachments") or ():
            if isinstance(item, dict):
                found.append({**item, "instance_id": event.instance_id, "seq": event.seq})
    return found


def rehash(store: BlobStore, sha256: str) -> tuple[str, int] | None:
    """The SHA-256 and size of what the store holds under ``sha256`` (None: missing)."""
    digest, size = hashlib.sha256(), 0
    try:
        for piece in store.read(sha256):
            digest.update(piece)
            size += len(piece)
    except (BlobMissing, ValueError):
        return None
    return digest.hexdigest(), size


def file_problems(store: BlobStore, recorded: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One finding per attached file that went missing or no longer matches its event."""
    checked: dict[str, tuple[str, int] | None] = {}
    findings = []
    for item in recorded:
        sha256 = str(item.get("sha256", ""))
        if sha256 not in checked:
            checked[sha256] = rehash(store, sha256)
        found = checked[sha256]
        where = {"instance_id": item["instance_id"], "seq": item["seq"],
                 "attachment_id": item.get("id"), "filename": item.get("filename")}
        if found is None:
            findings.append({**where, "problem": "the attached file is missing from the store"})
        elif found != (sha256, item.get("size")):
            findings.append({**where, "problem": "the attached file changed: its content no "
                                                 "longer has the SHA-256 and size its event "
                                                 "recorded"})
    return findings
