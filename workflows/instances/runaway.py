"""A runaway engine run: its transaction is rolled back and its instance gets an incident.

An engine run past its budget (``workflows/engine/budget.py``) is stopped half done, so
nothing of it may be stored: not the state, not the input that started it (a completion, a
fired timer, a message). The use case rolls back, then records in a fresh transaction only
that the instance needs an administrator: status ``incident``, an open incident without a
service job, and ``incident_raised`` in its history. The engine state stays what it was
before the run, so replay and every other reader see an instance that simply did not move.
"""

from __future__ import annotations

from models import Incident, ProcessInstance
from models.statuses import IncidentStatus, InstanceStatus
from workflows.core.history import EventKind
from workflows.core.unit_of_work import UnitOfWork
from workflows.engine import RunawayRun

# The ``operation`` of an incident that is no service call but a whole engine run.
ENGINE_RUN = "engine.run"


def open_run_incident(uow: UnitOfWork, instance: ProcessInstance, failure: RunawayRun, *,
                      actor_id: int | None) -> Incident:
    """Flag ``instance`` (locked, in the current transaction) with an incident for ``failure``."""
    now = uow.runtime.now()
    incident = Incident(
        instance_id=instance.id, job_id=None, task_name=failure.task_name or "",
        operation=ENGINE_RUN, error_type=type(failure).__name__, message=failure.message,
        stack=[], attempts=1, status=IncidentStatus.OPEN, created_at=now)
    uow.session.add(incident)
    uow.session.flush()
    error = {"incident_id": incident.id, **failure.to_dict()}
    uow.record(EventKind.INCIDENT_RAISED, instance, actor_id=actor_id,
               task_name=failure.task_name, payload={
                   "incident_id": incident.id, "operation": ENGINE_RUN,
                   "error_type": type(failure).__name__, "message": failure.message,
                   "error": failure.to_dict()})
    instance.status = InstanceStatus.INCIDENT
    instance.error = error
    return incident


def record_runaway(uow: UnitOfWork, instance_id: int, failure: RunawayRun, *,
                   actor_id: int | None) -> ProcessInstance:
    """Roll back what the transaction did, then flag the instance; the caller commits."""
    uow.rollback()
    instance = uow.lock_instance(instance_id)
    open_run_incident(uow, instance, failure, actor_id=actor_id)
    return instance
