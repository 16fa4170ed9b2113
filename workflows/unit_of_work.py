"""One use case = one transaction: nothing is stored unless the use case commits."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from models import ProcessInstance, db
from models.database import write_transaction
from workflows.errors import InstanceBusy, NotFound
from workflows.history import EventKind, append_event


class UnitOfWork:
    """Wraps the session: rolls back on exit unless committed; runs hooks after commit."""

    def __init__(self, session: Session | None = None, *, write: bool = True) -> None:
        self._session = session
        self.write = write
        self._after_commit: list[Callable[[], None]] = []
        self._committed = False
        self._token: Any = None

    @property
    def session(self) -> Session:
        return self._session if self._session is not None else db.session

    def __enter__(self) -> UnitOfWork:
        self._token = write_transaction.set(self.write)
        # End any implicit read transaction so BEGIN (IMMEDIATE on SQLite) starts ours fresh.
        self.session.rollback()
        self._committed = False
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if not self._committed:
                self.session.rollback()
        finally:
            write_transaction.reset(self._token)

    def commit(self) -> None:
        try:
            self.session.commit()
        except StaleDataError as error:
            self.session.rollback()
            raise InstanceBusy("the instance was changed by another request; retry") from error
        self._committed = True
        hooks, self._after_commit = self._after_commit, []
        for hook in hooks:
            hook()

    def after_commit(self, hook: Callable[[], None]) -> None:
        """Run ``hook`` only once the transaction is durable (e.g. enqueue background work)."""
        self._after_commit.append(hook)

    def lock_instance(self, instance_id: int) -> ProcessInstance:
        """Load an instance holding its row lock (PostgreSQL) for the rest of the transaction."""
        query = (sa.select(ProcessInstance).where(ProcessInstance.id == instance_id)
                 .execution_options(populate_existing=True))
        if self.session.get_bind().dialect.name != "sqlite":
            query = query.with_for_update()
        instance = self.session.execute(query).scalar_one_or_none()
        if instance is None:
            raise NotFound(f"instance {instance_id} does not exist")
        return instance

    def record(self, kind: EventKind, instance: ProcessInstance | None, *,
               actor_id: int | None, task_name: str | None = None,
               payload: dict[str, Any] | None = None) -> None:
        append_event(self.session, kind, instance=instance, actor_id=actor_id,
                     task_name=task_name, payload=payload)
