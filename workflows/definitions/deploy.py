"""Deploy and look up process definitions."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from models import Group, ProcessDefinition
from models.directory import PositionRole
from workflows.core.actors import Actor
from workflows.core.errors import Conflict, NotAllowed, NotFound
from workflows.core.history import EventKind
from workflows.core.unit_of_work import UnitOfWork
from workflows.definitions import spec_cache
from workflows.engine import parse_bundle


@dataclass(frozen=True)
class DeployResult:
    definition: ProcessDefinition
    created: bool


def deploy_definition(files: dict[str, bytes], *, actor: Actor | None, uow: UnitOfWork,
                      process_id: str | None = None) -> DeployResult:
    """Validate a bundle and store it as the next version, unless identical content exists."""
    if actor is not None and not actor.is_admin:
        raise NotAllowed("只有系统管理员可以部署流程定义",
                         detail_en="only administrators deploy process definitions")
    known = known_groups(uow.session)
    bundle = parse_bundle(files, process_id=process_id, known_groups=known)  # before locks
    with uow:
        existing = uow.session.scalars(
            sa.select(ProcessDefinition).where(
                ProcessDefinition.process_id == bundle.process_id,
                ProcessDefinition.content_hash == bundle.content_hash)
        ).first()
        if existing is not None:
            return DeployResult(existing, created=False)
        latest = uow.session.scalar(
            sa.select(sa.func.max(ProcessDefinition.version))
            .where(ProcessDefinition.process_id == bundle.process_id)
        ) or 0
        definition = ProcessDefinition(
            process_id=bundle.process_id, version=latest + 1, name=bundle.name,
            content_hash=bundle.content_hash, files=bundle.files, bpmn_file=bundle.bpmn_file,
            task_meta=bundle.task_meta, deployed_at=uow.runtime.now(),
            deployed_by=actor.id if actor else None,
        )
        uow.session.add(definition)
        try:
            uow.session.flush()
        except IntegrityError as error:
            raise Conflict("该流程正由他人同时部署，请稍后重试",
                           detail_en="another deployment of this process happened at the same "
                           "time; retry") from error
        uow.record(EventKind.DEFINITION_DEPLOYED, None, actor_id=actor.id if actor else None,
                   payload={"definition_id": definition.id, "process_id": bundle.process_id,
                            "version": definition.version, "content_hash": bundle.content_hash})
        uow.commit()
    spec_cache.put(uow.session, definition.id, definition.process_id, bundle.spec,
                   bundle.subprocess_specs, bundle.task_meta, bundle.files, definition.version)
    return DeployResult(definition, created=True)


def validate_definition(files: dict[str, bytes], *, actor: Actor, session: sa.orm.Session,
                        process_id: str | None = None) -> None:
    """Check a bundle exactly as deploy would, storing nothing.

    The modeler validates while an administrator edits; every problem (file, element, line)
    raises ``InvalidDefinition`` just as a refused deployment does.
    """
    if not actor.is_admin:
        raise NotAllowed("只有系统管理员可以校验流程定义",
                         detail_en="only administrators validate process definitions")
    parse_bundle(files, process_id=process_id, known_groups=known_groups(session))


def known_groups(session: sa.orm.Session) -> set[str]:
    """Groups a task can be offered to: the directory's roles, the applicant, and every group
    of the user directory. A lane naming anything else could never be claimed."""
    return ({role.value for role in PositionRole} | {"applicant"}
            | set(session.scalars(sa.select(Group.id))))


def get_definition(session: sa.orm.Session, process_id: str,
                   version: int | None = None) -> ProcessDefinition:
    """A named version, or the latest one; NotFound otherwise."""
    query = sa.select(ProcessDefinition).where(ProcessDefinition.process_id == process_id)
    if version is not None:
        query = query.where(ProcessDefinition.version == version)
    definition = session.scalars(query.order_by(ProcessDefinition.version.desc()).limit(1)).first()
    if definition is None:
        raise not_deployed(process_id, version)
    return definition


def not_deployed(process_id: str, version: int | None = None) -> NotFound:
    """The answer when no (such) version of a process is deployed."""
    which = f"version {version} of " if version is not None else ""
    return NotFound(f"{which}process '{process_id}' is not deployed")


def list_definitions(session: sa.orm.Session, *, process_id: str | None = None,
                     all_versions: bool = False) -> list[ProcessDefinition]:
    """Latest version of every process, or every version of one process."""
    # The listing shows file names: load the deferred files with the rows, not one by one.
    query = sa.select(ProcessDefinition).options(sa.orm.undefer(ProcessDefinition.files))
    if process_id is not None:
        query = query.where(ProcessDefinition.process_id == process_id)
    if not all_versions:
        latest = (sa.select(ProcessDefinition.process_id,
                            sa.func.max(ProcessDefinition.version).label("v"))
                  .group_by(ProcessDefinition.process_id).subquery())
        query = query.join(latest, sa.and_(ProcessDefinition.process_id == latest.c.process_id,
                                           ProcessDefinition.version == latest.c.v))
    return list(session.scalars(query.order_by(ProcessDefinition.process_id,
                                               ProcessDefinition.version.desc())))
