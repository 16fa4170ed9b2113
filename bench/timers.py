"""Exclusive time per code area, by wrapping functions of the running app (nothing is edited).

Each wrapped function is a *bucket*; time spent in a wrapped callee is charged to the callee,
not the caller, so the buckets of one request add up to its total. SQL is a bucket too
(cursor execute, from SQLAlchemy events), so "commit" is the ORM's flush work and the COMMIT
statement is in "sql". A patch whose target no longer exists (the code is changing under us)
is skipped and listed in ``missing``. Both wall time and this thread's CPU time are kept per
bucket: on a busy machine the CPU figures are the steadier ones.
"""

from __future__ import annotations

import functools
import importlib
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

# (module, attribute path, bucket): the hot path of claim/complete/start/inbox.
TARGETS = [
    ("api.auth", "_actor_from_request", "auth (JWT + user/groups query)"),
    ("api.audit_hooks", "_actor_from_request", "auth again (audit hook, writes only)"),
    ("marshmallow", "Schema.load", "request parsing (marshmallow)"),
    ("marshmallow", "Schema.dump", "response (marshmallow dump)"),
    ("workflows.definitions.forms", "validate", "form validation (jsonschema)"),
    ("workflows.engine.runtime", "load_state", "deserialize state"),
    ("workflows.engine.runtime", "dump_state", "serialize state"),
    ("workflows.engine.runtime", "Run.complete", "engine (complete + advance)"),
    ("workflows.engine.runtime", "Run.advance", "engine (complete + advance)"),
    ("workflows.engine.runtime", "Run.start", "engine (complete + advance)"),
    ("workflows.engine.runtime", "Run.data", "process data snapshot (to_plain)"),
    ("workflows.engine.runtime", "Run.ready_user_tasks", "engine (complete + advance)"),
    ("workflows.core.unit_of_work", "next_event", "history events (hash chain)"),
    ("workflows.instances.run_store", "_sync_human_tasks", "sync human tasks (ORM)"),
    ("workflows.tasks.actions", "view_of", "instance view (ORM)"),
    ("workflows.instances.lifecycle", "view_of", "instance view (ORM)"),
    ("workflows.tasks.actions", "_lock_task", "lock task + instance (ORM)"),
    ("workflows.definitions.spec_cache", "get", "spec cache lookup"),
    ("workflows.core.unit_of_work", "UnitOfWork.commit", "commit (ORM flush)"),
    ("workflows.core.unit_of_work", "UnitOfWork.__enter__", "begin (rollback + BEGIN)"),
    ("workflows.tasks.actions", "complete_task", "use case, other (ORM, Python)"),
    ("workflows.tasks.actions", "claim_task", "use case, other (ORM, Python)"),
    ("workflows.instances.lifecycle", "start_instance", "use case, other (ORM, Python)"),
    ("workflows.tasks.inbox", "list_inbox", "use case, other (ORM, Python)"),
    ("api.blueprints.tasks", "list_inbox", "use case, other (ORM, Python)"),
    ("api.blueprints.tasks", "inbox_items", "response (marshmallow dump)"),
]
SQL = "sql (cursor execute, incl. COMMIT)"
_WORDS = re.compile(r"^\s*(\w+)(?:.*?\b(?:FROM|INTO|UPDATE)\s+(\w+))?", re.S | re.I)


class Buckets:
    """Per-thread stack of open buckets; totals and SQL statements per request."""

    def __init__(self) -> None:
        self._local = threading.local()
        self.exclusive: dict[str, float] = defaultdict(float)  # wall seconds
        self.exclusive_cpu: dict[str, float] = defaultdict(float)  # this thread's CPU seconds
        self.sql: Counter[str] = Counter()
        self.sql_ms: dict[str, float] = defaultdict(float)
        self.missing: list[str] = []
        self._undo: list[Callable[[], None]] = []

    def _stack(self) -> list[list[Any]]:
        if not hasattr(self._local, "stack"):
            self._local.stack = []
        return self._local.stack

    def enter(self, bucket: str) -> None:
        self._stack().append([bucket, time.perf_counter(), 0.0, time.thread_time(), 0.0])

    def leave(self) -> None:
        bucket, began, children, cpu_began, cpu_children = self._stack().pop()
        elapsed = time.perf_counter() - began
        cpu = time.thread_time() - cpu_began
        self.exclusive[bucket] += elapsed - children
        self.exclusive_cpu[bucket] += cpu - cpu_children
        if self._stack():
            self._stack()[-1][2] += elapsed
            self._stack()[-1][4] += cpu

    @contextmanager
    def bucket(self, name: str) -> Iterator[None]:
        self.enter(name)
        try:
            yield
        finally:
            self.leave()

    def reset(self) -> None:
        self.exclusive.clear()
        self.exclusive_cpu.clear()
        self.sql.clear()
        self.sql_ms.clear()

    # --- installing -------------------------------------------------------------------------
    def install(self, engine: sa.Engine) -> None:
        for module_name, path, bucket in TARGETS:
            self._wrap(module_name, path, bucket)

        def before(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
            match = _WORDS.match(statement)
            verb = match.group(1).upper() if match else "?"
            table = (match.group(2) or "") if match else ""
            label = f"{verb} {table}".strip()
            self.sql[label] += 1
            self._local.sql_label = (label, time.perf_counter())
            self.enter(SQL)

        def after(*_: Any) -> None:
            self.leave()
            label, began = self._local.sql_label
            self.sql_ms[label] += (time.perf_counter() - began) * 1000

        sa.event.listen(engine, "before_cursor_execute", before)
        sa.event.listen(engine, "after_cursor_execute", after)
        self._undo.append(lambda: sa.event.remove(engine, "before_cursor_execute", before))
        self._undo.append(lambda: sa.event.remove(engine, "after_cursor_execute", after))
        # COMMIT, ROLLBACK and the pool's pre-ping bypass the cursor events: wrap the dialect.
        for method, label in (("do_commit", "COMMIT"), ("do_rollback", "ROLLBACK"),
                              ("do_ping", "PING (pool_pre_ping)")):
            self._wrap_dialect(engine.dialect, method, label)

    def _wrap_dialect(self, dialect: Any, method: str, label: str) -> None:
        original = getattr(dialect, method)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            self.sql[label] += 1
            self.enter(SQL)
            began = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.leave()
                self.sql_ms[label] += (time.perf_counter() - began) * 1000

        setattr(dialect, method, wrapper)
        self._undo.append(lambda: delattr(dialect, method))

    def uninstall(self) -> None:
        for undo in reversed(self._undo):
            undo()
        self._undo.clear()

    def _wrap(self, module_name: str, path: str, bucket: str) -> None:
        try:
            owner: Any = importlib.import_module(module_name)
            *parents, name = path.split(".")
            for parent in parents:
                owner = getattr(owner, parent)
            original = getattr(owner, name)
        except (ImportError, AttributeError):
            self.missing.append(f"{module_name}.{path}")
            return
        is_static = isinstance(owner, type) and isinstance(owner.__dict__.get(name),
                                                          classmethod | staticmethod)
        raw = owner.__dict__.get(name) if is_static else original
        target = raw.__func__ if is_static else raw

        @functools.wraps(target)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            self.enter(bucket)
            try:
                return target(*args, **kwargs)
            finally:
                self.leave()

        replacement = type(raw)(wrapper) if is_static else wrapper
        setattr(owner, name, replacement)
        self._undo.append(lambda: setattr(owner, name, raw))
