"""One use case = one transaction: nothing is stored unless the use case commits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, TypeVarTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models import HumanTask, ProcessEvent, ProcessInstance, Timer, db
from models.database import write_transaction
from models.statuses import OPEN_TIMER_STATUSES
from workflows.core.errors import InstanceBusy, NotFound
from workflows.core.history import EventKind, append_unscoped_event, next_event
from workflows.core.one_statement_commit import StaleRow, write_changes_and_events

if TYPE_CHECKING:
    from workflows.core.runtime import Runtime

# Set in ``session.info`` while the session's transaction holds writes (flushed or executed);
# a unit of work then rolls back before starting rather than adopting that transaction.
_WROTE = "certflow_wrote"
Rows = TypeVarTuple("Rows")
# Locking reads of a task and its instance, built once: (on SQLite, extra columns) -> query.
_TASK_LOCKS: dict[tuple[bool, tuple[sa.ColumnElement[Any], ...]], sa.Select[Any]] = {}
# Locking reads of an instance's row and the instance, built once: (on SQLite, model) -> query.
_ROW_LOCKS: dict[tuple[bool, type[Any]], sa.Select[Any]] = {}
Row = TypeVar("Row")
# Locking reads of a timer, its instance and the instance's due timers: on SQLite -> query.
_DUE_TIMER_LOCKS: dict[bool, sa.Select[Any]] = {}


@sa.event.listens_for(Session, "after_flush")
def _mark_flushed(session: Session, _context: Any) -> None:
    session.info[_WROTE] = True


@sa.event.listens_for(Session, "do_orm_execute")
def _mark_statement(state: Any) -> None:
    if not state.is_select:
        state.session.info[_WROTE] = True


@sa.event.listens_for(Session, "after_transaction_end")
def _clear_mark(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


class UnitOfWork:
    """Wraps the session: rolls back on exit unless committed; runs hooks after commit.

    ``runtime`` is what the use case runs with (clock, calendar, limits, job dispatch...): use
    cases read it here, never from module globals; ``units_of(runtime)`` is the factory that
    background use cases take.
    """

    def __init__(self, runtime: Runtime, session: Session | None = None, *,
                 write: bool = True) -> None:
        self.runtime = runtime
        self._session = session
        self.write = write
        self._after_commit: list[Callable[[], None]] = []
        # History of this transaction, inserted with one Core statement at commit: building
        # and flushing an ORM object per event cost more CPU than the insert itself.
        self._events: list[dict[str, Any]] = []
        self._committed = False
        self._token: Any = None

    @property
    def session(self) -> Session:
        # The request's (or thread's) session behind the ``db.session`` proxy.
        return self._session if self._session is not None else db.session()

    def __enter__(self) -> UnitOfWork:
        self._token = write_transaction.set(self.write)
        session = self.session
        if session.get_bind().dialect.name == "sqlite" or session.info.get(_WROTE):
            # End any implicit read transaction so BEGIN (IMMEDIATE on SQLite) starts ours
            # fresh, and drop anything written but not committed.
            session.rollback()
        else:
            # PostgreSQL (READ COMMITTED): a transaction that has only read (the request's
            # token check) may simply become ours; ending it would cost a round trip. Loaded
            # objects are expired as a rollback would, so nothing stale is reused.
            session.expire_all()
        self._committed = False
        self._events = []
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if not self._committed:
                self.session.rollback()
        finally:
            write_transaction.reset(self._token)

    def commit(self, *, keep_loaded: bool = False) -> bool:
        """Commit; with ``keep_loaded``, leave loaded objects as written (not expired).

        A use case that returns what it just wrote (the instance and its tasks) passes
        ``keep_loaded`` so the response is shaped without reading everything back: the
        values in memory are exactly what was committed; the next unit of work expires them.
        Returns whether that holds: not when after-commit hooks ran (an in-process job may
        have moved the instance on in another transaction), so the caller reads it again.
        """
        keep = keep_loaded and not self._after_commit
        session = self.session
        expire = session.expire_on_commit
        session.expire_on_commit = expire and not keep
        events, self._events = self._events, []
        try:
            if events and not write_changes_and_events(session, events):
                session.flush()  # the instance rows the events point to come first
                session.connection().execute(sa.insert(ProcessEvent), events)
            session.commit()
        except (StaleDataError, StaleRow) as error:
            session.rollback()
            raise InstanceBusy("the instance was changed by another request; retry") from error
        finally:
            session.expire_on_commit = expire
        self._committed = True
        hooks, self._after_commit = self._after_commit, []
        for hook in hooks:
            hook()
        return keep

    def rollback(self) -> None:
        """Throw away everything this transaction did so far and start it again.

        For a use case that must still record why its work was discarded (a runaway engine
        run becomes an incident): loaded objects are expired, so lock and read them again.
        """
        self.session.rollback()
        self._events = []
        self._after_commit = []

    def after_commit(self, hook: Callable[[], None]) -> None:
        """Run ``hook`` only once the transaction is durable (e.g. enqueue background work)."""
        self._after_commit.append(hook)

    def dispatch_after_commit(self, job_id: int) -> None:
        """Hand a service job to this runtime's workers once the rows it reads are durable."""
        jobs = self.runtime.jobs
        self.after_commit(lambda: jobs.send(job_id))

    def lock_instance(self, instance_id: int) -> ProcessInstance:
        """Load an instance holding its row lock (PostgreSQL) for the rest of the transaction."""
        query = sa.select(ProcessInstance).where(ProcessInstance.id == instance_id)
        instance = self.session.execute(self._locked(query)).scalar_one_or_none()
        if instance is None:
            raise NotFound(f"instance {instance_id} does not exist")
        return instance

    def find_locked_task(self, task_id: int, *also: sa.ColumnElement[Any],
                         params: dict[str, Any] | None = None,
                         ) -> tuple[ProcessInstance, HumanTask, tuple[Any, ...]] | None:
        """A human task and its instance, both locked and freshly read, in one round trip:
        the instance, the task and the values of ``also`` (read with ``params``).

        The instance comes first in FROM, and PostgreSQL locks a join's rows in that order,
        so the lock order stays instance, then task. The task row is locked too so that,
        after waiting for the instance, its newest version is returned: a row that is only
        joined would come from the statement's snapshot taken before the wait. ``also`` reads
        more of what the use case asks next (whether the actor holds the task's address) in
        the same round trip; the statement is built once per column set.
        """
        key = (self.session.get_bind().dialect.name == "sqlite", also)
        query = _TASK_LOCKS.get(key)
        if query is None:
            query = _TASK_LOCKS[key] = self._locked(
                sa.select(ProcessInstance, HumanTask, *also)
                .join(HumanTask, HumanTask.instance_id == ProcessInstance.id)
                .where(HumanTask.id == sa.bindparam("task_id")))
        row = self.session.execute(query, {**(params or {}), "task_id": task_id}).first()
        return (row[0], row[1], tuple(row[2:])) if row is not None else None

    def find_locked_timers(self, timer_id: int, now: datetime,
                           ) -> tuple[ProcessInstance, Timer, list[Timer]] | None:
        """A timer, its instance and the instance's open timers due by ``now`` or by the
        timer's due time (the timer among them if open), all locked and freshly read, in one
        round trip (the lock order of ``find_locked_task``: the instance, then its rows); the
        due ones in due order. After waiting for the instance, the rows read are their newest
        versions; a timer another transaction added meanwhile is not among them (it stays
        pending: the next sweep fires it). Built once per dialect."""
        key = self.session.get_bind().dialect.name == "sqlite"
        query = _DUE_TIMER_LOCKS.get(key)
        if query is None:
            target = sa.orm.aliased(Timer)
            of_target: sa.BindParameter[int] = sa.bindparam("timer_id")
            query = _DUE_TIMER_LOCKS[key] = self._locked(
                sa.select(ProcessInstance, Timer)  # type: ignore[arg-type]
                .join(Timer, Timer.instance_id == ProcessInstance.id)
                .where(ProcessInstance.id == sa.select(target.instance_id)
                       .where(target.id == of_target).scalar_subquery(),
                       sa.or_(Timer.id == of_target,
                              sa.and_(Timer.status.in_(OPEN_TIMER_STATUSES),
                                      sa.or_(Timer.due_at <= sa.bindparam("now"),
                                             Timer.due_at <= sa.select(target.due_at)
                                             .where(target.id == of_target)
                                             .scalar_subquery()))))
                .order_by(Timer.due_at, Timer.id))
        rows = self.session.execute(query, {"timer_id": timer_id, "now": now}).all()
        if not rows:
            return None
        found = [timer for _, timer in rows]
        [timer] = [timer for timer in found if timer.id == timer_id]
        due = [row for row in found if row.status in OPEN_TIMER_STATUSES]
        return rows[0][0], timer, due

    def find_locked_row(self, model: type[Row], row_id: int,
                        ) -> tuple[ProcessInstance, Row] | None:
        """A row of an instance (``model`` has ``instance_id``: a timer, a service job) and
        its instance, both locked and freshly read, in one round trip (the lock order of
        ``find_locked_task``: the instance, then the row); the statement is built once."""
        key = (self.session.get_bind().dialect.name == "sqlite", model)
        query = _ROW_LOCKS.get(key)
        if query is None:
            query = _ROW_LOCKS[key] = self._locked(
                sa.select(ProcessInstance, model)  # type: ignore[arg-type]
                .join(model, model.instance_id == ProcessInstance.id)  # type: ignore[attr-defined]
                .where(model.id == sa.bindparam("row_id")))  # type: ignore[attr-defined]
        row = self.session.execute(query, {"row_id": row_id}).first()
        return (row[0], row[1]) if row is not None else None

    def _locked(self, query: sa.Select[*Rows]) -> sa.Select[*Rows]:
        """``query`` reading fresh rows and, except on SQLite (one writer at a time), locking
        them until commit."""
        query = query.execution_options(populate_existing=True)
        if self.session.get_bind().dialect.name != "sqlite":
            query = query.with_for_update()
        return query

    def record(self, kind: EventKind, instance: ProcessInstance | None, *,
               actor_id: int | None, task_name: str | None = None,
               payload: dict[str, Any] | None = None) -> None:
        at, key = self.runtime.clock(), self.runtime.chain_key
        if instance is None:
            append_unscoped_event(self.session, kind, actor_id=actor_id, task_name=task_name,
                                  payload=payload, at=at, key=key)
            return
        self._events.append(next_event(kind, instance=instance, actor_id=actor_id, at=at,
                                       key=key, task_name=task_name, payload=payload))


UnitOfWorkFactory = Callable[..., UnitOfWork]


def units_of(runtime: Runtime) -> UnitOfWorkFactory:
    """The unit-of-work factory of one runtime: what background use cases take as ``uows``."""
    return partial(UnitOfWork, runtime)
