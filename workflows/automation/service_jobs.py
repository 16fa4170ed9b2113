"""Run one parked service task: call its registered function, then complete and advance.

Three short steps so no lock is held while the function runs (it may call slow systems):
1. read the job and evaluate the task's parameters from the stored engine state;
2. call the function outside any transaction (it returns a result and records effects);
3. in one transaction: lock the instance, complete the task with the result, apply the effects
   (notifications), advance the engine and store progress.
A failure in 2 or 3 changes nothing but the job's attempt count and a ``service_task_failed``
event; the worker retries with backoff, and the last failure becomes an incident
(``workflows/automation/incidents.py``). A job that is not ``queued`` (done, cancelled, in
incident) is skipped, so a re-delivered message is harmless.

Background work: each function takes a unit-of-work factory (``uows``, the runtime's
``unit_of_work``); the runtime also holds the service functions and the job dispatch.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from models import ProcessInstance, ServiceJob
from models.statuses import InstanceStatus, JobStatus
from workflows.automation.incidents import raise_incident, record_failed_attempt
from workflows.automation.notifications import apply_notification
from workflows.automation.service_registry import (
    PermanentServiceError,
    ServiceCallRefused,
    ServiceContext,
    bind,
)
from workflows.core.history import EventKind
from workflows.core.unit_of_work import UnitOfWorkFactory
from workflows.definitions import spec_cache
from workflows.engine import EngineFailure, Run, RunawayRun
from workflows.instances.run_store import store_progress
from workflows.instances.runaway import record_runaway

log = logging.getLogger("certflow.service_tasks")


@dataclass(frozen=True)
class JobOutcome:
    status: str  # completed, skipped, cancelled, retry, incident
    error: str | None = None


@dataclass(frozen=True)
class _Prepared:
    instance_id: int
    process_id: str
    business_key: str
    spiff_task_id: str
    task_name: str
    element_id: str
    operation: str
    params: dict[str, Any]


def run_service_job(job_id: int, *, attempt: int, final: bool,
                    uows: UnitOfWorkFactory) -> JobOutcome:
    """One attempt at a job; ``final`` turns a failure into an incident instead of a retry."""
    prepared = _prepare(job_id, uows)
    if isinstance(prepared, JobOutcome):
        return prepared
    runtime = uows(write=False).runtime  # the factory's runtime: services and clock
    ctx = ServiceContext(instance_id=prepared.instance_id, process_id=prepared.process_id,
                         business_key=prepared.business_key, task_name=prepared.task_name,
                         now=runtime.now(), attempt=attempt, unit_of_work=uows)
    try:
        function = runtime.services.get(prepared.operation)
        result = _json(function.fn(ctx, **bind(function, prepared.params)))
        return _apply(job_id, prepared, ctx, result, attempt, uows)
    except (ServiceCallRefused, PermanentServiceError) as error:
        raise_incident(job_id, error, attempt=attempt, permanent=True, uow=uows())
        return JobOutcome("incident", str(error))
    except Exception as error:
        log.warning("service job %s attempt %s failed: %s", job_id, attempt, error)
        if final:
            raise_incident(job_id, error, attempt=attempt, permanent=False, uow=uows())
            return JobOutcome("incident", str(error))
        record_failed_attempt(job_id, error, attempt=attempt, uow=uows())
        return JobOutcome("retry", str(error))


def _prepare(job_id: int, uows: UnitOfWorkFactory) -> _Prepared | JobOutcome:
    refused: ServiceCallRefused | None = None
    uow = uows(write=False)
    with uow:
        found = uow.session.execute(_JOB_AND_INSTANCE, {"job_id": job_id}).first()
        if found is None or found[0].status != JobStatus.QUEUED:
            return JobOutcome("skipped")
        job, instance = found
        if instance.status == InstanceStatus.SUSPENDED:  # stays queued; resuming sends it again
            return JobOutcome("skipped")
        definition = spec_cache.get_by_id(uow.session, instance.definition_id)
        run = Run.resume(instance.state, definition.spec, definition.subprocess_specs,
                         context=uow.runtime.run_context())
        try:
            call = run.service_call(job.spiff_task_id)
        except LookupError:
            call = None
        except EngineFailure as failure:  # a parameter expression failed: no retry helps
            call, refused = None, ServiceCallRefused(
                f"parameters of {job.task_name}: {failure.message}")
        if call is not None:
            return _Prepared(instance.id, instance.process_id, instance.business_key,
                             job.spiff_task_id, call.task_name, call.element_id,
                             call.operation, call.params)
    if refused is not None:
        raise_incident(job_id, refused, attempt=1, permanent=True, uow=uows())
        return JobOutcome("incident", str(refused))
    return _cancel(job_id, uows)


def _apply(job_id: int, prepared: _Prepared, ctx: ServiceContext, result: Any, attempt: int,
           uows: UnitOfWorkFactory) -> JobOutcome:
    uow = uows()
    with uow:
        found = uow.find_locked_row(ServiceJob, job_id)  # the instance locked, then the job
        if found is None:
            return JobOutcome("skipped")
        instance, job = found
        if job.status != JobStatus.QUEUED or instance.status == InstanceStatus.SUSPENDED:
            return JobOutcome("skipped")  # suspended meanwhile: the job runs again on resume
        definition = spec_cache.get_by_id(uow.session, instance.definition_id)
        run = Run.resume(instance.state, definition.spec, definition.subprocess_specs,
                         context=uow.runtime.run_context())
        now = uow.runtime.now()
        failure = None
        try:
            run.complete_service_task(prepared.spiff_task_id, result)
            run.advance()
        except LookupError:
            job.status, job.updated_at = JobStatus.CANCELLED, now
            uow.commit()
            return JobOutcome("cancelled")
        except RunawayRun as runaway:  # the result is not applied: the run is rolled back
            record_runaway(uow, prepared.instance_id, runaway, actor_id=None)
            job = uow.session.get_one(ServiceJob, job_id, populate_existing=True)
            job.status, job.updated_at = JobStatus.INCIDENT, now
            job.last_error = runaway.message[:2000]
            uow.commit()
            return JobOutcome("incident", runaway.message)
        except EngineFailure as error:
            failure = error
        job.status, job.attempts = JobStatus.COMPLETED, job.attempts + 1
        job.completed_at = job.updated_at = now
        uow.record(EventKind.SERVICE_TASK_COMPLETED, instance, actor_id=None,
                   task_name=prepared.task_name, payload={
                       "job_id": job.id, "spiff_task_id": prepared.spiff_task_id,
                       "element_id": prepared.element_id, "operation": prepared.operation,
                       "params": prepared.params, "result": result, "attempt": attempt,
                       "effects": ctx.effects})
        # Effects after the progress: a reminder finds its task among the open rows stored
        # progress has read (not read twice), as this transaction leaves them.
        tasks = store_progress(uow, instance, run.result(failure), definition, actor_id=None)
        for effect in ctx.effects:
            if effect["effect"] == "notification":
                apply_notification(uow.session, instance, prepared.task_name, effect, now=now,
                                   tasks=tasks)
        uow.commit()
    return JobOutcome("completed")


# Built once: the job and its instance in one round trip (no lock: a read-only step).
_JOB_AND_INSTANCE = (sa.select(ServiceJob, ProcessInstance)
                     .join(ProcessInstance, ProcessInstance.id == ServiceJob.instance_id)
                     .where(ServiceJob.id == sa.bindparam("job_id")))


def _cancel(job_id: int, uows: UnitOfWorkFactory) -> JobOutcome:
    """The engine no longer waits on this task (e.g. a boundary event interrupted it)."""
    uow = uows()
    with uow:
        job = uow.session.get(ServiceJob, job_id)
        if job is not None and job.status == JobStatus.QUEUED:
            job.status, job.updated_at = JobStatus.CANCELLED, uow.runtime.now()
        uow.commit()
    return JobOutcome("cancelled")


def _json(result: Any) -> Any:
    """Results land in engine data and history: they must be plain JSON."""
    try:
        return json.loads(json.dumps(result, ensure_ascii=False))
    except (TypeError, ValueError) as error:
        raise PermanentServiceError(f"the function returned a non-JSON result: {error}") from error


def requeue_stale_jobs(*, uows: UnitOfWorkFactory, older_than_s: float = 600.0,
                       limit: int = 100) -> int:
    """Re-send queued jobs nobody finished (a lost message, a crashed worker); returns count."""
    uow = uows()
    with uow:
        now = uow.runtime.now()
        cutoff = now - timedelta(seconds=older_than_s)
        jobs = list(uow.session.scalars(
            sa.select(ServiceJob).where(ServiceJob.status == JobStatus.QUEUED,
                                        ServiceJob.updated_at < cutoff)
            .order_by(ServiceJob.id).limit(limit)))
        for job in jobs:
            job.updated_at = now
        uow.commit()
    for job in jobs:
        uow.runtime.jobs.send(job.id)
    return len(jobs)
