"""Start and read process instances."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import HumanTask, Notification, OrgUnit, ProcessDefinition, ProcessInstance
from models.statuses import OPEN_TASK_STATUSES, InstanceStatus, TaskStatus
from workflows.attachments import fields as attachment_fields
from workflows.core.actors import Actor
from workflows.core.errors import NotAllowed, NotFound
from workflows.core.history import EventKind
from workflows.core.unit_of_work import UnitOfWork
from workflows.definitions import forms, spec_cache
from workflows.definitions.deploy import not_deployed
from workflows.directory import acting, scope
from workflows.engine import START_FORM_KEY, EngineFailure, Run, RunawayRun
from workflows.instances import supervision
from workflows.instances.run_store import RECENT_STEPS, store_progress
from workflows.instances.runaway import open_run_incident


@dataclass(frozen=True)
class InstanceView:
    instance: ProcessInstance
    definition_version: int
    open_tasks: list[HumanTask]
    completed_tasks: list[HumanTask]
    # True when only the newest ``RECENT_STEPS`` completed steps are listed (write responses).
    completed_truncated: bool = False


def _start_reads(named: bool) -> sa.Select[int, int, str, int, int | None]:
    """What a start reads before it writes, in one round trip: the definition to start (the
    latest version, or the ``version`` named) and the unit where the case will live
    (``acting.HOME_UNIT_ID`` of the bound ``person`` on ``today``) with its centre. Only the
    definition's id, version and name: the spec cache holds the rest once parsed."""
    home = sa.orm.aliased(OrgUnit, name="home")
    query = (sa.select(ProcessDefinition.id, ProcessDefinition.version, ProcessDefinition.name,
                       home.id.label("unit_id"), home.tenant_id)
             .outerjoin(home, home.id == acting.HOME_UNIT_ID)
             .where(ProcessDefinition.process_id == sa.bindparam("process_id")))
    if named:
        query = query.where(ProcessDefinition.version == sa.bindparam("version"))
    return query.order_by(ProcessDefinition.version.desc()).limit(1)


# Built once with bind parameters (by whether a version is named): compiled once per process.
_START_READS = {named: _start_reads(named) for named in (False, True)}


def start_instance(process_id: str, *, business_key: str, data: dict[str, Any], actor: Actor,
                   uow: UnitOfWork, version: int | None = None) -> InstanceView:
    """Start the latest (or a named) version and run it until it waits on people."""
    if actor.is_auditor:
        raise NotAllowed("审计员只读，不能发起流程", detail_en="auditors cannot start processes")
    with uow:
        now = uow.runtime.now()
        reads = uow.session.connection().execute(_START_READS[version is not None], {
            "process_id": process_id, "version": version, "person": actor.person_id,
            "today": acting.today_at(now)}).first()
        if reads is None:
            raise not_deployed(process_id, version)
        definition_id, definition_version = reads.id, reads.version
        home = (reads.unit_id, reads.tenant_id) if reads.unit_id is not None else None
        definition = spec_cache.get_by_id(uow.session, definition_id)
        start_meta = definition.task_meta.get(START_FORM_KEY, {})
        schema = definition.form_schema(start_meta.get("form"))
        forms.validate(schema, data, where=f"「{reads.name or process_id}」的申请")
        cited = attachment_fields.check_cited(
            uow.session, schema, data, actor=actor, instance_id=None,
            case_limit=uow.runtime.settings.attachment_max_case_bytes)
        check = uow.runtime.start_checks.get(process_id)
        if check is not None:
            data = check(uow.session, data, now=uow.runtime.now(), actor=actor)
        instance = _new_instance(uow, definition_id, definition_version, process_id,
                                 business_key=business_key, data=data, actor=actor,
                                 cited=cited, home=home)
        try:
            run = Run.start(definition.spec, definition.subprocess_specs, data,
                            context=uow.runtime.run_context())
            failure = _advance(run)
        except RunawayRun as runaway:
            return _start_as_incident(uow, definition_id, definition_version,
                                      process_id, runaway, business_key=business_key,
                                      data=data, actor=actor, cited=cited, home=home)
        tasks = store_progress(uow, instance, run.result(failure), definition,
                               actor_id=actor.id, new_instance=True, all_tasks=True)
        if uow.commit(keep_loaded=True):  # the view holds what was written: no re-read
            return view_from(instance, tasks, definition_version,
                             recent_steps=RECENT_STEPS)
        return view_of(uow.session, instance)


def _new_instance(uow: UnitOfWork, definition_id: int, version: int, process_id: str, *,
                  business_key: str, data: dict[str, Any], actor: Actor,
                  cited: list[attachment_fields.Cited],
                  home: tuple[int, int | None] | None) -> ProcessInstance:
    """The started instance, with the uploads its start form cites attached to it (their
    hashes, sizes, types and names recorded in the hash-chained start event); ``home`` is
    the unit where it lives and that unit's centre."""
    now = uow.runtime.now()
    unit_id, tenant_id = home if home is not None else (None, None)
    instance = ProcessInstance(
        definition_id=definition_id, process_id=process_id, business_key=business_key,
        status=InstanceStatus.RUNNING, state="", serializer_version="", data={},
        started_by=actor.id, started_at=now, last_event_seq=0,
        last_event_hash="", unit_id=unit_id, tenant_id=tenant_id,
    )
    uow.session.add(instance)
    uow.session.flush()
    attached = attachment_fields.attach(uow.session, cited, instance_id=instance.id, at=now)
    uow.record(EventKind.INSTANCE_STARTED, instance, actor_id=actor.id, payload={
        "definition_id": definition_id, "version": version,
        "business_key": business_key, "data": data,
        **({"attachments": attached} if attached else {})})
    return instance


def _start_as_incident(uow: UnitOfWork, definition_id: int, version: int, process_id: str,
                       runaway: RunawayRun, *, business_key: str, data: dict[str, Any],
                       actor: Actor, cited: list[attachment_fields.Cited],
                       home: tuple[int, int | None] | None) -> InstanceView:
    """The first run went past its budget: roll it back, keep the started instance (no
    engine state: it never got past its start) and flag it with an incident."""
    uow.rollback()
    instance = _new_instance(uow, definition_id, version, process_id,
                             business_key=business_key, data=data, actor=actor, cited=cited,
                             home=home)
    instance.data = data
    open_run_incident(uow, instance, runaway, actor_id=actor.id)
    uow.commit(keep_loaded=True)
    return view_from(instance, [], version)


def _advance(run: Run) -> EngineFailure | None:
    try:
        run.advance()
    except RunawayRun:
        raise  # nothing of a runaway run is stored (workflows/instances/runaway.py)
    except EngineFailure as failure:
        return failure
    return None


def get_instance(session: Session, instance_id: int, *, actor: Actor) -> InstanceView:
    """One instance with its open and completed tasks, if the actor may see it (or, read
    only, supervises its centre)."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is None or not (may_view(session, instance, actor)
                                or supervision.supervises(instance, actor)):
        # Same answer for "absent" and "not yours": ids cannot be probed.
        raise NotFound(f"案件 {instance_id} 不存在",
                       detail_en=f"instance {instance_id} does not exist")
    return view_of(session, instance)


def view_of(session: Session, instance: ProcessInstance) -> InstanceView:
    tasks = list(session.scalars(
        sa.select(HumanTask).where(HumanTask.instance_id == instance.id).order_by(HumanTask.id)))
    return view_from(instance, tasks, spec_cache.version_of(session, instance.definition_id))


def view_from(instance: ProcessInstance, tasks: list[HumanTask], definition_version: int,
              *, recent_steps: int | None = None) -> InstanceView:
    """The view from rows a use case already holds (its tasks, by id); ``recent_steps``
    keeps only that many of the newest completed steps."""
    completed = [t for t in tasks if t.status == TaskStatus.COMPLETED]
    truncated = recent_steps is not None and len(completed) > recent_steps
    return InstanceView(
        instance=instance, definition_version=definition_version,
        open_tasks=[t for t in tasks if t.status in OPEN_TASK_STATUSES],
        completed_tasks=completed[-recent_steps:] if truncated and recent_steps else completed,
        completed_truncated=truncated,
    )


def may_view(session: Session, instance: ProcessInstance, actor: Actor, *,
             supervision: bool = True) -> bool:
    """Only cases of the actor's centre (``workflows/directory/scope.py``): there,
    administrators, auditors and the 质量监督小组 see all; applicants their own; a unit's head
    (系部主任, 分管领导) the cases of the units they head; reviewers what their groups and
    positions touch, and cases copied to them. ``supervision=False``
    leaves out the 质量监督小组's read-only view (for acting on a case: commenting…)."""
    if not scope.same_centre(actor, instance.tenant_id):
        return False
    if actor.is_admin or actor.is_auditor or instance.started_by == actor.id:
        return True
    if _copied_to(session, instance.id, actor):
        return True
    if actor.role == "applicant":  # or a task the diagram gave them (a holder's 陈述申辩)
        return _assigned_to(session, instance.id, actor)
    today = acting.today_at()
    if supervision and (scope.supervises(session, actor, today=today) or scope.heads_unit_of(
            session, actor, instance.unit_id, today=today)):
        return True
    positions = acting.acting_positions(session, actor, today=today)
    involved = sa.select(HumanTask.id).where(
        HumanTask.instance_id == instance.id,
        sa.or_(acting.offered_to(actor, positions),
               HumanTask.assignee_id == actor.id, HumanTask.completed_by == actor.id),
    ).limit(1)
    return session.scalar(involved) is not None


# Notifications that give their recipient read access to the case: 抄送 and 加签
# (workflows/tasks/approval_actions/).
READER_NOTIFICATIONS = ("copy", "consult")


def _assigned_to(session: Session, instance_id: int, actor: Actor) -> bool:
    found = sa.select(HumanTask.id).where(
        HumanTask.instance_id == instance_id,
        sa.or_(HumanTask.assignee_id == actor.id, HumanTask.completed_by == actor.id)).limit(1)
    return session.scalar(found) is not None


def _copied_to(session: Session, instance_id: int, actor: Actor) -> bool:
    found = sa.select(Notification.id).where(
        Notification.instance_id == instance_id, Notification.recipient_user_id == actor.id,
        Notification.kind.in_(READER_NOTIFICATIONS)).limit(1)
    return session.scalar(found) is not None


def list_instances(session: Session, *, actor: Actor, process_id: str | None = None,
                   business_key: str | None = None, status: str | None = None,
                   page: int = 1, per_page: int = 50) -> tuple[list[ProcessInstance], int]:
    """Instances the actor may see (``may_view``), newest first, with the total count."""
    query = sa.select(ProcessInstance).where(scope.in_centre(ProcessInstance.tenant_id, actor))
    today = acting.today_at()
    if not (actor.is_admin or actor.is_auditor or (
            actor.role != "applicant" and scope.supervises(session, actor, today=today))):
        positions = acting.acting_positions(session, actor, today=today)
        involved = sa.select(HumanTask.instance_id).where(
            sa.or_(acting.offered_to(actor, positions),
                   HumanTask.assignee_id == actor.id, HumanTask.completed_by == actor.id))
        copied = sa.select(Notification.instance_id).where(
            Notification.recipient_user_id == actor.id,
            Notification.kind.in_(READER_NOTIFICATIONS))
        query = query.where(sa.or_(ProcessInstance.started_by == actor.id,
                                   ProcessInstance.id.in_(involved),
                                   ProcessInstance.id.in_(copied),
                                   ProcessInstance.unit_id.in_(
                                       scope.headed_units(actor, today=today))))
    if process_id:
        query = query.where(ProcessInstance.process_id == process_id)
    if business_key:
        query = query.where(ProcessInstance.business_key == business_key)
    if status:
        query = query.where(ProcessInstance.status == status)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(ProcessInstance.id.desc())
                           .limit(per_page).offset((page - 1) * per_page))
    return list(rows), total
