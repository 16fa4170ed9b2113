"""Fire due timers exactly once, however many workers run the firing job at the same time.

1. **Claim** (one short transaction, one statement): ``UPDATE … SET status='claimed',
   claimed_by=<me> … RETURNING id`` of the rows ``WITH due AS MATERIALIZED (SELECT id … WHERE
   due_at <= now AND status='pending' ORDER BY due_at LIMIT n FOR UPDATE SKIP LOCKED)`` picks.
   On PostgreSQL concurrent claimers skip each other's locked rows; on SQLite the write
   transaction (BEGIN IMMEDIATE) serialises them. A row is claimed by one worker or none.
2. **Fire** each claimed timer in its own transaction: lock the instance (the same lock order
   as every other use case: instance first, then its rows), re-read the timer and go on only
   if it is still claimed by me — a user may have completed the task meanwhile, which cancels
   the timer in the same locked section. Then make the engine's timer task fire, advance,
   record ``timer_fired`` (and ``task_escalated`` for an ``escalatesTo`` timer) and store
   progress; commit. Anything unexpected rolls the step back and returns the claim.
3. Claims older than the claim lease (a worker died between 1 and 2) are free again: the claim
   takes those due as it takes pending rows, and the sweep returns them to pending.

Background work: each function takes a unit-of-work factory (``uows``, the runtime's
``unit_of_work``) and opens one short transaction per step.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from models import HumanTask, ProcessInstance, Timer
from models.statuses import OPEN_TIMER_STATUSES, InstanceStatus, TimerStatus
from workflows.automation.timer_claims import STALE_CLAIM, claim_due, worker_token
from workflows.core.actors import Actor
from workflows.core.history import EventKind
from workflows.core.unit_of_work import UnitOfWork, UnitOfWorkFactory
from workflows.definitions import spec_cache
from workflows.directory import scope
from workflows.engine import EngineFailure, Run, RunawayRun
from workflows.instances.run_store import open_tasks, store_progress
from workflows.instances.runaway import record_runaway

log = logging.getLogger("certflow.timers")
MAX_FIRE_ATTEMPTS = 5


@dataclass
class FireReport:
    claimed: int = 0
    fired: int = 0
    skipped: int = 0
    errors: int = 0
    fired_ids: list[int] = field(default_factory=list)


def fire_due_timers(*, uows: UnitOfWorkFactory, batch_size: int = 100,
                    max_batches: int | None = None,
                    claim_lease: timedelta = STALE_CLAIM) -> FireReport:
    """Claim and fire every timer due by now (the runtime's clock); safe to run concurrently.

    A batch smaller than ``batch_size`` was everything due and free when it was claimed, so
    no further claim is sent: a timer that came due since is the next run's.
    """
    report = FireReport()
    batches, failed = 0, set[int]()
    while max_batches is None or batches < max_batches:
        token = worker_token()
        ids = claim_due(token, uows=uows, limit=batch_size, exclude=failed,
                        claim_lease=claim_lease)
        if not ids:
            break
        batches += 1
        report.claimed += len(ids)
        for timer_id in ids:
            outcome = fire_claimed(timer_id, token, uows=uows)
            report.fired += len(outcome.fired_ids)
            report.fired_ids.extend(outcome.fired_ids)
            if outcome.status == "error":  # returned to pending; the next run tries again
                report.errors += 1
                failed.add(timer_id)
            elif outcome.status == "skipped":
                report.skipped += 1
        if len(ids) < batch_size:
            break
    return report


@dataclass(frozen=True)
class FireOutcome:
    status: str  # fired (the claimed timer fired), skipped (not mine/no longer waiting), error
    fired_ids: tuple[int, ...] = ()


def fire_claimed(timer_id: int, token: str, *, uows: UnitOfWorkFactory) -> FireOutcome:
    """Fire one timer I claimed — after any earlier-due timer of the same instance."""
    try:
        return _fire(timer_id, token, uows())
    except Exception as error:
        log.exception("firing timer %s failed; the claim is returned", timer_id)
        _return_claim(timer_id, token, error, uow=uows())
        return FireOutcome("error")


def _fire(timer_id: int, token: str, uow: UnitOfWork) -> FireOutcome:
    """Under the instance lock, fire every due timer of the instance in due order.

    Two workers may hold claims on two timers of one instance (a reminder and an escalation):
    whoever locks the instance first fires both, in due order, so a reminder never comes after
    the escalation that cancels it; the other worker then finds its claim fired and skips it.
    """
    with uow:
        # The instance locked, then the timer and the instance's other due timers read.
        found = uow.find_locked_timers(timer_id, uow.runtime.now())
        if found is None:
            return FireOutcome("skipped")
        instance, target, due = found
        if target.status != TimerStatus.CLAIMED or target.claimed_by != token:
            return FireOutcome("skipped")
        if instance.status == InstanceStatus.SUSPENDED:  # suspended after the claim: wait
            target.status, target.claimed_by, target.claimed_at = TimerStatus.PENDING, None, None
            uow.commit()
            return FireOutcome("skipped")
        if instance.status not in (InstanceStatus.RUNNING, InstanceStatus.INCIDENT):
            target.status = TimerStatus.CANCELLED
            uow.commit()
            return FireOutcome("skipped")
        now = uow.runtime.now()
        definition = spec_cache.get_by_id(uow.session, instance.definition_id)
        run = Run.resume(instance.state, definition.spec, definition.subprocess_specs,
                         context=uow.runtime.run_context())
        fired = []
        for timer in due:
            if timer.status not in OPEN_TIMER_STATUSES or instance.status == InstanceStatus.FAILED:
                continue  # cancelled by what an earlier timer did
            try:
                if _fire_one(uow, instance, run, definition, timer, now):
                    fired.append(timer.id)
            except RunawayRun as runaway:
                _runaway(uow, instance.id, timer.id, runaway)
                return FireOutcome("skipped")
        uow.commit()
    return FireOutcome("fired" if timer_id in fired else "skipped", tuple(fired))


def _runaway(uow: UnitOfWork, instance_id: int, timer_id: int, runaway: RunawayRun) -> None:
    """Everything this firing did is rolled back; the timer that ran away fires no more (an
    administrator decides), and the instance gets an incident."""
    record_runaway(uow, instance_id, runaway, actor_id=None)
    timer = uow.session.get_one(Timer, timer_id, populate_existing=True)
    timer.status, timer.claimed_by, timer.claimed_at = TimerStatus.FAILED, None, None
    timer.attempts += 1
    timer.last_error = runaway.message[:2000]
    uow.commit()


def _fire_one(uow: UnitOfWork, instance: ProcessInstance, run: Run, definition: Any,
              timer: Timer, now: datetime) -> bool:
    escalates = bool(timer.escalates_to and timer.interrupting)
    before = {task.id: task for task in open_tasks(uow, instance.id)} if escalates else {}
    failure = None
    try:
        run.fire_timer(timer.spiff_task_id)
    except LookupError:  # the engine stopped waiting on it
        timer.status = TimerStatus.CANCELLED
        return False
    except RunawayRun:
        raise
    except EngineFailure as error:
        failure = error
    timer.status, timer.fired_at = TimerStatus.FIRED, now
    uow.record(EventKind.TIMER_FIRED, instance, actor_id=None, task_name=timer.task_name,
               payload=_fired_payload(timer))
    if failure is None:
        try:
            run.advance()
        except RunawayRun:
            raise
        except EngineFailure as error:
            failure = error
    store_progress(uow, instance, run.result(failure), definition, actor_id=None)
    if failure is None and escalates:
        _record_escalation(uow, instance, timer, before)
    return True


def _fired_payload(timer: Timer) -> dict[str, object]:
    return {"timer_id": timer.id, "spiff_task_id": timer.spiff_task_id,
            "element_id": timer.element_id, "kind": timer.kind,
            "interrupting": timer.interrupting, "attached_to": timer.attached_to,
            "expression": timer.expression, "due_at": timer.due_at.isoformat(),
            "fired_at": timer.fired_at.isoformat() if timer.fired_at else None}


def _record_escalation(uow: UnitOfWork, instance: ProcessInstance, timer: Timer,
                       before: dict[int, HumanTask]) -> None:
    """The interrupted task's holder and group, and the tasks that replaced it."""
    interrupted = [t for t in before.values() if t.task_name == timer.attached_to]
    after = [t for t in open_tasks(uow, instance.id) if t.id not in before]
    source = interrupted[0] if interrupted else None
    uow.record(EventKind.TASK_ESCALATED, instance, actor_id=None,
               task_name=timer.attached_to, payload={
                   "timer_id": timer.id, "timer": timer.element_id,
                   "from_task_id": source.id if source else None,
                   "from_group": source.candidate_group if source else None,
                   "from_assignee_id": source.assignee_id if source else None,
                   "to_group": timer.escalates_to,
                   "to_task_ids": [t.id for t in after]})


def _return_claim(timer_id: int, token: str, error: BaseException, *,
                  uow: UnitOfWork) -> None:
    with uow:
        timer = uow.session.get(Timer, timer_id)
        if timer is not None and timer.status == TimerStatus.CLAIMED and timer.claimed_by == token:
            timer.attempts += 1
            timer.last_error = f"{type(error).__name__}: {error}"[:2000]
            timer.status = (TimerStatus.FAILED if timer.attempts >= MAX_FIRE_ATTEMPTS
                            else TimerStatus.PENDING)
            timer.claimed_by = timer.claimed_at = None
        uow.commit()


def list_timers(session: sa.orm.Session, *, actor: Actor, instance_id: int | None = None,
                status: str | None = None, limit: int = 200) -> list[Timer]:
    """Timers of the cases of the actor's centre."""
    query = sa.select(Timer).where(scope.case_in_centre(Timer.instance_id, actor))
    if instance_id is not None:
        query = query.where(Timer.instance_id == instance_id)
    if status:
        query = query.where(Timer.status == status)
    return list(session.scalars(query.order_by(Timer.due_at, Timer.id).limit(limit)))
