"""After a crash or load run: was any work lost, done twice, or left stuck, and does the
history still prove what happened?

Read straight from the database (not through the API), so a check never depends on the
process that was just killed:
- every completion a client saw a 2xx for has its ``task_completed`` event;
- no human task, service job or timer has two completion events (applied twice);
- the hash chains and anchors verify (``workflows.audit.verify.verify_trail``);
- every instance replays to exactly its stored state (``workflows.audit.replay``).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import Flask

from bench.server import KEYS
from workflows.core.unit_of_work import units_of

# The input events that must exist at most once per thing they complete.
ONCE_PER = {"task_completed": "task_id", "service_task_completed": "job_id",
            "timer_fired": "timer_id"}


@cache
def app_for(url: str) -> Flask:
    """An app bound to the bench database, for in-process reads and checks."""
    from api import create_app
    from config import Settings

    return create_app(Settings(database_url=url, **KEYS, password_time_cost=1,
                               password_memory_cost_kib=1024))


def scalar_rows(url: str, statement: Any) -> list[Any]:
    from models import db

    with app_for(url).app_context():
        try:
            return list(db.session.execute(statement).all())
        finally:
            db.session.remove()


def duplicated_inputs(url: str) -> dict[str, dict[int, int]]:
    """Per input kind, the ids recorded more than once (id -> count)."""
    from models import ProcessEvent

    rows = scalar_rows(url, sa.select(ProcessEvent.kind, ProcessEvent.payload)
                       .where(ProcessEvent.kind.in_(list(ONCE_PER))))
    counts: dict[str, Counter[int]] = {kind: Counter() for kind in ONCE_PER}
    for kind, payload in rows:
        counts[kind][int(payload[ONCE_PER[kind]])] += 1
    return {kind: {i: n for i, n in c.items() if n > 1} for kind, c in counts.items()}


def completed_task_ids(url: str) -> set[int]:
    from models import ProcessEvent

    rows = scalar_rows(url, sa.select(ProcessEvent.payload)
                       .where(ProcessEvent.kind == "task_completed"))
    return {int(row[0]["task_id"]) for row in rows}


def status_counts(url: str, process_id: str | None = None) -> dict[str, int]:
    from models import ProcessInstance

    query = sa.select(ProcessInstance.status, sa.func.count()).group_by(ProcessInstance.status)
    if process_id:
        query = query.where(ProcessInstance.process_id == process_id)
    return {status: count for status, count in scalar_rows(url, query)}


def audit_verify(url: str) -> dict[str, Any]:
    """``certflow audit verify``, in-process: chains, heads and anchors."""
    from workflows.audit.verify import verify_trail
    from workflows.core.runtime import runtime_of

    app = app_for(url)
    with app.app_context():
        from models import db

        try:
            runtime = runtime_of(app)
            report = verify_trail(key=runtime.settings.audit_signing_key,
                                  uows=units_of(runtime))
            return {"ok": report.ok, "findings": report.to_dict()["findings"][:5]}
        finally:
            db.session.remove()


def replay_all(url: str) -> dict[str, Any]:
    """Replay every instance and compare with what is stored (what tests/e2e does)."""
    from models import ProcessInstance, db
    from workflows.audit.replay import replay_instance
    from workflows.core.runtime import RunContext

    started = time.perf_counter()
    mismatches: dict[int, Any] = {}
    with app_for(url).app_context():
        try:
            ids = db.session.scalars(sa.select(ProcessInstance.id)
                                     .order_by(ProcessInstance.id)).all()
            for instance_id in ids:
                result = replay_instance(db.session, instance_id,
                                         context=RunContext(time_limit_s=5.0))
                if not result.integrity["matches"]:
                    mismatches[instance_id] = result.integrity["differences"][:3]
                db.session.expunge_all()
        finally:
            db.session.remove()
    return {"instances": len(ids), "mismatches": len(mismatches),
            "examples": dict(list(mismatches.items())[:3]),
            "seconds": round(time.perf_counter() - started, 1)}


def verify_all(url: str, acked_completions: Iterable[int]) -> dict[str, Any]:
    """Every invariant at once; ``ok`` only if all of them hold."""
    acked = set(acked_completions)
    lost = sorted(acked - completed_task_ids(url))
    duplicates = duplicated_inputs(url)
    audit = audit_verify(url)
    replay = replay_all(url)
    ok = (not lost and not any(duplicates.values()) and audit["ok"]
          and replay["mismatches"] == 0)
    return {"ok": ok, "acked_completions": len(acked), "lost_completions": lost[:20],
            "lost_count": len(lost),
            "duplicates": {k: dict(list(v.items())[:10]) for k, v in duplicates.items()},
            "duplicate_count": sum(len(v) for v in duplicates.values()),
            "audit": audit, "replay": replay}
