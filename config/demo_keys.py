"""The demo's own signing keys: random, made once and kept beside the demo database.

Demo mode (``CERTFLOW_DEMO=1``: ``scripts/run-demo.sh``, ``certflow seed-demo``, ``certflow
serve --demo``) needs no keys from the user, yet every demo command and every restart must sign
with the same ones, or the anchors written yesterday would no longer verify. Nothing published
can sign for a demo: the keys are made on first use, readable by their owner only.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from config.paths import PROJECT_ROOT

FILE_NAME = "demo-keys.json"


def key_file(database_url: str) -> Path:
    """Beside a SQLite database; in ``instance/`` for any other database."""
    if database_url.startswith("sqlite:///") and ":memory:" not in database_url:
        return Path(database_url.removeprefix("sqlite:///")).parent / FILE_NAME
    return PROJECT_ROOT / "instance" / FILE_NAME


def demo_keys(database_url: str) -> dict[str, str]:
    """``secret_key`` and ``audit_signing_key`` of this demo, made on first call."""
    path = key_file(database_url)
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    keys = {"secret_key": secrets.token_urlsafe(48),
            "audit_signing_key": secrets.token_urlsafe(48)}
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another demo command made them a moment ago
        return json.loads(path.read_text(encoding="utf-8"))
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(keys, handle)
    return keys
