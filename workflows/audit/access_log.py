"""Record that an auditor read personal data: every such read leaves a row of its own."""

from __future__ import annotations

from typing import Any

from models import AuditAccessLog
from workflows.core.actors import Actor
from workflows.core.unit_of_work import UnitOfWork

# Roles whose reads are recorded. Administrators run the system and are not logged here.
LOGGED_ROLES = frozenset({"auditor"})


def record_access(actor: Actor, *, action: str, resource: str, instance_id: int | None,
                  uow: UnitOfWork, detail: dict[str, Any] | None = None,
                  role: str | None = None) -> None:
    """One transaction, one row; the caller must not hand out the data if this fails.
    ``role`` records a read made in a supervising position (质量监督小组) by a staff account."""
    if actor.role not in LOGGED_ROLES and role is None:
        return
    with uow:
        uow.session.add(AuditAccessLog(
            at=uow.runtime.now(), actor_id=actor.id, role=role or actor.role, action=action,
            resource=resource[:512], instance_id=instance_id, detail=detail or {}))
        uow.commit()
