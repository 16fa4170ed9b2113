"""What use cases need of a file store: files addressed by the SHA-256 of their bytes.

The backends (a local directory, the service's database) live in ``workflows.attachments.store``;
``workflows.bootstrap`` picks one by ``CERTFLOW_ATTACHMENT_STORE`` and hands it to the runtime.
An object store can be added later by implementing this protocol.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Protocol


class BlobMissing(Exception):
    """The store holds no file with that hash."""


class BlobStore(Protocol):
    name: str

    def put(self, sha256: str, source: Path, *, at: datetime) -> None:
        """Keep the file at ``source`` (whose hash the caller computed) under ``sha256``.

        Idempotent; ``source`` may be moved away. ``at`` marks the file as just put, so a
        clean-up running meanwhile leaves it alone (``delete``'s ``put_before``).
        """

    def read(self, sha256: str) -> Iterator[bytes]:
        """The file's bytes in pieces; raises ``BlobMissing`` at once if it is not there."""

    def exists(self, sha256: str) -> bool: ...

    def delete(self, sha256: str, *, put_before: datetime) -> bool:
        """Remove the file unless it was put at or after ``put_before``; whether it went."""

    def hashes(self) -> Iterator[str]:
        """Every stored file's hash (backups, verification)."""
