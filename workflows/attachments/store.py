"""The two file stores behind ``workflows.core.blobs.BlobStore``, chosen by a setting.

``local`` (default) keeps each file once under ``<dir>/files/<ab>/<sha256>``; ``database`` keeps
it in the service's database in 1 MiB chunks, so several API machines share one store and
neither writing nor reading ever holds a whole file in memory. Names given by uploaders never
reach either: the hash is the only key.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from config import Settings
from models import StoredBlob, StoredChunk
from workflows.core.blobs import BlobMissing, BlobStore

CHUNK = 1024 * 1024
READ_PIECE = 64 * 1024
_HASH = re.compile(r"^[0-9a-f]{64}$")


def _checked(sha256: str) -> str:
    if not _HASH.match(sha256):
        raise ValueError("not a SHA-256 hex digest")
    return sha256


class LocalBlobStore:
    """Files in a directory of this machine (one API machine, or a shared file system)."""

    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / "files" / sha256[:2] / _checked(sha256)

    def put(self, sha256: str, source: Path, *, at: datetime) -> None:
        target = self.path(sha256)
        stamp = at.timestamp()
        if target.exists():
            source.unlink(missing_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            staging = target.with_name(f".{sha256}.{os.getpid()}.part")
            shutil.move(source, staging)  # a rename when the spool is on the same disk
            os.replace(staging, target)  # readers see the whole file or none
        os.utime(target, (stamp, stamp))

    def read(self, sha256: str) -> Iterator[bytes]:
        try:
            handle = self.path(sha256).open("rb")
        except FileNotFoundError:
            raise BlobMissing(sha256) from None
        return _pieces(handle)

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def delete(self, sha256: str, *, put_before: datetime) -> bool:
        target = self.path(sha256)
        try:
            if target.stat().st_mtime >= put_before.timestamp():
                return False
            target.unlink()
        except FileNotFoundError:
            return False
        return True

    def hashes(self) -> Iterator[str]:
        files = self.root / "files"
        if not files.is_dir():
            return
        for folder in sorted(files.iterdir()):
            for entry in sorted(folder.iterdir()) if folder.is_dir() else ():
                if _HASH.match(entry.name):
                    yield entry.name


def _pieces(handle: BinaryIO) -> Iterator[bytes]:
    with handle:
        while piece := handle.read(READ_PIECE):
            yield piece


class DatabaseBlobStore:
    """Files in the service's database (PostgreSQL when scaled out), in chunks.

    It has its own small connection pool: a download is read one chunk per short query after
    the request's transaction has ended, and an upload is written before the use case's
    transaction starts (so SQLite's single writer is never waited on by itself).
    """

    name = "database"

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self._engine: sa.Engine | None = None

    @property
    def engine(self) -> sa.Engine:
        if self._engine is None:
            if self.database_url.startswith("sqlite"):
                self._engine = sa.create_engine(
                    self.database_url, connect_args={"check_same_thread": False, "timeout": 30})
            else:
                self._engine = sa.create_engine(self.database_url, pool_size=2, max_overflow=8,
                                                pool_recycle=1800)
        return self._engine

    def put(self, sha256: str, source: Path, *, at: datetime) -> None:
        _checked(sha256)
        try:
            with self.engine.begin() as connection:
                if connection.execute(sa.update(StoredBlob).where(StoredBlob.sha256 == sha256)
                                      .values(stored_at=at)).rowcount:
                    return
                connection.execute(sa.insert(StoredBlob).values(
                    sha256=sha256, size=source.stat().st_size, stored_at=at))
                with source.open("rb") as handle:
                    seq = 0
                    while piece := handle.read(CHUNK):
                        connection.execute(sa.insert(StoredChunk).values(
                            sha256=sha256, seq=seq, data=piece))
                        seq += 1
        except IntegrityError:
            # The same file was being stored concurrently and got there first.
            with self.engine.begin() as connection:
                connection.execute(sa.update(StoredBlob).where(StoredBlob.sha256 == sha256)
                                   .values(stored_at=at))
        finally:
            source.unlink(missing_ok=True)

    def read(self, sha256: str) -> Iterator[bytes]:
        with self.engine.connect() as connection:
            count = connection.scalar(sa.select(sa.func.count()).select_from(StoredChunk)
                                      .where(StoredChunk.sha256 == sha256))
            known = connection.scalar(sa.select(StoredBlob.size)
                                      .where(StoredBlob.sha256 == sha256))
        if known is None:
            raise BlobMissing(sha256)
        return self._chunks(sha256, count or 0)

    def _chunks(self, sha256: str, count: int) -> Iterator[bytes]:
        for seq in range(count):
            with self.engine.connect() as connection:
                piece = connection.scalar(sa.select(StoredChunk.data).where(
                    StoredChunk.sha256 == sha256, StoredChunk.seq == seq))
            if piece is None:  # removed meanwhile: end the answer short rather than hang
                return
            yield bytes(piece)

    def exists(self, sha256: str) -> bool:
        with self.engine.connect() as connection:
            return connection.scalar(sa.select(StoredBlob.sha256)
                                     .where(StoredBlob.sha256 == sha256)) is not None

    def delete(self, sha256: str, *, put_before: datetime) -> bool:
        with self.engine.begin() as connection:
            query = sa.select(StoredBlob.sha256).where(StoredBlob.sha256 == sha256,
                                                       StoredBlob.stored_at < put_before)
            if connection.dialect.name != "sqlite":
                query = query.with_for_update()  # a concurrent put waits, then stores anew
            if connection.scalar(query) is None:
                return False
            connection.execute(sa.delete(StoredChunk).where(StoredChunk.sha256 == sha256))
            connection.execute(sa.delete(StoredBlob).where(StoredBlob.sha256 == sha256))
        return True

    def hashes(self) -> Iterator[str]:
        with self.engine.connect() as connection:
            found = list(connection.scalars(sa.select(StoredBlob.sha256)
                                            .order_by(StoredBlob.sha256)))
        yield from found


def make_store(settings: Settings) -> BlobStore:
    """The store ``CERTFLOW_ATTACHMENT_STORE`` names."""
    if settings.attachment_store == "database":
        return DatabaseBlobStore(settings.database_url)
    return LocalBlobStore(settings.attachment_dir)
