"""Reading attachments: whoever may see the case may read its attachments, an upload not yet
attached only its uploader, and nobody else learns that it exists (404).

The applicant of a case reads only the files the diagram lets them read: their own uploads, and
files cited by a data field they may read (``workflows/instances/visibility.py``). Staff's files
(an objection's investigation material, an exam-room incident's evidence) stay with staff, as
"absent" (404) as a file of someone else's case.

Reads by staff, administrators and auditors are recorded in the access log, as other reads of
personal data are (docs/audit.md); an applicant reading their own case is not.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Attachment, AuditAccessLog, ProcessInstance
from workflows.core.actors import Actor
from workflows.core.blobs import BlobMissing
from workflows.core.errors import NotFound
from workflows.core.unit_of_work import UnitOfWork
from workflows.instances import visibility
from workflows.instances.lifecycle import may_view

UNLOGGED_ROLES = frozenset({"applicant"})


@dataclass(frozen=True)
class Download:
    attachment: Attachment
    content: Iterator[bytes]


def _visible(session: Session, public_id: str, actor: Actor) -> Attachment:
    row = session.scalar(sa.select(Attachment).where(Attachment.public_id == public_id))
    if row is not None and row.uploaded_by == actor.id:
        return row
    if row is not None and row.instance_id is not None:
        instance = session.get(ProcessInstance, row.instance_id)
        if (instance is not None and may_view(session, instance, actor)
                and _readable(session, instance, actor, row)):
            return row
    raise NotFound("没有这个附件")


def _applicant_may_read(session: Session, instance: ProcessInstance, actor: Actor
                        ) -> set[str] | None:
    return visibility.cited_ids(session, instance, actor)


def _readable(session: Session, instance: ProcessInstance, actor: Actor,
              row: Attachment) -> bool:
    if row.uploaded_by == actor.id:
        return True
    allowed = _applicant_may_read(session, instance, actor)
    return allowed is None or row.public_id in allowed


def _log_read(uow: UnitOfWork, row: Attachment, actor: Actor, action: str) -> None:
    if actor.role in UNLOGGED_ROLES:
        return
    uow.session.add(AuditAccessLog(
        at=uow.runtime.now(), actor_id=actor.id, role=actor.role, action=action,
        resource=f"/api/v1/attachments/{row.public_id}", instance_id=row.instance_id,
        detail={"sha256": row.sha256, "filename": row.filename}))


def describe_attachment(public_id: str, *, actor: Actor, uow: UnitOfWork) -> Attachment:
    """An attachment's name, type, size and hash, for those who may see it."""
    with uow:
        row = _visible(uow.session, public_id, actor)
        _log_read(uow, row, actor, "attachments.describe")
        uow.commit(keep_loaded=True)
        return row


def list_case_attachments(instance_id: int, *, actor: Actor, uow: UnitOfWork) -> list[Attachment]:
    """The files attached to a case, in the order they were attached."""
    with uow:
        instance = uow.session.get(ProcessInstance, instance_id)
        if instance is None or not may_view(uow.session, instance, actor):
            raise NotFound(f"instance {instance_id} does not exist")
        rows = list(uow.session.scalars(sa.select(Attachment).where(
            Attachment.instance_id == instance_id).order_by(Attachment.attached_at,
                                                             Attachment.id)))
        allowed = _applicant_may_read(uow.session, instance, actor)
        if allowed is not None:  # staff's files stay with staff
            rows = [row for row in rows if row.uploaded_by == actor.id
                    or row.public_id in allowed]
        if actor.role not in UNLOGGED_ROLES:
            uow.session.add(AuditAccessLog(
                at=uow.runtime.now(), actor_id=actor.id, role=actor.role,
                action="attachments.list",
                resource=f"/api/v1/attachments?instance_id={instance_id}",
                instance_id=instance_id, detail={"count": len(rows)}))
        uow.commit(keep_loaded=True)
        return rows


def open_attachment(public_id: str, *, actor: Actor, uow: UnitOfWork) -> Download:
    """An attachment's bytes, streamed from the store; the read is logged before any leaves."""
    with uow:
        row = _visible(uow.session, public_id, actor)
        try:
            content = uow.runtime.blobs.read(row.sha256)
        except BlobMissing:
            raise NotFound("附件的文件已缺失，请联系系统管理员（审计核验会报告此事）") from None
        _log_read(uow, row, actor, "attachments.download")
        uow.commit(keep_loaded=True)
        return Download(row, content)
