"""Receiving one uploaded file: written to a spool file piece by piece while it is hashed and
counted, so memory stays flat whatever the size, and refused the moment it passes its limit."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from types import TracebackType

from workflows.core.errors import FileTooLarge


class Spool:
    def __init__(self, directory: Path, *, limit: int) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=directory, prefix="upload-", suffix=".part")
        self._file = os.fdopen(descriptor, "wb")
        self.path = Path(name)
        self.limit = limit
        self.size = 0
        self._hash = hashlib.sha256()

    def write(self, piece: bytes) -> None:
        self.size += len(piece)
        if self.size > self.limit:
            self.discard()
            raise FileTooLarge(f"文件超过了 {_megabytes(self.limit)} 的上限，未保存")
        self._hash.update(piece)
        self._file.write(piece)

    def finish(self) -> str:
        """Close the spool file; the SHA-256 of everything written."""
        self._file.close()
        return self._hash.hexdigest()

    def discard(self) -> None:
        """Forget the file (idempotent; a file already moved into a store is left alone)."""
        self._file.close()
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.discard()


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"
