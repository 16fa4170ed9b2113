"""Back up and restore the database and the attachments' files, and check every history chain
and every attached file of a restored copy.

SQLite uses the online backup API (a consistent copy even while the service runs, WAL
included); PostgreSQL uses ``pg_dump --format=custom`` / ``pg_restore``, which must be on the
PATH and at least as new as the server. Files of the ``database`` attachment store are inside
the database; those of the ``local`` store are copied beside the backup, into
``<backup>.attachments/`` (content-addressed, so a file already there is not copied again).
See docs/operations.md.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from models import Attachment, ProcessEvent, ProcessInstance
from workflows.audit.files import rehash
from workflows.core.blobs import BlobStore
from workflows.core.history import verify_instance_chain


class BackupError(Exception):
    """A backup or restore could not be done; the message says why."""


def backup_database(database_url: str, target: Path) -> None:
    """Write a consistent backup of the database to ``target`` (a file)."""
    url = make_url(database_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        source = _sqlite_path(url)
        if not source.exists():
            raise BackupError(f"no database at {source}")
        _sqlite_copy(source, target, read_only_source=True)
        _sqlite_check(target)
    elif url.get_backend_name() == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
              "--file", str(target), "--dbname", _libpq_url(url)], url)
    else:
        raise BackupError(f"cannot back up a {url.get_backend_name()} database")


def restore_database(database_url: str, source: Path, *, force: bool = False) -> None:
    """Replace the database's content with the backup in ``source``. Stop the service first."""
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        target = _sqlite_path(url)
        if target.exists() and target.stat().st_size > 0 and not force:
            raise BackupError(f"{target} exists; pass --force to overwrite it")
        _sqlite_check(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(source, target, read_only_source=True)
    elif url.get_backend_name() == "postgresql":
        if not force and _has_tables(database_url):
            raise BackupError(f"database {url.database} has tables; pass --force to replace "
                              "them")
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--exit-on-error", "--single-transaction", "--dbname", _libpq_url(url),
              str(source)], url)
    else:
        raise BackupError(f"cannot restore a {url.get_backend_name()} database")


def files_beside(backup: Path) -> Path:
    """Where the local store's files of ``backup`` are kept."""
    return backup.with_name(backup.name + ".attachments")


def copy_files(source: Path, target: Path) -> int:
    """Copy a local store's ``files`` tree (``<ab>/<sha256>``); how many files were new."""
    copied = 0
    if not source.is_dir():
        return copied
    for folder in sorted(source.iterdir()):
        if not folder.is_dir():
            continue
        for item in sorted(folder.iterdir()):
            if item.name.startswith(".") or not item.is_file():
                continue  # a file being written (``.<sha>.<pid>.part``)
            destination = target / folder.name / item.name
            if destination.exists():
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            partial = destination.with_name(f".{item.name}.restore")
            shutil.copyfile(item, partial)
            os.replace(partial, destination)
            copied += 1
    return copied


@dataclass
class ChainReport:
    instances: int = 0
    events: int = 0
    files: int = 0
    broken: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.broken


def verify_chains(database_url: str, *, key: bytes) -> ChainReport:
    """Check every instance's hash chain (``key``: the chain key) and that its stored head is
    the last event."""
    report = ChainReport()
    engine = sa.create_engine(database_url)
    try:
        with Session(engine) as session:
            for instance in session.scalars(sa.select(ProcessInstance)
                                            .order_by(ProcessInstance.id)):
                events = list(session.scalars(
                    sa.select(ProcessEvent).where(ProcessEvent.instance_id == instance.id)
                    .order_by(ProcessEvent.seq)))
                report.instances += 1
                report.events += len(events)
                bad_seq = verify_instance_chain(events, key=key)
                if bad_seq is not None:
                    report.broken.append(f"instance {instance.id}: chain breaks at seq {bad_seq}")
                elif (instance.last_event_seq, instance.last_event_hash) != (
                        (events[-1].seq, events[-1].hash) if events else (0, "")):
                    report.broken.append(f"instance {instance.id}: head does not match its "
                                         "last event (events missing at the end)")
    finally:
        engine.dispose()
    return report


def verify_files(database_url: str, store: BlobStore, report: ChainReport) -> None:
    """Every attachment's file is in ``store`` with the SHA-256 and size it was stored with."""
    engine = sa.create_engine(database_url)
    try:
        with Session(engine) as session:
            files = session.execute(sa.select(Attachment.sha256, sa.func.max(Attachment.size))
                                    .group_by(Attachment.sha256)
                                    .order_by(Attachment.sha256)).all()
    finally:
        engine.dispose()
    for sha256, size in files:
        report.files += 1
        found = rehash(store, sha256)
        if found is None:
            report.broken.append(f"attachment file {sha256} is missing")
        elif found != (sha256, size):
            report.broken.append(f"attachment file {sha256} changed (its content no longer "
                                 "has its SHA-256 and size)")


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path, *, read_only_source: bool) -> None:
    mode = "?mode=ro" if read_only_source else ""
    src = sqlite3.connect(f"file:{source}{mode}", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _sqlite_check(path: Path) -> None:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a usable SQLite database: {error}") from error
    finally:
        connection.close()
    if result is None or result[0] != "ok":
        raise BackupError(f"{path} failed its integrity check: {result}")


def _libpq_url(url: URL) -> str:
    """The URL for libpq tools: no driver suffix, no password (it goes in PGPASSWORD)."""
    return url.set(drivername="postgresql", password=None).render_as_string(
        hide_password=False)


def _run(command: list[str], url: URL) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client tools)")
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _has_tables(database_url: str) -> bool:
    engine = sa.create_engine(database_url)
    try:
        return bool(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
