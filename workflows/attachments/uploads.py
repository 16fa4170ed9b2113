"""Uploading a file, and removing uploads nobody attached to a case.

An upload belongs to its uploader until a submitted form attaches it to a case; one never
attached is removed after ``CERTFLOW_ATTACHMENT_ORPHAN_HOURS``, and its file with it when no
other upload has the same content.
"""

from __future__ import annotations

import secrets
import unicodedata
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from models import Attachment
from workflows.attachments.sniff import LABELS, sniff
from workflows.attachments.spool import Spool
from workflows.core.actors import Actor
from workflows.core.errors import InvalidUpload, NotAllowed, UnsupportedFileType
from workflows.core.runtime import Runtime
from workflows.core.unit_of_work import UnitOfWork, UnitOfWorkFactory

# A file stays in the store this long after its last upload, even if unreferenced, so an
# upload being committed while the clean-up runs never loses its file.
PUT_GRACE = timedelta(hours=1)
ORPHAN_BATCH = 500


def open_spool(runtime: Runtime) -> Spool:
    """A spool for one incoming file, limited to ``CERTFLOW_ATTACHMENT_MAX_BYTES``."""
    settings = runtime.settings
    return Spool(Path(settings.attachment_dir) / "incoming", limit=settings.attachment_max_bytes)


def display_name(name: str | None) -> str:
    """The uploader's file name, for display only: no folders, no control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return cleaned[:200] or "未命名文件"


def save_upload(spool: Spool, *, filename: str | None, actor: Actor,
                uow: UnitOfWork) -> Attachment:
    """Keep a received file, if its content is an accepted type, as the actor's upload."""
    with spool:
        if actor.is_auditor:
            raise NotAllowed("审计员只读，不能上传文件")
        sha256 = spool.finish()
        if spool.size == 0:
            raise InvalidUpload("文件是空的")
        media_type = sniff(spool.path)
        if media_type is None:
            raise UnsupportedFileType(
                f"只接受 {'、'.join(LABELS.values())} 文件；此文件的内容不是其中任何一种"
                "（按内容判断，与文件名无关）")
        at = uow.runtime.now()
        uow.runtime.blobs.put(sha256, spool.path, at=at)
    with uow:
        row = Attachment(public_id=secrets.token_urlsafe(24), sha256=sha256, size=spool.size,
                         media_type=media_type, filename=display_name(filename),
                         uploaded_by=actor.id, uploaded_at=at)
        uow.session.add(row)
        uow.commit(keep_loaded=True)
    return row


def remove_orphans(*, uows: UnitOfWorkFactory, older_than: timedelta) -> int:
    """Remove uploads never attached and older than ``older_than``; how many went."""
    removed = 0
    while True:
        uow = uows()
        with uow:
            now = uow.runtime.now()
            rows = uow.session.execute(
                sa.select(Attachment.id, Attachment.sha256)
                .where(Attachment.instance_id.is_(None),
                       Attachment.uploaded_at < now - older_than)
                .order_by(Attachment.id).limit(ORPHAN_BATCH)).all()
            if not rows:
                return removed
            uow.session.execute(sa.delete(Attachment).where(
                Attachment.id.in_([row.id for row in rows]), Attachment.instance_id.is_(None)))
            uow.commit()
        removed += len(rows)
        _drop_unreferenced({row.sha256 for row in rows}, uows=uows)


def _drop_unreferenced(hashes: set[str], *, uows: UnitOfWorkFactory) -> None:
    uow = uows(write=False)
    with uow:
        now = uow.runtime.now()
        kept = set(uow.session.scalars(sa.select(Attachment.sha256)
                                       .where(Attachment.sha256.in_(hashes))))
    for sha256 in sorted(hashes - kept):
        uow.runtime.blobs.delete(sha256, put_before=now - PUT_GRACE)
