"""Record that an auditor read personal data: every such read leaves a row of its own."""

from __future__ import annotations

from typing import Any

from models import AuditAccessLog
from workflows.core.actors import Actor
from workflows.core.unit_of_work import UnitOfWork

# Roles whose reads are recorded. Administrators run the system and are not logged here.
LOGGED_ROLES = frozenset({"auditor"})


def record_access(actor: Actor, *, action: str, resource: str, instance_id: int | None,
                  uow: UnitOfWork, detail: dict[str, Any] | None = None) -> None:
    """One transaction, one row; the caller must not hand out the data if this fails."""
    if actor.role not in LOGGED_ROLES:
        return
    with uow:
        uow.session.add(AuditAccessLog(
            at=uow.runtime.now(), actor_id=actor.id, role=actor.role, action=action,
            resource=resource[:512], instance_id=instance_id, detail=detail or {}))
        uow.commit()
