"""The composition root of the core: ``bootstrap(settings)`` builds a ``Runtime`` once.

The API (``api.create_app``) and the worker (``worker.celery_app.create_worker_app``) call it and
keep the result on their app (``app.extensions["certflow"]``); use cases reach it through their
unit of work. Building one changes nothing outside it, so two apps in one process (tests, tools)
each run with their own clock, calendar, hasher, issuer code, limits, job dispatch and service
functions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from config import Settings
from workflows.attachments.store import make_store
from workflows.attendance import leave_records, leave_requests
from workflows.automation.service_registry import ServiceRegistry
from workflows.certification import application_checks, exam_parts, holder_requests
from workflows.core.actors import Actor
from workflows.core.runtime import Runtime
from workflows.identity.passwords import Argon2Passwords

# Modules declaring certflow's own service functions (``@service``).
BUILTIN_SERVICE_MODULES = (
    "workflows.automation.notifications",
    "workflows.certification.services",  # the certificate register's functions
    "workflows.certification.publication",  # 成绩公布: the candidate is told the result
    "workflows.certification.appeals",  # score re-checks linked to their case
)


def bootstrap(settings: Settings) -> Runtime:
    """Everything the use cases run with, from ``settings`` (validated when they were read)."""
    runtime = Runtime(
        settings=settings,
        passwords=Argon2Passwords(time_cost=settings.password_time_cost,
                                  memory_cost_kib=settings.password_memory_cost_kib),
        services=ServiceRegistry((*BUILTIN_SERVICE_MODULES, *settings.service_modules)),
        blobs=make_store(settings),
    )
    # An application must fit a published, open 认定计划 and the person's other applications
    # and certificates (workflows/certification/plans.py, application_checks.py).
    def check_application(session: Session, data: dict[str, Any], *, now: datetime,
                          actor: Actor) -> dict[str, Any]:
        return application_checks.check_application(
            session, data, now=now, actor=actor, issuer_code=runtime.issuer_code,
            calendar=runtime.calendar)

    runtime.start_checks["certification_application"] = check_application
    # 补发 by the holder only; 撤销 proposed by the 质量监督小组 only (holder_requests.py).
    runtime.start_checks[holder_requests.REISSUE] = holder_requests.check_reissue
    runtime.start_checks[holder_requests.REVOCATION] = holder_requests.check_revocation
    # 到考/缺考 per part: a missed part scores 0, a part sat must be scored (exam_parts.py).
    cert = application_checks.PROCESS
    runtime.task_checks[(cert, "record_attendance")] = exam_parts.check_attendance
    runtime.task_checks[(cert, "score_exam")] = exam_parts.check_scores
    runtime.task_checks[(cert, "score_theory")] = exam_parts.check_theory_score
    runtime.task_checks[(cert, "score_practical")] = exam_parts.check_practical_score
    # A leave's school days are counted from its dates; 销假 records 超假; each leave case
    # keeps its period row (workflows/attendance/).
    def check_leave(session: Session, data: dict[str, Any], *, now: datetime,
                    actor: Actor | None = None) -> dict[str, Any]:
        return leave_requests.check_leave_request(
            session, data, now=now, calendar=runtime.calendar,
            person_id=actor.person_id if actor is not None else None)

    def check_return(session: Session, data: dict[str, Any], *, instance_data: dict[str, Any],
                     now: datetime) -> dict[str, Any]:
        return leave_requests.check_return(session, data, instance_data=instance_data, now=now,
                                           calendar=runtime.calendar)

    runtime.start_checks[leave_requests.PROCESS] = check_leave
    runtime.task_checks[(leave_requests.PROCESS, leave_requests.RETURN_TASK)] = check_return
    runtime.progress_hooks[leave_requests.PROCESS] = leave_records.keep_leave_period
    return runtime
